import {
  completedExportMetrics, embeddedMetricRecord, EXPORT_METRIC_DEFINITIONS, ExportCostReport, exportCostReport, ExportPrice, SnaplakeError,
} from '@snaplake/core';
import { InvalidInputError } from './errors';
import { log } from './log';
import { writeMetricRecord } from './metrics';

/** What the workflow passes when an export is COMPLETE and catalogued. */
export interface CompletedExportInput {
  readonly outcome: 'completed';
  readonly snapshot: { readonly databaseIdentifier: string };
  /** The last DescribeExportTasks result (describe-export). */
  readonly export: { readonly totalExtractedDataInGB: number; readonly taskStartTime: string; readonly taskEndTime: string };
  /**
   * The catalog step's result: its `tableCount` (metadata catalog; `tables` holds only the first names,
   * so a large export fits the workflow state) is reported; a crawler reports none.
   */
  readonly catalog: { readonly tables?: readonly string[]; readonly tableCount?: number };
  /** When the execution started: the duration's start when RDS gives no task start time. */
  readonly startedAt?: string;
}

/** What the workflow passes when it fails: its whole state, in which the database may not be known yet. */
export interface FailedExportInput {
  readonly outcome: 'failed';
  readonly state: { readonly snapshot?: { databaseIdentifier?: string }; readonly request?: { databaseIdentifier?: string } };
}

export interface ReportSettings {
  /** `snaplake/<stage>/exports` */
  readonly namespace: string;
  readonly price: ExportPrice;
  readonly now?: () => Date;
  readonly emit?: (line: string) => void;
}

/** The database of a failure whose snapshot was never resolved. */
export const UNKNOWN_DATABASE = 'unknown';

/**
 * Emits the per-database metrics of an export's outcome in CloudWatch embedded metric format: on
 * completion the freshness count, GB, duration, tables and estimated charge (and returns them for
 * the completion notification); on failure one ExportsFailed.
 */
export function reportExport(
  input: CompletedExportInput | FailedExportInput, settings: ReportSettings,
): ExportCostReport | { databaseIdentifier: string; failed: true } {
  const now = settings.now?.() ?? new Date();
  const emit = settings.emit ?? writeMetricRecord;
  if (input?.outcome === 'failed') {
    const databaseIdentifier = input.state?.snapshot?.databaseIdentifier || input.state?.request?.databaseIdentifier || UNKNOWN_DATABASE;
    emit(embeddedMetricRecord(settings.namespace, { Database: databaseIdentifier }, [{ metric: EXPORT_METRIC_DEFINITIONS.failed, value: 1 }], now));
    return { databaseIdentifier, failed: true };
  }
  if (input?.outcome !== 'completed') throw new InvalidInputError(`reportExport: outcome must be 'completed' or 'failed', got ${JSON.stringify((input as { outcome?: unknown })?.outcome)}`);
  const tables = input.catalog?.tables;
  const tableCount = input.catalog?.tableCount;
  let report: ExportCostReport;
  try {
    report = exportCostReport({
      databaseIdentifier: input.snapshot?.databaseIdentifier,
      extractedGB: input.export?.totalExtractedDataInGB,
      taskStartTime: input.export?.taskStartTime || input.startedAt || now.toISOString(),
      taskEndTime: input.export?.taskEndTime || now.toISOString(),
      tables: typeof tableCount === 'number' ? tableCount : Array.isArray(tables) ? tables.length : undefined,
    }, settings.price);
  } catch (error) {
    if (error instanceof SnaplakeError) throw new InvalidInputError(error.message);
    throw error;
  }
  emit(embeddedMetricRecord(settings.namespace, { Database: report.databaseIdentifier }, completedExportMetrics(report), now));
  log.info('export reported', { ...report });
  return report;
}

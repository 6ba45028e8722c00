import { SnaplakeError } from './errors';
import { EXPORT_METRIC_DEFINITIONS as METRICS, MetricValue } from './metrics';

/** The price of exporting a GB, and the date it was read from the price list. */
export interface ExportPrice {
  readonly usdPerGB: number;
  /** `YYYY-MM-DD`: when this price was taken from the Amazon RDS pricing page. */
  readonly asOf: string;
}

/**
 * The default price: USD 0.010 per GB, the us-east-1 list price of RDS snapshot export when it was
 * recorded. Prices differ per region and change: set the stage's `exportPricePerGB` to yours.
 */
export const DEFAULT_EXPORT_PRICE: ExportPrice = { usdPerGB: 0.01, asOf: '2026-11-22' };

/** What one complete export cost and carried, for the completion notification and the metrics. */
export interface ExportCostReport {
  readonly databaseIdentifier: string;
  readonly extractedGB: number;
  readonly durationMinutes: number;
  /** Tables catalogued; absent when the catalog cannot tell (a crawler catalogs later, on its own). */
  readonly tables?: number;
  /** Extracted GB times the price, in USD, rounded to 1/100 of a cent. An estimate: AWS bills by its own measure. */
  readonly estimatedChargeUSD: number;
  readonly pricePerGB: number;
  readonly priceAsOf: string;
}

export interface CompletedExport {
  readonly databaseIdentifier: string;
  readonly extractedGB: number;
  /** ISO times of the export task's start and end, as RDS reports them. */
  readonly taskStartTime: string;
  readonly taskEndTime: string;
  readonly tables?: number;
}

/**
 * The cost report of a complete export.
 * @throws SnaplakeError naming the field that is missing, negative or not a date.
 */
export function exportCostReport(done: Partial<CompletedExport>, price: ExportPrice): ExportCostReport {
  if (typeof done?.databaseIdentifier !== 'string' || done.databaseIdentifier === '') throw new SnaplakeError('exportCostReport: databaseIdentifier is missing');
  const number = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new SnaplakeError(`exportCostReport: ${field} must be a number >= 0, got ${JSON.stringify(value)}`);
    return value;
  };
  const time = (value: unknown, field: string) => {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw new SnaplakeError(`exportCostReport: ${field} must be an ISO date, got ${JSON.stringify(value)}`);
    return ms;
  };
  const extractedGB = number(done.extractedGB, 'extractedGB');
  const pricePerGB = number(price?.usdPerGB, 'price.usdPerGB');
  const minutes = (time(done.taskEndTime, 'taskEndTime') - time(done.taskStartTime, 'taskStartTime')) / 60_000;
  return {
    databaseIdentifier: done.databaseIdentifier,
    extractedGB,
    durationMinutes: Math.max(0, Math.round(minutes * 10) / 10),
    ...(done.tables === undefined ? {} : { tables: number(done.tables, 'tables') }),
    estimatedChargeUSD: Math.round(extractedGB * pricePerGB * 10_000) / 10_000,
    pricePerGB,
    priceAsOf: price.asOf,
  };
}

/** The per-database metric values of a complete, catalogued export (freshness counts `ExportsCatalogued`). */
export function completedExportMetrics(report: ExportCostReport): MetricValue[] {
  return [
    { metric: METRICS.catalogued, value: 1 },
    { metric: METRICS.extractedGB, value: report.extractedGB },
    { metric: METRICS.durationMinutes, value: report.durationMinutes },
    ...(report.tables === undefined ? [] : [{ metric: METRICS.tables, value: report.tables }]),
    { metric: METRICS.estimatedCharge, value: report.estimatedChargeUSD },
  ];
}

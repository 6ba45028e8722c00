import { ExportPrice } from '@snaplake/core';
import { isRecord, jsonEnv, requiredEnv } from '../env';
import { CompletedExportInput, FailedExportInput, reportExport } from '../report-export';

/** EXPORT_PRICE: `{ "usdPerGB": 0.01, "asOf": "2026-11-22" }`, set by the stack from the stage's `exportPricePerGB`. */
const isExportPrice = (value: unknown): value is ExportPrice => isRecord(value) && typeof value.usdPerGB === 'number' && typeof value.asOf === 'string';

/** Step Functions task: emit an export's per-database metrics and return its cost report for the notification. */
export async function handler(input: CompletedExportInput | FailedExportInput) {
  const price = jsonEnv('EXPORT_PRICE', { expected: '{"usdPerGB": number, "asOf": "YYYY-MM-DD"}', matches: isExportPrice });
  return reportExport(input, { namespace: requiredEnv('METRICS_NAMESPACE'), price });
}

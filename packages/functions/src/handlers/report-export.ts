import { requiredEnv } from '../env';
import { jsonVariable } from '../environment';
import { CompletedExportInput, FailedExportInput, reportExport } from '../report-export';

/** Step Functions task: emit an export's per-database metrics and return its cost report for the notification. */
export async function handler(input: CompletedExportInput | FailedExportInput) {
  // EXPORT_PRICE: `{ "usdPerGB": 0.01, "asOf": "2026-11-22" }`, set by the stack from the stage's `exportPricePerGB`.
  return reportExport(input, { namespace: requiredEnv('METRICS_NAMESPACE'), price: jsonVariable('EXPORT_PRICE') });
}

import { ExportPrice } from '@snaplake/core';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';
import { CompletedExportInput, FailedExportInput, reportExport } from '../report-export';

/** Step Functions task: emit an export's per-database metrics and return its cost report for the notification. */
export async function handler(input: CompletedExportInput | FailedExportInput) {
  return reportExport(input, { namespace: requiredEnv('METRICS_NAMESPACE'), price: exportPrice() });
}

/** EXPORT_PRICE: `{ "usdPerGB": 0.01, "asOf": "2026-11-22" }`, set by the stack from the stage's `exportPricePerGB`. */
function exportPrice(): ExportPrice {
  const price = JSON.parse(requiredEnv('EXPORT_PRICE')) as ExportPrice;
  if (typeof price?.usdPerGB !== 'number' || typeof price.asOf !== 'string') throw new InvalidInputError(`EXPORT_PRICE must be {"usdPerGB": number, "asOf": "YYYY-MM-DD"}, got ${process.env.EXPORT_PRICE}`);
  return price;
}

// CloudWatch embedded metric format (EMF): one JSON record a line that CloudWatch Logs turns into
// metrics. The records are made by core's embeddedMetricRecord from the metric declarations infra
// alarms on; this module only writes them.

/**
 * Writes an EMF record to stdout as it is. Not through `console`: under Lambda's JSON log format a
 * console call becomes `{ timestamp, level, requestId, message: "<record>" }`, where CloudWatch no
 * longer finds the record's `_aws` key and extracts no metric (the AWS embedded-metrics library
 * writes to stdout directly for the same reason).
 */
export function writeMetricRecord(record: string): void {
  process.stdout.write(`${record}\n`);
}

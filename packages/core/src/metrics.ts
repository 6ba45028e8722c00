// CloudWatch metric names the functions emit (embedded metric format) and infra alarms on. Each
// name is typed here once: an alarm on a name nobody emits never fires.

/** Namespace of every metric a stage emits for one area, such as `snaplake/prod/dr`. */
function stageNamespace(area: string): (stageName: string) => string {
  return (stageName) => `snaplake/${stageName}/${area}`;
}

/** The disaster-recovery report: age of the newest good copy per database and destination region. */
export const RECOVERY_POINT_METRICS = {
  namespace: stageNamespace('dr'),
  newestCopyAgeHours: 'NewestCopyAgeHours',
  databaseDimension: 'Database',
  regionDimension: 'Region',
} as const;

/** One run of a scheduled (or on-demand) query. */
export const SCHEDULED_QUERY_METRICS = {
  namespace: stageNamespace('scheduled-queries'),
  duration: 'Duration',
  bytesScanned: 'BytesScanned',
  failures: 'Failures',
  queryDimension: 'Query',
} as const;

import { SnaplakeError } from './errors';

// CloudWatch metric names the functions emit (embedded metric format) and infra alarms on and
// charts. Each name is typed here once: an alarm or a widget on a name nobody emits never fires.

/** The part of the system a metric describes; each has its own namespace `snaplake/<stage>/<area>`. */
export type MetricArea = 'exports' | 'dr' | 'scheduled-queries';

/** `snaplake/<stage>/<area>`: one namespace per stage and area. */
export function metricNamespace(stageName: string, area: MetricArea): string {
  if (typeof stageName !== 'string' || !/^[a-z][a-z0-9]*$/.test(stageName)) throw new SnaplakeError(`metricNamespace: ${JSON.stringify(stageName)} is not a stage name`);
  return `snaplake/${stageName}/${area}`;
}

/** Namespace of every metric a stage emits for one area, such as `snaplake/prod/dr`. */
function stageNamespace(area: MetricArea): (stageName: string) => string {
  return (stageName) => metricNamespace(stageName, area);
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
  runs: 'Runs',
  duration: 'Duration',
  bytesScanned: 'BytesScanned',
  failures: 'Failures',
  queryDimension: 'Query',
} as const;

/** One export of a database: counted when COMPLETE and catalogued (freshness), or when its workflow failed. */
export const EXPORT_METRICS = {
  namespace: stageNamespace('exports'),
  catalogued: 'ExportsCatalogued',
  failed: 'ExportsFailed',
  extractedGB: 'ExtractedGB',
  durationMinutes: 'ExportDurationMinutes',
  tables: 'TablesExported',
  estimatedCharge: 'EstimatedExportChargeUSD',
  databaseDimension: 'Database',
} as const;

/** CloudWatch units snaplake uses (a subset of the units PutMetricData and EMF accept). */
export type MetricUnit = 'Count' | 'None' | 'Gigabytes' | 'Milliseconds' | 'Bytes';

/** A metric as emitted: its area, name, dimension names (in order) and unit. */
export interface MetricDefinition {
  readonly area: MetricArea;
  readonly name: string;
  readonly dimensions: readonly string[];
  readonly unit: MetricUnit;
  readonly description: string;
}

const exportMetric = (name: string, unit: MetricUnit, description: string): MetricDefinition =>
  ({ area: 'exports', name, dimensions: [EXPORT_METRICS.databaseDimension], unit, description });
const queryMetric = (name: string, unit: MetricUnit, description: string): MetricDefinition =>
  ({ area: 'scheduled-queries', name, dimensions: [SCHEDULED_QUERY_METRICS.queryDimension], unit, description });

/** The export metrics as emitted, one record per export and database. */
export const EXPORT_METRIC_DEFINITIONS = {
  catalogued: exportMetric(EXPORT_METRICS.catalogued, 'Count', 'a COMPLETE export was catalogued (1 per export); the freshness alarm counts these'),
  failed: exportMetric(EXPORT_METRICS.failed, 'Count', 'an export workflow of the database failed (1 per failure)'),
  extractedGB: exportMetric(EXPORT_METRICS.extractedGB, 'Gigabytes', 'data the export extracted, as RDS reports it'),
  durationMinutes: exportMetric(EXPORT_METRICS.durationMinutes, 'None', 'minutes from the export task\'s start to its end'),
  tables: exportMetric(EXPORT_METRICS.tables, 'Count', 'tables catalogued from the export'),
  estimatedCharge: exportMetric(EXPORT_METRICS.estimatedCharge, 'None', 'extracted GB times the stage\'s export price per GB, in USD'),
} as const;

/** The disaster-recovery metric as emitted, one record per database and destination region. */
export const RECOVERY_POINT_METRIC_DEFINITIONS = {
  newestCopyAgeHours: {
    area: 'dr',
    name: RECOVERY_POINT_METRICS.newestCopyAgeHours,
    dimensions: [RECOVERY_POINT_METRICS.databaseDimension, RECOVERY_POINT_METRICS.regionDimension],
    unit: 'None',
    description: 'age in hours of the newest good snapshot copy in the region (hourly)',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The scheduled-query metrics as emitted, one record per run. */
export const SCHEDULED_QUERY_METRIC_DEFINITIONS = {
  runs: queryMetric(SCHEDULED_QUERY_METRICS.runs, 'Count', 'a run ended, succeeded or failed (1 per run)'),
  duration: queryMetric(SCHEDULED_QUERY_METRICS.duration, 'Milliseconds', 'Athena run time'),
  bytesScanned: queryMetric(SCHEDULED_QUERY_METRICS.bytesScanned, 'Bytes', 'data Athena scanned, what a query is billed for'),
  failures: queryMetric(SCHEDULED_QUERY_METRICS.failures, 'Count', 'a run failed (1 per failed run)'),
} as const;

/** Every metric snaplake's functions emit. */
export const SNAPLAKE_METRICS: readonly MetricDefinition[] = [
  ...Object.values(EXPORT_METRIC_DEFINITIONS),
  ...Object.values(RECOVERY_POINT_METRIC_DEFINITIONS),
  ...Object.values(SCHEDULED_QUERY_METRIC_DEFINITIONS),
];

/** The declaration of a metric snaplake emits. @throws SnaplakeError for a name nothing emits */
export function metricDefinition(area: MetricArea, name: string): MetricDefinition {
  const found = SNAPLAKE_METRICS.find((m) => m.area === area && m.name === name);
  if (!found) throw new SnaplakeError(`no snaplake function emits ${name} in snaplake/<stage>/${area}`);
  return found;
}

export interface MetricValue {
  readonly metric: MetricDefinition;
  readonly value: number;
}

/**
 * One CloudWatch embedded metric format record (a JSON log line CloudWatch turns into metrics):
 * every value shares the namespace (from {@link metricNamespace}) and the dimension values.
 * @throws SnaplakeError when the metrics mix areas or dimensions, the namespace is not of their area,
 * a dimension value is missing, or a value is not finite.
 */
export function embeddedMetricRecord(
  namespace: string, dimensions: Readonly<Record<string, string>>, values: readonly MetricValue[], timestamp: Date,
): string {
  const first = values[0]?.metric;
  if (!first) throw new SnaplakeError('embeddedMetricRecord: no metric values given');
  if (typeof namespace !== 'string' || !/^snaplake\/[a-z][a-z0-9]*\//.test(namespace) || !namespace.endsWith(`/${first.area}`)) {
    throw new SnaplakeError(`embeddedMetricRecord: namespace ${JSON.stringify(namespace)} is not snaplake/<stage>/${first.area}`);
  }
  const record: Record<string, unknown> = {};
  for (const { metric, value } of values) {
    if (metric.area !== first.area || metric.dimensions.join() !== first.dimensions.join()) {
      throw new SnaplakeError(`embeddedMetricRecord: ${metric.name} does not share the area and dimensions of ${first.name}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new SnaplakeError(`embeddedMetricRecord: ${metric.name} must be a finite number, got ${JSON.stringify(value)}`);
    record[metric.name] = value;
  }
  for (const name of first.dimensions) {
    const value = dimensions[name];
    if (typeof value !== 'string' || value === '') throw new SnaplakeError(`embeddedMetricRecord: dimension ${name} needs a value`);
    record[name] = value;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [{
        Namespace: namespace,
        Dimensions: [[...first.dimensions]],
        Metrics: values.map(({ metric }) => ({ Name: metric.name, Unit: metric.unit })),
      }],
    },
    ...record,
  });
}

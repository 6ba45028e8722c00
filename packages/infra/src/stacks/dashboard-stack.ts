import {
  DisasterRecoveryConfig, EXPORT_METRIC_DEFINITIONS as EXPORTS, metricDefinition, MetricDefinition, metricNamespace,
  RECOVERY_POINT_METRICS, SCHEDULED_QUERY_METRICS,
} from '@snaplake/core';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DashboardStackProps extends StackProps {
  readonly project: string;
  readonly stageName: string;
  /** Identifiers of the stage's exported databases. */
  readonly databases: readonly string[];
  /** The stage's disaster recovery, when it has one. @default - no recovery-point row */
  readonly disasterRecovery?: DisasterRecoveryConfig;
  /** Names of the stage's scheduled queries. @default - no scheduled-query row */
  readonly queryNames?: readonly string[];
  /** Dead-letter queues of the export, copy and query triggers. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** Every alarm of the stage; their states fill the last row. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** A metric snaplake emits, named only through its declaration in core. */
export function snaplakeMetric(
  stageName: string, definition: MetricDefinition, dimensions: Record<string, string>, statistic: string, period: Duration, label?: string,
): cloudwatch.Metric {
  const names = Object.keys(dimensions);
  if (names.join() !== definition.dimensions.join()) {
    throw new Error(`${definition.name} is emitted with dimensions [${definition.dimensions.join(', ')}], not [${names.join(', ')}]`);
  }
  return new cloudwatch.Metric({
    namespace: metricNamespace(stageName, definition.area), metricName: definition.name, dimensionsMap: dimensions, statistic, period, label,
  });
}

/**
 * One CloudWatch dashboard per stage, `<project>-<stage>`: export freshness, duration, GB, charge and
 * failures per database; recovery-point age per database and region; scheduled-query runs, failures
 * and bytes scanned; dead-lettered triggers; and the state of every alarm.
 */
export class DashboardStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    const stage = props.stageName;
    const day = Duration.days(1);
    const perDatabase = (definition: MetricDefinition, statistic: string, period: Duration) =>
      props.databases.map((db) => snaplakeMetric(stage, definition, { Database: db }, statistic, period, db));
    const graph = (title: string, left: cloudwatch.IMetric[], width: number, extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: `${props.project}-${stage}`,
      defaultInterval: Duration.days(14),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: `# snaplake ${stage}\nFreshness: exports catalogued per hour; a database whose freshness alarm is red has no catalogued export within its maxExportAgeHours.`,
      width: 24,
      height: 2,
    }));
    this.dashboard.addWidgets(
      graph('Exports catalogued per hour (freshness)', perDatabase(EXPORTS.catalogued, 'Sum', Duration.hours(1)), 12),
      graph('Export failures per day', perDatabase(EXPORTS.failed, 'Sum', day), 12),
    );
    this.dashboard.addWidgets(
      graph('Export duration (minutes)', perDatabase(EXPORTS.durationMinutes, 'Maximum', day), 8),
      graph('Data extracted (GB per day)', perDatabase(EXPORTS.extractedGB, 'Sum', day), 8),
      graph('Estimated export charge (USD per day)', perDatabase(EXPORTS.estimatedCharge, 'Sum', day), 8),
    );
    const dr = props.disasterRecovery;
    if (dr) {
      const ages = dr.databases.flatMap((db) => dr.destinationRegions.map((region) =>
        snaplakeMetric(stage, metricDefinition('dr', RECOVERY_POINT_METRICS.newestCopyAgeHours), { Database: db, Region: region }, 'Maximum', Duration.hours(1), `${db} in ${region}`)));
      this.dashboard.addWidgets(graph('Recovery-point age (hours) per database and region', ages, 24, {
        leftAnnotations: [{ value: dr.recoveryPointObjectiveHours, label: 'recovery point objective', color: cloudwatch.Color.RED }],
      }));
    }
    const queries = props.queryNames ?? [];
    if (queries.length > 0) {
      const perQuery = (name: string) => queries.map((q) => snaplakeMetric(stage, metricDefinition('scheduled-queries', name), { Query: q }, 'Sum', day, q));
      this.dashboard.addWidgets(
        graph('Scheduled-query runs per day', perQuery(SCHEDULED_QUERY_METRICS.runs), 8),
        graph('Scheduled-query failures per day', perQuery(SCHEDULED_QUERY_METRICS.failures), 8),
        graph('Bytes scanned per day', perQuery(SCHEDULED_QUERY_METRICS.bytesScanned), 8),
      );
    }
    this.dashboard.addWidgets(
      graph('Dead-lettered triggers', props.deadLetterQueues.map((queue) =>
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label: Stack.of(queue).stackName })), 8),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 16, height: 6 }),
    );
  }
}

import { DatabaseConfig, DisasterRecoveryConfig, RECOVERY_POINT_METRICS } from '@snaplake/core';
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { listCopies } from './region-copy';
import { SnapshotArns } from './snapshot-arns';
import { AsyncFailures, sendFailuresTo } from '../../service-access';
import { SnaplakeFunction } from '../../snaplake-function';

/**
 * The recovery point of each copied database in each destination region: a function that reports,
 * every hour, the age of the newest good copy, and an alarm per database and region on copies older
 * than the recovery point objective (or on no report at all).
 *
 * Built in the stack's scope, not as a child construct: its resources keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class RecoveryPoints {
  readonly function: SnaplakeFunction;

  constructor(
    private readonly scope: Construct,
    private readonly stageName: string,
    private readonly config: DisasterRecoveryConfig,
    private readonly databases: readonly DatabaseConfig[],
    arns: SnapshotArns,
  ) {
    this.function = new SnaplakeFunction(scope, 'ReportRecoveryPoints', {
      handler: 'report-recovery-points',
      description: 'Emits the age of the newest good copy per database and region',
      environment: {
        COPIED_DATABASES: JSON.stringify(databases.map((db) => ({ databaseIdentifier: db.identifier, kind: db.kind }))),
        DESTINATION_REGIONS: JSON.stringify(config.destinationRegions),
        METRICS_NAMESPACE: RECOVERY_POINT_METRICS.namespace(stageName),
      },
    });
    this.function.role.addToPrincipalPolicy(listCopies(arns));
    Validations.of(this.function.role).acknowledge(...arns.wildcards(config.destinationRegions, arns.anySnapshot()));
  }

  /** Runs the report every hour; an invocation that cannot be delivered, or still fails after Lambda's retries, goes to `failures`. */
  reportHourly(failures: AsyncFailures): void {
    new events.Rule(this.scope, 'HourlyRecoveryPoints', {
      description: `snaplake ${this.stageName}: report the age of the newest snapshot copies`,
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 2, deadLetterQueue: failures.queue })],
    });
    // A failed report is retried by the next hour's; the recovery point alarms treat a missing report as breaching.
    sendFailuresTo(this.function, failures.queue, failures.key, { retryAttempts: 2, maxEventAge: Duration.hours(1) });
  }

  /** One alarm per database and destination region, raised through `action`. */
  alarms(action: cloudwatch.IAlarmAction): cloudwatch.Alarm[] {
    const { config, stageName } = this;
    return this.databases.flatMap((db) => config.destinationRegions.map((region) => {
      const alarm = new cloudwatch.Alarm(this.scope, `RecoveryPoint-${db.identifier}-${region}`, {
        metric: new cloudwatch.Metric({
          namespace: RECOVERY_POINT_METRICS.namespace(stageName),
          metricName: RECOVERY_POINT_METRICS.newestCopyAgeHours,
          dimensionsMap: { [RECOVERY_POINT_METRICS.databaseDimension]: db.identifier, [RECOVERY_POINT_METRICS.regionDimension]: region },
          period: Duration.hours(1),
          statistic: 'Maximum',
        }),
        threshold: config.recoveryPointObjectiveHours,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No report at all is as bad as an old copy.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `snaplake ${stageName}: the newest copy of ${db.identifier} in ${region} is older than ${config.recoveryPointObjectiveHours} h`,
      });
      alarm.addAlarmAction(action);
      return alarm;
    }));
  }
}

import { DatabaseConfig, DisasterRecoveryConfig, SNAPSHOT_CREATED_EVENT_IDS } from '@snaplake/core';
import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { alarmOnFirst } from '../alarms';
import { wildcardOnArnOf } from '../nag';
import { AsyncFailures, eventsRole, retryPublishing, sendFailuresTo, triggerDeadLetterQueue, workflowRole } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { CopyPlanning } from './disaster-recovery/copy-planning';
import { RecoveryPoints } from './disaster-recovery/recovery-points';
import { RegionCopy } from './disaster-recovery/region-copy';
import { SnapshotArns } from './disaster-recovery/snapshot-arns';
import { allowPublishing } from './export-pipeline-stack';

/** The alias of a stage's copy key in every destination region: the copy workflow names keys by it, so no ARN is copied by hand. */
export function drKeyAlias(project: string, stageName: string): string {
  return `alias/${project}-${stageName}-dr`;
}

export interface DrKeyStackProps extends StackProps {
  readonly project: string;
  readonly stageName: string;
}

/** In one destination region: the customer-managed key that encrypts the copies there (the source key cannot be used across regions). */
export class DrKeyStack extends Stack {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DrKeyStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'CopyKey', {
      description: `snaplake ${props.stageName}: encrypts snapshot copies in this region`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      alias: drKeyAlias(props.project, props.stageName),
    });
  }
}

export interface DisasterRecoveryStackProps extends StackProps {
  readonly project: string;
  readonly stageName: string;
  readonly config: DisasterRecoveryConfig;
  /** The stage's databases; those named in `config.databases` are copied. */
  readonly databases: readonly DatabaseConfig[];
  readonly notifications: sns.ITopic;
  readonly notificationsKey: kms.IKey;
  /** @default Duration.minutes(5) */
  readonly pollInterval?: Duration;
}

/**
 * Copies each snapshot of the configured databases to the destination regions (with each region's
 * key, tags copied), waits for the copies, prunes old copies by the retention policy (only
 * snaplake's, never the last good one), and alarms on failures and on copies older than the
 * recovery point objective.
 *
 * Each concern owns its functions, permissions and steps: {@link CopyPlanning} (which snapshot, and
 * a source snapshot made on a schedule), {@link RegionCopy} (copy, wait, prune in every region) and
 * {@link RecoveryPoints} (the hourly report and its alarms). This stack holds the workflow, its
 * triggers and its alarms.
 */
export class DisasterRecoveryStack extends Stack {
  readonly stateMachine: sfn.StateMachine;
  readonly recoveryPointAlarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DisasterRecoveryStackProps) {
    super(scope, id, props);
    const { config } = props;
    const databases = props.databases.filter((db) => config.databases.includes(db.identifier));
    const arns = new SnapshotArns(this, databases, config.destinationRegions);
    const keyAlias = drKeyAlias(props.project, props.stageName);
    const destinations = config.destinationRegions.map((region) => ({ region, kmsKeyArn: `arn:${this.partition}:kms:${region}:${this.account}:${keyAlias}` }));

    // Every part builds its resources in this stack's scope: their construct paths, and so their logical ids, stay put.
    const planning = new CopyPlanning(this, config, arns, destinations);
    const regionCopy = new RegionCopy(this, config, arns, keyAlias);
    const recoveryPoints = new RecoveryPoints(this, props.stageName, config, databases, arns);

    this.stateMachine = new sfn.StateMachine(this, 'Copies', {
      role: workflowRole(this, 'CopiesRole'),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(planning, regionCopy, props)),
      timeout: Duration.hours(48),
      tracingEnabled: true,
      logs: { destination: new logs.LogGroup(this, 'CopyLogs', { retention: logs.RetentionDays.ONE_YEAR }), level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `snaplake ${props.stageName}: copy a snapshot to the disaster-recovery regions`,
    });
    allowPublishing(this.stateMachine.role, props.notificationsKey);
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray tracing actions take no resource ARN (set by the CDK).' },
      ...[planning.function, ...regionCopy.functions].map((fn) => ({ id: wildcardOnArnOf(fn.function, ':*'), reason: 'The workflow invokes versions of its own functions (set by the CDK).' })),
    );

    // A trigger that cannot start the workflow lands here, and raises an alarm: no failure goes unseen.
    const deadLetters = triggerDeadLetterQueue(this, 'TriggerDeadLetters', props.notificationsKey, 'the copy triggers');
    const failures: AsyncFailures = { queue: deadLetters, key: props.notificationsKey };
    this.startCopies(databases, arns, failures, props);
    recoveryPoints.reportHourly(failures);

    const onAlarm = new cwActions.SnsAction(props.notifications);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) =>
      alarmOnFirst(this, name, metric, `snaplake ${props.stageName}: ${description}`, props.notifications);
    alarm('CopiesFailed', this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }), 'a snapshot copy failed (quota, key, or copy error)');
    alarm('CopiesTimedOut', this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }), 'a snapshot copy workflow timed out');
    alarm('TriggersDeadLettered', deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      'a snapshot event or schedule could not start the copy workflow, or a function it invokes failed');
    this.recoveryPointAlarms = recoveryPoints.alarms(onAlarm);
  }

  /** Triggers: each created snapshot of a copied database, or (snapshotSchedule) a snapshot made on a schedule. */
  private startCopies(
    databases: readonly DatabaseConfig[], arns: SnapshotArns, { queue: deadLetters, key }: AsyncFailures, props: DisasterRecoveryStackProps,
  ): void {
    const { config } = props;
    if (config.snapshotSchedule) {
      const scheduleRole = eventsRole(this, 'ScheduleRole', 'Lets EventBridge start the copy workflow on schedule');
      for (const db of databases) {
        new events.Rule(this, `Snapshot-${db.identifier}`, {
          description: `snaplake ${props.stageName}: snapshot ${db.identifier} and copy it`,
          schedule: events.Schedule.expression(config.snapshotSchedule),
          targets: [new targets.SfnStateMachine(this.stateMachine, {
            role: scheduleRole,
            input: events.RuleTargetInput.fromObject({
              createSnapshotOf: { databaseIdentifier: db.identifier, kind: db.kind },
              scheduledTime: events.EventField.time,
            }),
            retryAttempts: 8,
            deadLetterQueue: deadLetters,
          })],
        });
      }
      return;
    }
    const start = new SnaplakeFunction(this, 'StartCopies', {
      handler: 'start-workflow',
      description: 'Starts one copy workflow per created snapshot of a copied database',
      environment: {
        STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        WATCHED_DATABASES: JSON.stringify(databases.map((db) => ({ identifier: db.identifier, kind: db.kind, includeAwsBackupSnapshots: false }))),
      },
    });
    this.stateMachine.grantStartExecution(start.role);
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: arns.describeActions(),
      resources: arns.anySnapshot().map((resource) => arns.rds(this.region, resource)),
    }));
    Validations.of(start.role).acknowledge(...arns.wildcards([this.region], arns.anySnapshot()));
    sendFailuresTo(start, deadLetters, key, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    new events.Rule(this, 'SnapshotCreated', {
      description: `snaplake ${props.stageName}: snapshot created -> copy workflow`,
      // The function describes the snapshot of each event before it filters: only the kinds it may describe.
      eventPattern: { source: ['aws.rds'], detailType: arns.ofKinds('RDS DB Snapshot Event', 'RDS DB Cluster Snapshot Event'), detail: { EventID: [...SNAPSHOT_CREATED_EVENT_IDS] } },
      targets: [new targets.LambdaFunction(start.function, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: deadLetters })],
    });
  }

  /**
   * Plan the copies, waiting while RDS creates the snapshot; copy it to every region at once; delete
   * a source snapshot made only for copying. Every failure is notified.
   * Each part makes its states now and chains them once what follows exists: the order the steps
   * are made in is the order of the rendered definition.
   */
  private definition(planning: CopyPlanning, regionCopy: RegionCopy, props: DisasterRecoveryStackProps): sfn.IChainable {
    const poll = props.pollInterval ?? Duration.minutes(5);
    const failed = new sfn.Fail(this, 'Failed', { error: 'CopyFailed', causePath: '$.error.Cause' });
    const notifyFailure = retryPublishing(new tasks.SnsPublish(this, 'Notify failure', {
      topic: props.notifications,
      subject: `snaplake ${props.stageName}: snapshot copy failed`,
      message: sfn.TaskInput.fromObject({
        'event': 'copy-failed', 'stage': props.stageName, 'error.$': '$.error.Error', 'cause.$': '$.error.Cause', 'request.$': '$.request', 'execution.$': '$$.Execution.Id',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    })).next(failed);

    const copyToEveryRegion = regionCopy.steps(poll, notifyFailure);
    return planning.steps(poll, notifyFailure).continueWith(copyToEveryRegion);
  }
}

import {
  DatabaseConfig, DisasterRecoveryConfig, DR_COPY_PREFIX, DR_COPY_TAG, DR_SOURCE_PREFIX, DR_SOURCE_TAG,
  RECOVERY_POINT_METRICS, SNAPSHOT_CREATED_EVENT_IDS, WORKFLOW_ERRORS,
} from '@snaplake/core';
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
import { wildcardOnArnOf } from '../nag';
import { eventsRole, retryPublishing, triggerDeadLetterQueue, workflowRole } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { invokeFunction } from '../workflow-tasks';
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

/** The longest a copy workflow waits for a snapshot being created, then for a copy: together below its 48-hour timeout. */
const MAX_SNAPSHOT_WAIT = Duration.hours(12);
const MAX_COPY_WAIT = Duration.hours(34);

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
 */
export class DisasterRecoveryStack extends Stack {
  readonly stateMachine: sfn.StateMachine;
  readonly recoveryPointAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: DisasterRecoveryStackProps) {
    super(scope, id, props);
    const { config } = props;
    const databases = props.databases.filter((db) => config.databases.includes(db.identifier));
    const rds = (region: string, resource: string) => `arn:${this.partition}:rds:${region}:${this.account}:${resource}`;
    const destinations = config.destinationRegions.map((region) => ({
      region,
      kmsKeyArn: `arn:${this.partition}:kms:${region}:${this.account}:${drKeyAlias(props.project, props.stageName)}`,
    }));
    const dbArns = (region: string) => databases.map((db) => rds(region, db.kind === 'instance' ? `db:${db.identifier}` : `cluster:${db.identifier}`));
    const copyArns = (region: string) => [rds(region, `snapshot:${DR_COPY_PREFIX}*`), rds(region, `cluster-snapshot:${DR_COPY_PREFIX}*`)];
    const everyDestination = (fn: (region: string) => string[]) => config.destinationRegions.flatMap(fn);

    const plan = new SnaplakeFunction(this, 'PlanCopies', {
      handler: 'plan-copies',
      description: 'Resolves the snapshot to copy (made first on a schedule) and plans a copy per destination region',
      environment: { COPY_DESTINATIONS: JSON.stringify(destinations) },
    });
    plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: [rds(this.region, 'snapshot:*'), rds(this.region, 'cluster-snapshot:*')],
    }));
    if (config.snapshotSchedule) {
      const sourceSnapshots = [rds(this.region, `snapshot:${DR_SOURCE_PREFIX}*`), rds(this.region, `cluster-snapshot:${DR_SOURCE_PREFIX}*`)];
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['rds:CreateDBSnapshot', 'rds:CreateDBClusterSnapshot'],
        resources: [...dbArns(this.region), ...sourceSnapshots],
      }));
      // Tags are set on the new snapshot at creation: the database itself, or any other snapshot, can never be tagged.
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:AddTagsToResource'], resources: sourceSnapshots }));
      // Once copied, the source snapshot is deleted: only snaplake-dr-source-* carrying the snaplake:dr-source tag.
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'],
        resources: [rds(this.region, `snapshot:${DR_SOURCE_PREFIX}*`), rds(this.region, `cluster-snapshot:${DR_SOURCE_PREFIX}*`)],
        conditions: { StringEquals: { [`aws:ResourceTag/${DR_SOURCE_TAG}`]: 'true' } },
      }));
    }

    const copy = new SnaplakeFunction(this, 'CopySnapshot', {
      handler: 'copy-snapshot',
      description: 'Copies a snapshot into one destination region with that region\'s key',
    });
    copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot'],
      resources: [rds(this.region, 'snapshot:*'), rds(this.region, 'cluster-snapshot:*'), ...everyDestination(copyArns)],
    }));
    copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:AddTagsToResource', 'rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: everyDestination(copyArns),
    }));
    // The copy key is named by its alias in each region: grant on keys carrying that alias only.
    copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: config.destinationRegions.map((region) => `arn:${this.partition}:kms:${region}:${this.account}:key/*`),
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': drKeyAlias(props.project, props.stageName) } },
    }));

    const describe = new SnaplakeFunction(this, 'DescribeCopy', { handler: 'describe-copy', description: 'Reads the status of a snapshot copy in its destination region' });
    describe.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: everyDestination(copyArns),
    }));

    const prune = new SnaplakeFunction(this, 'PruneCopies', {
      handler: 'prune-copies',
      description: 'Deletes snaplake\'s copies the retention policy lets go, never the last good one',
      environment: {
        ...(config.keepLast !== undefined ? { KEEP_LAST: String(config.keepLast) } : {}),
        ...(config.maxAgeDays !== undefined ? { MAX_AGE_DAYS: String(config.maxAgeDays) } : {}),
      },
    });
    const listCopies = new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: everyDestination((region) => [...dbArns(region), rds(region, 'snapshot:*'), rds(region, 'cluster-snapshot:*')]),
    });
    prune.role.addToPrincipalPolicy(listCopies);
    // Even a bug cannot delete a snapshot that snaplake did not tag as its copy.
    prune.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'],
      resources: everyDestination(copyArns),
      conditions: { StringEquals: { [`aws:ResourceTag/${DR_COPY_TAG}`]: 'true' } },
    }));

    const report = new SnaplakeFunction(this, 'ReportRecoveryPoints', {
      handler: 'report-recovery-points',
      description: 'Emits the age of the newest good copy per database and region',
      environment: {
        COPIED_DATABASES: JSON.stringify(databases.map((db) => ({ databaseIdentifier: db.identifier, kind: db.kind }))),
        DESTINATION_REGIONS: JSON.stringify(config.destinationRegions),
        METRICS_NAMESPACE: RECOVERY_POINT_METRICS.namespace(props.stageName),
      },
    });
    report.role.addToPrincipalPolicy(listCopies);

    // Each role acknowledges exactly the wildcards it holds.
    const rdsWildcards = (regions: readonly string[], resources: readonly string[]) => regions.flatMap((region) => resources.map((resource) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:${this.account}:${resource}]`,
      reason: resource.includes(DR_COPY_PREFIX)
        ? 'Copies (and scheduled source snapshots) are named snaplake-dr-* per snapshot; deleting one also requires the snaplake:dr-copy tag.'
        : 'Snapshot names are made by RDS at snapshot time; access is limited to snapshots of this account in these regions.',
    })));
    const anySnapshot = ['snapshot:*', 'cluster-snapshot:*'];
    const copies = [`snapshot:${DR_COPY_PREFIX}*`, `cluster-snapshot:${DR_COPY_PREFIX}*`];
    const keyByAlias = config.destinationRegions.map((region) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${region}:${this.account}:key/*]`,
      reason: 'The copy key is found by its alias (kms:ResourceAliases condition), so its id need not be copied by hand.',
    }));
    Validations.of(plan.role).acknowledge(
      ...rdsWildcards([this.region], anySnapshot),
      ...(config.snapshotSchedule ? rdsWildcards([this.region], [`snapshot:${DR_SOURCE_PREFIX}*`, `cluster-snapshot:${DR_SOURCE_PREFIX}*`]) : []),
    );
    Validations.of(copy.role).acknowledge(
      ...rdsWildcards([this.region], anySnapshot), ...rdsWildcards(config.destinationRegions, copies), ...keyByAlias,
    );
    Validations.of(describe.role).acknowledge(...rdsWildcards(config.destinationRegions, copies));
    Validations.of(prune.role).acknowledge(...rdsWildcards(config.destinationRegions, [...anySnapshot, ...copies]));
    Validations.of(report.role).acknowledge(...rdsWildcards(config.destinationRegions, anySnapshot));

    this.stateMachine = new sfn.StateMachine(this, 'Copies', {
      role: workflowRole(this, 'CopiesRole'),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition({ plan, copy, describe, prune }, props)),
      timeout: Duration.hours(48),
      tracingEnabled: true,
      logs: { destination: new logs.LogGroup(this, 'CopyLogs', { retention: logs.RetentionDays.ONE_YEAR }), level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `snaplake ${props.stageName}: copy a snapshot to the disaster-recovery regions`,
    });
    allowPublishing(this.stateMachine.role, props.notificationsKey);
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray tracing actions take no resource ARN (set by the CDK).' },
      ...[plan, copy, describe, prune].map((fn) => ({ id: wildcardOnArnOf(fn.function, ':*'), reason: 'The workflow invokes versions of its own functions (set by the CDK).' })),
    );

    // A trigger that cannot start the workflow lands here, and raises an alarm: no failure goes unseen.
    const deadLetters = triggerDeadLetterQueue(this, 'TriggerDeadLetters', props.notificationsKey, 'the copy triggers');

    // Triggers: each created snapshot, or (snapshotSchedule) a manual snapshot made on a schedule.
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
    } else {
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
        actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
        resources: [rds(this.region, 'snapshot:*'), rds(this.region, 'cluster-snapshot:*')],
      }));
      Validations.of(start.role).acknowledge(...rdsWildcards([this.region], anySnapshot));
      new events.Rule(this, 'SnapshotCreated', {
        description: `snaplake ${props.stageName}: snapshot created -> copy workflow`,
        eventPattern: { source: ['aws.rds'], detailType: ['RDS DB Snapshot Event', 'RDS DB Cluster Snapshot Event'], detail: { EventID: [...SNAPSHOT_CREATED_EVENT_IDS] } },
        targets: [new targets.LambdaFunction(start.function, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: deadLetters })],
      });
    }
    new events.Rule(this, 'HourlyRecoveryPoints', {
      description: `snaplake ${props.stageName}: report the age of the newest snapshot copies`,
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(report.function, { retryAttempts: 2, deadLetterQueue: deadLetters })],
    });

    const onAlarm = new cwActions.SnsAction(props.notifications);
    new cloudwatch.Alarm(this, 'CopiesFailed', {
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `snaplake ${props.stageName}: a snapshot copy failed (quota, key, or copy error)`,
    }).addAlarmAction(onAlarm);
    new cloudwatch.Alarm(this, 'CopiesTimedOut', {
      metric: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `snaplake ${props.stageName}: a snapshot copy workflow timed out`,
    }).addAlarmAction(onAlarm);
    new cloudwatch.Alarm(this, 'TriggersDeadLettered', {
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `snaplake ${props.stageName}: a snapshot event or schedule could not start the copy workflow`,
    }).addAlarmAction(onAlarm);
    for (const db of databases) {
      for (const region of config.destinationRegions) {
        const alarm = new cloudwatch.Alarm(this, `RecoveryPoint-${db.identifier}-${region}`, {
          metric: new cloudwatch.Metric({
            namespace: RECOVERY_POINT_METRICS.namespace(props.stageName),
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
          alarmDescription: `snaplake ${props.stageName}: the newest copy of ${db.identifier} in ${region} is older than ${config.recoveryPointObjectiveHours} h`,
        });
        alarm.addAlarmAction(onAlarm);
        this.recoveryPointAlarms.push(alarm);
      }
    }
  }

  private definition(
    fns: Record<'plan' | 'copy' | 'describe' | 'prune', SnaplakeFunction>, props: DisasterRecoveryStackProps,
  ): sfn.IChainable {
    const poll = props.pollInterval ?? Duration.minutes(5);
    const invoke = (name: string, fn: SnaplakeFunction, resultPath: string, inputPath?: string) =>
      invokeFunction(this, name, fn, { path: inputPath ?? '$' }, resultPath);
    const notReady = { errors: [WORKFLOW_ERRORS.notReady], interval: poll, backoffRate: 1, maxAttempts: 12 };
    const catchAll = { errors: ['States.ALL'], resultPath: '$.error' };

    const failed = new sfn.Fail(this, 'Failed', { error: 'CopyFailed', causePath: '$.error.Cause' });
    const notifyFailure = retryPublishing(new tasks.SnsPublish(this, 'Notify failure', {
      topic: props.notifications,
      subject: `snaplake ${props.stageName}: snapshot copy failed`,
      message: sfn.TaskInput.fromObject({
        'event': 'copy-failed', 'stage': props.stageName, 'error.$': '$.error.Error', 'cause.$': '$.error.Cause', 'request.$': '$.request', 'execution.$': '$$.Execution.Id',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    })).next(failed);

    // One destination region: copy (making room when the quota is full), wait, prune.
    const copySnapshot = invoke('Copy snapshot', fns.copy, '$.copy').addRetry(notReady);
    const pruneForRoom = invoke('Prune for room', fns.prune, '$.pruned');
    const quotaExceeded = new sfn.Fail(this, 'Quota exceeded', { error: 'CopyQuotaExceeded', cause: 'the destination region holds the most manual snapshots allowed and retention frees none' });
    copySnapshot.addCatch(pruneForRoom.next(new sfn.Choice(this, 'Room made?')
      .when(sfn.Condition.isPresent('$.pruned.deleted[0]'), copySnapshot)
      .otherwise(quotaExceeded)), { errors: [WORKFLOW_ERRORS.copyQuotaExceeded], resultPath: '$.quota' });
    const waitForCopy = new sfn.Wait(this, 'Wait for copy', { time: sfn.WaitTime.duration(poll) });
    const describeCopy = invoke('Describe copy', fns.describe, '$.copy').addRetry(notReady);
    const pruneCopies = invoke('Prune copies', fns.prune, '$.pruned');
    const copyFailed = new sfn.Fail(this, 'Copy failed', { error: 'CopyFailed', cause: 'the snapshot copy ended in a state other than available' });
    // Every wait loop is bounded below the workflow's timeout, so a stuck copy fails (and notifies) with its own error.
    const maxCopyChecks = Math.ceil(MAX_COPY_WAIT.toSeconds() / poll.toSeconds());
    const copyTooLong = new sfn.Fail(this, 'Copy took too long', { error: 'CopyTookTooLong', cause: `the snapshot copy was not available after ${MAX_COPY_WAIT.toHours()} hours` });
    const startCounting = new sfn.Pass(this, 'Start copy checks', { result: sfn.Result.fromObject({ count: 0 }), resultPath: '$.copyChecks' });
    const countCheck = new sfn.Pass(this, 'Count copy check', { parameters: { 'count.$': 'States.MathAdd($.copyChecks.count, 1)' }, resultPath: '$.copyChecks' });
    const stillCopying = sfn.Condition.or(
      sfn.Condition.stringEquals('$.copy.status', 'creating'), sfn.Condition.stringEquals('$.copy.status', 'copying'), sfn.Condition.stringEquals('$.copy.status', 'pending'),
    );
    const perRegion = copySnapshot.next(startCounting).next(waitForCopy).next(describeCopy).next(countCheck).next(new sfn.Choice(this, 'Copy done?')
      .when(sfn.Condition.stringEquals('$.copy.status', 'available'), pruneCopies)
      .when(sfn.Condition.and(stillCopying, sfn.Condition.numberLessThan('$.copyChecks.count', maxCopyChecks)), waitForCopy)
      .when(stillCopying, copyTooLong)
      .otherwise(copyFailed));
    const everyRegion = new sfn.Map(this, 'Copy to each region', { itemsPath: '$.plan.copies', resultPath: '$.copies', maxConcurrency: 0 })
      .itemProcessor(perRegion)
      .addCatch(notifyFailure, catchAll);

    // `request` stays the trigger's input for the failure notice; `lookup` is what the snapshot is planned from.
    const readRequest = new sfn.Pass(this, 'Read request', { parameters: { 'request.$': '$', 'lookup.$': '$', 'snapshotChecks': 0 } });
    const planCopies = invoke('Plan copies', fns.plan, '$.plan', '$.lookup').addRetry(notReady).addCatch(notifyFailure, catchAll);
    const waitForSnapshot = new sfn.Wait(this, 'Wait for snapshot', { time: sfn.WaitTime.duration(poll) });
    const checkAgain = new sfn.Pass(this, 'Check snapshot again', {
      parameters: { 'request.$': '$.request', 'lookup': { 'snapshotArn.$': '$.plan.snapshot.arn' }, 'snapshotChecks.$': 'States.MathAdd($.snapshotChecks, 1)' },
    });
    const maxSnapshotChecks = Math.ceil(MAX_SNAPSHOT_WAIT.toSeconds() / poll.toSeconds());
    const unusable = new sfn.Pass(this, 'Snapshot unusable', {
      parameters: { 'Error': 'SnapshotUnusable', 'Cause.$': "States.Format('snapshot {} is {}', $.plan.snapshot.identifier, $.plan.snapshot.status)" },
      resultPath: '$.error',
    });
    // A snapshot the schedule made only to be copied is deleted once every copy is available (else the manual-snapshot quota fills).
    const copied = new sfn.Succeed(this, 'Copied');
    const deleteSource = invokeFunction(this, 'Delete source snapshot', fns.plan, { 'deleteSource.$': '$.plan.snapshot' }, '$.sourceDeleted')
      .addCatch(notifyFailure, catchAll);
    const afterCopies = new sfn.Choice(this, 'Source made for copying?')
      .when(sfn.Condition.stringMatches('$.plan.snapshot.identifier', `${DR_SOURCE_PREFIX}*`), deleteSource.next(copied))
      .otherwise(copied);
    const creating = sfn.Condition.stringEquals('$.plan.snapshot.status', 'creating');
    return readRequest.next(planCopies).next(new sfn.Choice(this, 'Snapshot ready?')
      .when(sfn.Condition.stringEquals('$.plan.snapshot.status', 'available'), everyRegion.next(afterCopies))
      .when(sfn.Condition.and(creating, sfn.Condition.numberLessThan('$.snapshotChecks', maxSnapshotChecks)), waitForSnapshot.next(checkAgain).next(planCopies))
      .otherwise(unusable.next(notifyFailure)));
  }
}

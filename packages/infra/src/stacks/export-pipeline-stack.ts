import { catalogName, DatabaseConfig, EXPORT_METRICS, SNAPSHOT_CREATED_EVENT_IDS, StageConfig } from '@snaplake/core';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmOnFirst } from '../alarms';
import { exportPrice, exportScopes, maxExportAgeHours } from '../export-settings';
import { snapshotWildcards, wildcardOnArnOf } from '../nag';
import { allowAlarmNotifications, allowEventBridgeDeadLetters, eventsRole, sendFailuresTo, servicePrincipalForThisAccount, triggerDeadLetterQueue } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { ExportWorkflow } from './export-workflow';
import { freshnessAlarm } from './freshness-alarms';

export interface ExportPipelineStackProps extends StackProps {
  readonly project: string;
  readonly stage: StageConfig;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
}

/**
 * Exports snapshots of the configured databases and catalogs them: the export workflow, its
 * triggers (snapshot events and schedules), the notification topic and the alarms.
 */
export class ExportPipelineStack extends Stack {
  /** The role RDS assumes to write an export into the bucket. */
  readonly exportRole: iam.Role;
  readonly notifications: sns.Topic;
  /** Encrypts the notification topic; publishers need GenerateDataKey and Decrypt on it. */
  readonly notificationsKey: kms.Key;
  readonly workflow: ExportWorkflow;
  /** Only when a database is exported on every snapshot. */
  readonly startWorkflow?: SnaplakeFunction;
  /** Per database: fires when its newest catalogued export is older than its maxExportAgeHours. */
  readonly freshnessAlarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: ExportPipelineStackProps) {
    super(scope, id, props);
    const { stage, exportBucket, dataKey } = props;

    this.exportRole = new iam.Role(this, 'ExportRole', {
      assumedBy: servicePrincipalForThisAccount(this, 'export.rds.amazonaws.com'),
      description: 'Assumed by RDS to write snapshot exports into the export bucket',
    });
    // Exactly the actions the StartExportTask API reference lists for IamRoleArn, on the bucket and its objects.
    this.exportRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [exportBucket.bucketArn] }));
    this.exportRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject*', 's3:GetObject*', 's3:DeleteObject*'],
      resources: [exportBucket.arnForObjects('*')],
    }));
    // The bucket encrypts with the stage key by default (SSE-KMS needs only a data key to write and decrypt to read back).
    this.exportRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [dataKey.keyArn] }));
    Validations.of(this.exportRole).acknowledge(
      { id: wildcardOnArnOf(exportBucket, '/*'), reason: 'RDS names the objects of an export itself; the role may write only inside the export bucket.' },
      ...['s3:PutObject*', 's3:GetObject*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: 'The StartExportTask API reference lists exactly these actions for the export role.',
      })),
    );

    const notificationsKey = this.notificationsKey = new kms.Key(this, 'NotificationsKey', {
      description: `snaplake ${stage.name}: encrypts export notifications`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.notifications = new sns.Topic(this, 'Notifications', {
      displayName: `snaplake ${stage.name} exports`,
      masterKey: notificationsKey,
      enforceSSL: true,
    });
    // Every alarm of the stage (this stack's and the others') publishes here; dead letters of every trigger use this key.
    allowAlarmNotifications(this.notifications, notificationsKey);
    allowEventBridgeDeadLetters(notificationsKey);
    for (const email of stage.notificationEmails) this.notifications.addSubscription(new subscriptions.EmailSubscription(email));

    // What the triggers could not start, and what the functions they invoke failed on: alarmed below.
    const deadLetters = triggerDeadLetterQueue(this, 'TriggerDeadLetters', notificationsKey, 'the export triggers');
    const glueDatabasePrefix = catalogName(props.project, stage.name);
    this.workflow = new ExportWorkflow(this, 'Workflow', {
      stageName: stage.name,
      exportBucket,
      dataKey,
      exportRole: this.exportRole,
      notifications: this.notifications,
      glueDatabasePrefix,
      exportIdScope: `${props.project}-${stage.name}`,
      exportRetentionDays: stage.exportRetentionDays,
      databases: stage.databases,
      exportScopes: exportScopes(stage.databases),
      exportPrice: exportPrice(stage),
      catalog: stage.catalog,
      serverlessV1Restore: stage.serverlessV1Restore,
      failures: { queue: deadLetters, key: notificationsKey },
    });

    // Publishing to an encrypted topic needs the key: without this, every notification would fail.
    allowPublishing(this.workflow.stateMachine.role, notificationsKey);

    // Every snapshot of the databases exported on each snapshot: RDS event -> one execution per snapshot.
    const watched = stage.databases.filter((db) => db.trigger === 'every-snapshot');
    if (watched.length > 0) this.startWorkflow = this.startOnSnapshots(watched, props, deadLetters);

    // Databases exported on a schedule: the latest available automated snapshot, at the configured time.
    const scheduled = stage.databases.filter((d) => d.trigger === 'schedule');
    const scheduleRole = scheduled.length > 0 ? eventsRole(this, 'ScheduleRole', 'Lets EventBridge start the export workflow on schedule') : undefined;
    for (const db of scheduled) {
      new events.Rule(this, `Schedule-${db.identifier}`, {
        description: `snaplake ${stage.name}: export the latest snapshot of ${db.identifier}`,
        schedule: events.Schedule.expression(db.schedule!),
        targets: [new targets.SfnStateMachine(this.workflow.stateMachine, {
          role: scheduleRole,
          input: events.RuleTargetInput.fromObject({ databaseIdentifier: db.identifier, kind: db.kind, trigger: 'schedule' }),
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
        })],
      });
    }

    new CfnOutput(this, 'ExportStateMachineArn', {
      value: this.workflow.stateMachine.stateMachineArn,
      description: 'Start a backfill: aws stepfunctions start-execution --state-machine-arn <this> --input \'{"snapshotArn":"..."}\'',
    });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.notifications.topicArn, description: 'Export started/completed/failed notifications' });

    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) =>
      alarmOnFirst(this, name, metric, description, this.notifications);
    const everyFiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    alarm('ExportsFailed', this.workflow.stateMachine.metricFailed(everyFiveMinutes), `snaplake ${stage.name}: an export workflow failed`);
    alarm('ExportsTimedOut', this.workflow.stateMachine.metricTimedOut(everyFiveMinutes), `snaplake ${stage.name}: an export workflow timed out`);
    alarm('TriggersDeadLettered', deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `snaplake ${stage.name}: a snapshot event or schedule could not start the export workflow, or a function it invokes failed`);

    for (const db of stage.databases) {
      const freshness = this.freshnessAlarms[db.identifier] = freshnessAlarm(this, stage.name, db);
      freshness.addAlarmAction(new cwActions.SnsAction(this.notifications));
      freshness.addOkAction(new cwActions.SnsAction(this.notifications));
    }
    // What `snaplake-status` reads to print the freshness table.
    new CfnOutput(this, 'Freshness', {
      description: 'Per database: the freshness alarm and its maxExportAgeHours (read by snaplake-status)',
      value: this.toJsonString({
        namespace: EXPORT_METRICS.namespace(stage.name),
        metricName: EXPORT_METRICS.catalogued,
        dimension: EXPORT_METRICS.databaseDimension,
        databases: stage.databases.map((db) => ({
          database: db.identifier, maxExportAgeHours: maxExportAgeHours(db), alarmName: this.freshnessAlarms[db.identifier]!.alarmName,
        })),
      }),
    });
  }

  /** The function that starts one export per created snapshot of the watched databases, and its RDS event rule. */
  private startOnSnapshots(watched: readonly DatabaseConfig[], props: ExportPipelineStackProps, deadLetters: sqs.IQueue): SnaplakeFunction {
    const { stage } = props;
    const rdsArn = (resource: string) => `arn:${this.partition}:rds:${this.region}:${this.account}:${resource}`;
    const start = new SnaplakeFunction(this, 'StartWorkflow', {
      handler: 'start-workflow',
      description: 'Starts one export workflow per created snapshot of a watched database',
      environment: {
        STATE_MACHINE_ARN: this.workflow.stateMachine.stateMachineArn,
        EXPORT_ID_SCOPE: `${props.project}-${stage.name}`,
        WATCHED_DATABASES: JSON.stringify(watched.map(({ identifier, kind, includeAwsBackupSnapshots }) => ({
          identifier, kind, includeAwsBackupSnapshots,
        }))),
      },
    });
    this.workflow.stateMachine.grantStartExecution(start.role);
    // Only the snapshot kinds of the watched databases.
    const watchedKinds = new Set(watched.map((db) => db.kind));
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [...(watchedKinds.has('instance') ? ['rds:DescribeDBSnapshots'] : []), ...(watchedKinds.has('cluster') ? ['rds:DescribeDBClusterSnapshots'] : [])],
      resources: [...(watchedKinds.has('instance') ? [rdsArn('snapshot:*')] : []), ...(watchedKinds.has('cluster') ? [rdsArn('cluster-snapshot:*')] : [])],
    }));
    Validations.of(start.role).acknowledge(...snapshotWildcards(this.region, this.account));
    sendFailuresTo(start, deadLetters, this.notificationsKey, { retryAttempts: 2, maxEventAge: Duration.hours(6) });

    new events.Rule(this, 'SnapshotCreated', {
      description: `snaplake ${stage.name}: snapshot created -> export workflow`,
      eventPattern: {
        source: ['aws.rds'],
        // The function describes the snapshot of each event before it filters: only the kinds it may describe.
        detailType: [...(watchedKinds.has('instance') ? ['RDS DB Snapshot Event'] : []), ...(watchedKinds.has('cluster') ? ['RDS DB Cluster Snapshot Event'] : [])],
        detail: { EventID: [...SNAPSHOT_CREATED_EVENT_IDS] },
      },
      targets: [new targets.LambdaFunction(start.function, {
        deadLetterQueue: deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      })],
    });
    return start;
  }
}

/** What a publisher to the encrypted notification topic needs on its key (sns:Publish is granted by the task). */
export function allowPublishing(publisher: iam.IRole, key: kms.IKey): void {
  publisher.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}

import { IAthenaRdsConnector } from '@snaplake/connector';
import { QueryDefinition, SCHEDULED_QUERY_METRICS, scheduleName } from '@snaplake/core';
import { CfnOutput, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { alarmOnFirst } from '../alarms';
import { snaplakeWorkgroup } from '../athena-workgroup';
import { wildcardOnArnOf } from '../nag';
import { queryRunInput, SCHEDULED_TIME_PLACEHOLDER } from '../query-run-input';
import { retryPublishing, triggerDeadLetterQueue, workflowRole } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { invokeFunction } from '../workflow-tasks';
import { allowPublishing } from './export-pipeline-stack';
import { spillReadAcknowledgement } from './federated-query-stack';
import { RUNS_STATE_MACHINE_OUTPUT } from '../stack-names';

export interface ScheduledQueryStackProps extends StackProps {
  readonly project: string;
  readonly stageName: string;
  readonly queries: readonly QueryDefinition[];
  readonly resultsBucket: s3.IBucket;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  readonly notifications: sns.ITopic;
  readonly notificationsKey: kms.IKey;
  /** Connectors whose catalogs queries may name; the runner gets `grantQuery` on those it uses. */
  readonly connectors?: readonly IAthenaRdsConnector[];
}


/** Times a failed-but-retryable query (Athena's `AthenaError.Retryable`) is run in all. */
const QUERY_ATTEMPTS = 3;
/**
 * Checks of one running query before it counts as failed: checks come at most 55 s apart, so 300 checks
 * wait over 4 hours (Athena's longest query runtime is 240 minutes), and one run stays inside the 5-hour timeout.
 */
const MAX_QUERY_CHECKS = 300;

/**
 * Runs the SQL files of `packages/infra/queries` on their schedules: EventBridge Scheduler starts a
 * workflow per run, which starts the query, waits for it with Wait states (so a long query never
 * hits Lambda's 15 minutes), retries only retryable failures, keeps `latest.csv` when asked,
 * records metrics, and notifies the stage topic of failures with Athena's message.
 */
export class ScheduledQueryStack extends Stack {
  readonly workgroup: athena.CfnWorkGroup;
  readonly stateMachine: sfn.StateMachine;
  /** The role queries run with: grant it access to what queries read. */
  readonly runnerRole: iam.IRole;
  readonly schedules: scheduler.CfnSchedule[];

  constructor(scope: Construct, id: string, props: ScheduledQueryStackProps) {
    super(scope, id, props);
    const arn = (service: string, resource: string) => `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
    const workgroupName = `${props.project}-${props.stageName}-scheduled`;
    // Not enforced: each run chooses its own result folder, <query name>/<run date>/, still KMS-encrypted.
    this.workgroup = snaplakeWorkgroup(this, 'Workgroup', {
      name: workgroupName,
      description: `snaplake ${props.stageName}: scheduled queries`,
      resultsBucket: props.resultsBucket,
      resultsPrefix: 'scheduled/',
      key: props.dataKey,
      enforceConfiguration: false,
    });

    const start = new SnaplakeFunction(this, 'StartQuery', {
      handler: 'start-scheduled-query',
      description: 'Starts one run of a scheduled query with its run values as parameters',
      environment: { RESULTS_BUCKET_NAME: props.resultsBucket.bucketName, WORKGROUP: workgroupName, RESULTS_KMS_KEY_ARN: props.dataKey.keyArn },
    });
    const check = new SnaplakeFunction(this, 'CheckQuery', {
      handler: 'check-scheduled-query',
      description: 'Checks a running scheduled query and says when to check again',
    });
    const finish = new SnaplakeFunction(this, 'FinishQuery', {
      handler: 'finish-scheduled-query',
      description: 'Records the metrics of a scheduled query run and keeps latest.csv',
      environment: { RESULTS_BUCKET_NAME: props.resultsBucket.bucketName, METRICS_NAMESPACE: SCHEDULED_QUERY_METRICS.namespace(props.stageName) },
    });
    this.runnerRole = start.role;

    // The runner: Athena on its workgroups only, Glue read on the databases its queries name, S3 read on the data, write on the results.
    const workgroups = [...new Set([workgroupName, ...props.queries.map((q) => q.workgroup).filter((w): w is string => w !== undefined)])];
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['athena:StartQueryExecution'],
      resources: workgroups.map((w) => arn('athena', `workgroup/${w}`)),
    }));
    check.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['athena:GetQueryExecution'],
      resources: workgroups.map((w) => arn('athena', `workgroup/${w}`)),
    }));
    const glueDatabases = [...new Set(props.queries.filter((q) => q.catalog === 'AwsDataCatalog').map((q) => q.database))];
    if (glueDatabases.length > 0) {
      start.role.addToPrincipalPolicy(new iam.PolicyStatement({
        // What Athena reads of the Glue Data Catalog for a SELECT, with the caller's credentials.
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [arn('glue', 'catalog'), ...glueDatabases.flatMap((db) => [arn('glue', `database/${db}`), arn('glue', `table/${db}/*`)])],
      }));
      start.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.exportBucket.bucketArn] }));
      start.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    }
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.resultsBucket.bucketArn] }));
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: props.queries.map((q) => props.resultsBucket.arnForObjects(`${q.name}/*`)),
    }));
    // SSE-KMS: Athena reads the data and writes results with the runner's credentials (a data key to write, decrypt to read).
    start.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.dataKey.keyArn] }));
    for (const connector of props.connectors ?? []) {
      if (props.queries.some((q) => q.catalog === connector.catalogName)) {
        connector.grantQuery(start.role);
        Validations.of(start.role).acknowledge(spillReadAcknowledgement(connector));
        // A MySQL connector has no data catalog: it is queried as `lambda:<function>`, with no catalog to read.
        if (!connector.catalogName.startsWith('lambda:')) {
          start.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['athena:GetDataCatalog'], resources: [arn('athena', `datacatalog/${connector.catalogName}`)] }));
        }
      }
    }
    // Finishing copies the result to <name>/latest.csv, only for the queries that keep it (`-- latest: true`).
    const keptLatest = props.queries.filter((q) => q.keepLatest);
    if (keptLatest.length > 0) {
      finish.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: keptLatest.map((q) => props.resultsBucket.arnForObjects(`${q.name}/*`)),
      }));
      finish.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.dataKey.keyArn] }));
    }

    const resultWildcards = props.queries.map((q) => ({
      id: wildcardOnArnOf(props.resultsBucket, `/${q.name}/*`),
      reason: `Athena names result files per query execution; ${q.name} may write only under its own folder.`,
    }));
    Validations.of(start.role).acknowledge(
      ...resultWildcards,
      { id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'Queries read the Parquet files of exports, named by RDS.' },
      ...glueDatabases.map((db) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${this.region}:${this.account}:table/${db}/*]`,
        reason: `Tables of ${db} follow the exported tables and are read, never written.`,
      })),
    );
    Validations.of(finish.role).acknowledge(...resultWildcards.filter((_, i) => props.queries[i]!.keepLatest));

    this.stateMachine = new sfn.StateMachine(this, 'Runs', {
      role: workflowRole(this, 'RunsRole'),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(start, check, finish, props)),
      timeout: Duration.hours(5),
      tracingEnabled: true,
      logs: { destination: new logs.LogGroup(this, 'RunLogs', { retention: logs.RetentionDays.ONE_YEAR }), level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `snaplake ${props.stageName}: one run of a scheduled query`,
    });
    // On-demand runs (`npm run query-input`) start this workflow; its ARN is read from this output.
    new CfnOutput(this, RUNS_STATE_MACHINE_OUTPUT, { value: this.stateMachine.stateMachineArn, description: 'Start an execution to run a query now (docs/scheduled-queries.md)' });
    allowPublishing(this.stateMachine.role, props.notificationsKey);
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray tracing actions take no resource ARN (set by the CDK).' },
      ...[start, check, finish].map((fn) => ({ id: wildcardOnArnOf(fn.function, ':*'), reason: 'The workflow invokes versions of its own functions (set by the CDK).' })),
    );

    const deadLetters = triggerDeadLetterQueue(this, 'ScheduleDeadLetters', props.notificationsKey, 'the query schedules');
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'Lets EventBridge Scheduler start scheduled query runs',
    });
    this.stateMachine.grantStartExecution(schedulerRole);
    // Scheduler writes dead letters with this role: SendMessage, and a data key of the queue's key.
    schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }));
    schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.notificationsKey.keyArn] }));

    this.schedules = props.queries.map((query) => new scheduler.CfnSchedule(this, `Schedule-${query.name}`, {
      // Within Scheduler's 64 characters; a cut name ends with a hash, so two long query names never collide.
      name: scheduleName(props.project, props.stageName, query.name),
      description: `snaplake ${props.stageName}: run ${query.name}`,
      scheduleExpression: query.schedule,
      scheduleExpressionTimezone: query.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.stateMachine.stateMachineArn,
        roleArn: schedulerRole.roleArn,
        input: JSON.stringify(queryRunInput(query, SCHEDULED_TIME_PLACEHOLDER)),
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: deadLetters.queueArn },
      },
    }));

    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) =>
      alarmOnFirst(this, name, metric, description, props.notifications);
    alarm('RunsFailed', this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }), `snaplake ${props.stageName}: a scheduled query failed`);
    alarm('RunsTimedOut', this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }), `snaplake ${props.stageName}: a scheduled query run timed out`);
    alarm('SchedulesDeadLettered', deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `snaplake ${props.stageName}: a schedule could not start its query`);
  }

  private definition(start: SnaplakeFunction, check: SnaplakeFunction, finish: SnaplakeFunction, props: ScheduledQueryStackProps): sfn.IChainable {
    const invoke = (name: string, fn: SnaplakeFunction, payload: Record<string, unknown>, resultPath: string) =>
      invokeFunction(this, name, fn, payload, resultPath, Duration.seconds(2));
    const failed = new sfn.Fail(this, 'Failed', { error: 'QueryFailed', causePath: '$.error.Cause' });
    const notifyFailure = retryPublishing(new tasks.SnsPublish(this, 'Notify failure', {
      topic: props.notifications,
      subject: `snaplake ${props.stageName}: scheduled query failed`,
      message: sfn.TaskInput.fromObject({
        'event': 'query-failed',
        'stage': props.stageName,
        'query.$': '$.query.name',
        'scheduledTime.$': '$.scheduledTime',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
        'execution.$': '$$.Execution.Id',
      }),
      resultPath: sfn.JsonPath.DISCARD,
    })).next(failed);
    const catchAll = { errors: ['States.ALL'], resultPath: '$.error' };

    const readRun = new sfn.Pass(this, 'Read run', {
      parameters: { 'query.$': '$.query', 'scheduledTime.$': '$.scheduledTime', 'attempt': 1 },
    });
    const startQuery = invoke('Start query', start, { 'query.$': '$.query', 'scheduledTime.$': '$.scheduledTime', 'attempt.$': '$.attempt' }, '$.run')
      .addCatch(notifyFailure, catchAll);
    const waitForQuery = new sfn.Wait(this, 'Wait for query', { time: sfn.WaitTime.secondsPath('$.run.nextDelaySeconds') });
    const checkQuery = invoke('Check query', check, { 'queryExecutionId.$': '$.run.queryExecutionId', 'check.$': '$.run.check' }, '$.run')
      .addCatch(notifyFailure, catchAll);
    const recordSuccess = invoke('Record success', finish, { 'query.$': '$.query', 'status.$': '$.run', 'outcome': 'succeeded' }, '$.finished')
      .addCatch(notifyFailure, catchAll);
    const recordFailure = invoke('Record failure', finish, { 'query.$': '$.query', 'status.$': '$.run', 'outcome': 'failed' }, '$.finished')
      .addCatch(notifyFailure, catchAll);
    const queryFailed = new sfn.Pass(this, 'Query failed', {
      parameters: { 'Error.$': "States.Format('Query{}', $.run.state)", 'Cause.$': "States.Format('query {} {}: {}', $.run.queryExecutionId, $.run.state, $.run.reason)" },
      resultPath: '$.error',
    });
    const nextAttempt = new sfn.Pass(this, 'Next attempt', {
      parameters: { 'query.$': '$.query', 'scheduledTime.$': '$.scheduledTime', 'attempt.$': 'States.MathAdd($.attempt, 1)' },
    });

    // The check loop is bounded below the workflow's timeout: a query still running after MAX_QUERY_CHECKS is recorded as failed.
    const tookTooLong = new sfn.Pass(this, 'Query took too long', {
      parameters: { 'Error': 'QueryTookTooLong', 'Cause.$': `States.Format('query {} still {} after ${MAX_QUERY_CHECKS} checks', $.run.queryExecutionId, $.run.state)` },
      resultPath: '$.error',
    });
    const recordTooLong = invoke('Record query too long', finish, { 'query.$': '$.query', 'status.$': '$.run', 'outcome': 'failed' }, '$.finished')
      .addCatch(notifyFailure, catchAll);
    return readRun.next(startQuery).next(waitForQuery).next(checkQuery).next(new sfn.Choice(this, 'Query done?')
      .when(sfn.Condition.stringEquals('$.run.state', 'SUCCEEDED'), recordSuccess.next(new sfn.Succeed(this, 'Done')))
      .when(sfn.Condition.and(
        sfn.Condition.stringEquals('$.run.state', 'FAILED'),
        sfn.Condition.booleanEquals('$.run.retryable', true),
        sfn.Condition.numberLessThan('$.attempt', QUERY_ATTEMPTS),
      ), nextAttempt.next(startQuery))
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.run.state', 'FAILED'), sfn.Condition.stringEquals('$.run.state', 'CANCELLED')),
        recordFailure.next(queryFailed).next(notifyFailure))
      .when(sfn.Condition.numberGreaterThanEquals('$.run.check', MAX_QUERY_CHECKS), recordTooLong.next(tookTooLong).next(notifyFailure))
      .otherwise(waitForQuery));
  }
}

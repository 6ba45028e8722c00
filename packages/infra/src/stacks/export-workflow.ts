import {
  CatalogMode, DatabaseConfig, deliveryDestinationArns, ExportPrice, metricNamespace, partnerPolicies, ServerlessV1RestoreConfig,
  TEMPORARY_PREFIX, TEMPORARY_TAG, WORKFLOW_ERRORS,
} from '@snaplake/core';
import { CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { snapshotWildcards, wildcardOnArnOf } from '../nag';
import { retryPublishing, workflowRole } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { invokeFunction, TaskInputFields } from '../workflow-tasks';

export interface ExportWorkflowProps {
  readonly stageName: string;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  readonly exportRole: iam.IRole;
  readonly notifications: sns.ITopic;
  /** Glue databases are named `<prefix>_<db identifier>_<database>`. */
  readonly glueDatabasePrefix: string;
  /** `<project>-<stage>`: makes export task ids (unique per account and region) distinct per project and stage. */
  readonly exportIdScope: string;
  readonly exportRetentionDays: number;
  readonly databases: readonly DatabaseConfig[];
  /** `exportOnly` per database identifier (ExportOnly of StartExportTask). @default - every database is exported whole */
  readonly exportScopes?: Readonly<Record<string, readonly string[]>>;
  /** The price per GB the completion notification and metrics estimate the export's charge with. */
  readonly exportPrice: ExportPrice;
  /** `metadata`: catalog from the export's own metadata; `crawler`: start a Glue crawler over the export. */
  readonly catalog: CatalogMode;
  /** Export Aurora Serverless v1 snapshots through a temporary cluster. @default - such snapshots are rejected */
  readonly serverlessV1Restore?: ServerlessV1RestoreConfig;
  /** @default Duration.minutes(5) */
  readonly snapshotPollInterval?: Duration;
  /** @default Duration.minutes(5) */
  readonly exportPollInterval?: Duration;
}

/**
 * The export workflow of a stage: resolve the snapshot (waiting while it is still being created),
 * start or join its export, wait for it with Wait states, catalog it when COMPLETE, and notify.
 * A failed or cancelled export notifies with the cause and leaves the catalog untouched.
 */
export class ExportWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly resolveSnapshot: SnaplakeFunction;
  readonly startExport: SnaplakeFunction;
  readonly describeExport: SnaplakeFunction;
  /** Catalogs from the export's metadata (catalog: 'metadata'), or starts the crawler (catalog: 'crawler'). */
  readonly registerCatalog: SnaplakeFunction;
  /** Emits each export's per-database metrics (freshness, GB, duration, tables, charge, failures). */
  readonly reportExport: SnaplakeFunction;
  /** Only with catalog: 'crawler'. */
  readonly crawler?: glue.CfnCrawler;
  /** Only when a database has `delivery`: copies complete exports to partners. */
  readonly deliver?: SnaplakeFunction;
  /** Only with `serverlessV1Restore`: the detour steps and the hourly sweeper. */
  readonly detour?: SnaplakeFunction;
  readonly sweeper?: SnaplakeFunction;

  constructor(scope: Construct, id: string, props: ExportWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const rdsArn = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;

    this.resolveSnapshot = new SnaplakeFunction(this, 'ResolveSnapshot', {
      handler: 'resolve-snapshot',
      description: 'Finds the snapshot to export (or the latest of a database) and its export task id',
      environment: {
        EXPORT_ID_PREFIX: props.exportIdScope,
        ...(props.serverlessV1Restore ? { SERVERLESS_V1_RESTORE: 'on' } : {}),
        EXPORT_SCOPES: JSON.stringify(props.exportScopes ?? {}),
      },
    });
    this.resolveSnapshot.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: [
        rdsArn('snapshot:*'),
        rdsArn('cluster-snapshot:*'),
        ...props.databases.map((db) => rdsArn(db.kind === 'instance' ? `db:${db.identifier}` : `cluster:${db.identifier}`)),
      ],
    }));
    Validations.of(this.resolveSnapshot.role).acknowledge(...snapshotWildcards(stack.region, stack.account));

    this.startExport = new SnaplakeFunction(this, 'StartExport', {
      handler: 'start-export',
      description: 'Starts the export of one snapshot, or joins the export already running for it',
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        EXPORT_ROLE_ARN: props.exportRole.roleArn,
        EXPORT_KMS_KEY_ARN: props.dataKey.keyArn,
      },
    });
    props.exportRole.grantPassRole(this.startExport.role);
    this.startExport.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:StartExportTask'],
      resources: [rdsArn('snapshot:*'), rdsArn('cluster-snapshot:*')],
    }));
    // The export creates a grant on the key for the RDS export service.
    this.startExport.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:CreateGrant', 'kms:DescribeKey'], resources: [props.dataKey.keyArn] }));

    this.describeExport = new SnaplakeFunction(this, 'DescribeExport', {
      handler: 'describe-export',
      description: 'Reads the state of the export the workflow waits for',
    });
    for (const fn of [this.startExport, this.describeExport]) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:DescribeExportTasks'], resources: ['*'] }));
    }
    Validations.of(this.startExport.role).acknowledge(...snapshotWildcards(stack.region, stack.account), {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'rds:DescribeExportTasks takes no resource ARN; it only reads export status.',
    });
    Validations.of(this.describeExport.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'rds:DescribeExportTasks takes no resource ARN; it only reads export status.',
    });

    if (props.catalog === 'crawler') {
      const { crawler, starter } = this.createCrawler(props);
      this.crawler = crawler;
      this.registerCatalog = starter;
    } else {
      this.registerCatalog = this.createCatalogFunction(props);
    }

    this.reportExport = new SnaplakeFunction(this, 'ReportExport', {
      handler: 'report-export',
      description: 'Emits an export\'s per-database metrics and estimates its charge for the notification',
      environment: { METRICS_NAMESPACE: metricNamespace(props.stageName, 'exports'), EXPORT_PRICE: JSON.stringify(props.exportPrice) },
    });
    if (props.serverlessV1Restore) this.detour = this.createDetour(props.serverlessV1Restore);
    const deliveries = props.databases.filter((db) => db.delivery !== undefined);
    if (deliveries.length > 0) this.deliver = this.createDelivery(props, deliveries);

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      // A fixed name, so the sweeper's permission can name this workflow's executions.
      stateMachineName: this.stateMachineName(props),
      stateMachineType: sfn.StateMachineType.STANDARD,
      role: workflowRole(this, 'Role'),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props)),
      timeout: Duration.hours(24),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: `snaplake ${props.stageName}: export snapshots to S3 and catalog them`,
    });
    if (props.serverlessV1Restore) this.sweeper = this.createSweeper(props.serverlessV1Restore, this.stateMachineName(props));
    if (this.deliver) {
      // The Distributed Map runs child executions of this workflow (policy set by the CDK, named by the machine's ARN).
      const machine = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine)}"}]}]}`;
      const executions = `arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${machine}`;
      Validations.of(this.stateMachine).acknowledge(
        { id: `AwsSolutions-IAM5[Resource::${executions}:*]`, reason: 'The Distributed Map of a large delivery starts and reads this workflow\'s own child executions.' },
        { id: `AwsSolutions-IAM5[Resource::${executions}/*:*]`, reason: 'The Distributed Map of a large delivery reads this workflow\'s own child executions.' },
      );
    }
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray tracing actions take no resource ARN (set by the CDK).' },
      ...[this.resolveSnapshot, this.startExport, this.describeExport, this.registerCatalog, this.reportExport, this.deliver, this.detour]
        .filter((fn): fn is SnaplakeFunction => fn !== undefined)
        .map((fn) => ({
          id: wildcardOnArnOf(fn.function, ':*'),
          reason: 'The workflow invokes versions of its own functions (set by the CDK).',
        })),
    );
  }

  private stateMachineName(props: ExportWorkflowProps): string {
    return `${props.glueDatabasePrefix.replace(/_/g, '-')}-exports`;
  }

  /**
   * Serverless v1 snapshots cannot be exported: restore to a temporary provisioned cluster, wait, take
   * a snapshot of it, wait, and export that (under the original snapshot's export id and database).
   */
  private serverlessDetour(
    detour: SnaplakeFunction,
    invoke: (name: string, fn: SnaplakeFunction, input: TaskInputFields, resultPath: string) => sfn.TaskStateBase,
    exportIt: sfn.IChainable, notifyFailure: sfn.IChainable, catchAll: sfn.CatchProps, exportTheSnapshot: sfn.IChainable,
    joinExisting: sfn.IChainable,
  ): sfn.IChainable {
    const poll = (name: string) => new sfn.Wait(this, name, { time: sfn.WaitTime.duration(Duration.minutes(2)) });
    const restore = invoke('Restore temporary cluster', detour, { 'step': 'restore', 'snapshot.$': '$.snapshot', 'executionArn.$': '$$.Execution.Id' }, '$.temporary')
      .addCatch(notifyFailure, catchAll);
    const waitForCluster = poll('Wait for temporary cluster');
    const checkCluster = invoke('Check temporary cluster', detour, { 'step': 'check-cluster', 'temporary.$': '$.temporary' }, '$.temporary')
      .addRetry({ errors: [WORKFLOW_ERRORS.notReady], interval: Duration.minutes(1), maxAttempts: 10 }).addCatch(notifyFailure, catchAll);
    const snapshot = invoke('Snapshot temporary cluster', detour, {
      'step': 'snapshot', 'snapshot.$': '$.snapshot', 'temporary.$': '$.temporary', 'executionArn.$': '$$.Execution.Id',
    }, '$.temporary').addCatch(notifyFailure, catchAll);
    const waitForSnapshot = poll('Wait for temporary snapshot');
    const checkSnapshot = invoke('Check temporary snapshot', detour, { 'step': 'check-snapshot', 'temporary.$': '$.temporary' }, '$.temporary')
      .addRetry({ errors: [WORKFLOW_ERRORS.notReady], interval: Duration.minutes(1), maxAttempts: 10 }).addCatch(notifyFailure, catchAll);
    const temporaryFailed = new sfn.Pass(this, 'Temporary resource failed', {
      parameters: { 'Error': 'TemporaryResourceFailed', 'Cause.$': "States.Format('temporary resource of the Serverless v1 export is {}', $.temporary.status)" },
      resultPath: '$.error',
    }).next(notifyFailure);
    const exportTemporary = new sfn.Pass(this, 'Export the temporary snapshot', {
      parameters: { 'arn.$': '$.temporary.snapshotArn', 'temporary': true }, resultPath: '$.exportSource',
    }).next(exportIt);
    const stillWorking = (path: string) => sfn.Condition.or(sfn.Condition.stringEquals(path, 'creating'), sfn.Condition.stringEquals(path, 'backing-up'),
      sfn.Condition.stringEquals(path, 'modifying'), sfn.Condition.stringEquals(path, 'pending'));
    const detourChain = restore.next(waitForCluster).next(checkCluster).next(new sfn.Choice(this, 'Temporary cluster ready?')
      .when(sfn.Condition.stringEquals('$.temporary.status', 'available'), snapshot.next(waitForSnapshot).next(checkSnapshot).next(new sfn.Choice(this, 'Temporary snapshot ready?')
        .when(sfn.Condition.stringEquals('$.temporary.status', 'available'), exportTemporary)
        .when(stillWorking('$.temporary.status'), waitForSnapshot)
        .otherwise(temporaryFailed)))
      .when(stillWorking('$.temporary.status'), waitForCluster)
      .otherwise(temporaryFailed));
    // A second run for the same snapshot joins the first run's export instead of restoring another cluster.
    const findExisting = invoke('Find existing export', this.startExport, {
      'find': true, 'snapshotArn.$': '$.snapshot.arn', 'exportTaskIdentifier.$': '$.snapshot.exportTaskIdentifier',
    }, '$.export').addCatch(notifyFailure, catchAll);
    return new sfn.Choice(this, 'Serverless v1?')
      .when(sfn.Condition.stringEquals('$.snapshot.engineMode', 'serverless'), findExisting.next(new sfn.Choice(this, 'Already exported?')
        .when(sfn.Condition.booleanEquals('$.export.found', true), joinExisting)
        .otherwise(detourChain)))
      .otherwise(exportTheSnapshot);
  }

  /** The Serverless v1 detour: restore, snapshot, clean up; it can delete only resources tagged temporary. */
  private createDetour(restore: ServerlessV1RestoreConfig): SnaplakeFunction {
    const stack = Stack.of(this);
    const rds = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;
    const fn = new SnaplakeFunction(this, 'ServerlessDetour', {
      handler: 'serverless-detour',
      description: 'Restores an Aurora Serverless v1 snapshot to a temporary cluster, snapshots it, and cleans up',
      environment: {
        RESTORE_SETTINGS: JSON.stringify({
          engineVersions: restore.engineVersions,
          subnetGroupName: restore.subnetGroupName,
          securityGroupIds: restore.securityGroupIds,
          kmsKeyArn: restore.kmsKeyArn,
        }),
      },
    });
    const temporary = [rds(`cluster:${TEMPORARY_PREFIX}*`), rds(`cluster-snapshot:${TEMPORARY_PREFIX}*`)];
    // RestoreDBClusterFromSnapshot authorizes the new cluster, the snapshot, the subnet group, and the cluster parameter
    // group and option group it gets (the engine's defaults: default.* and default:*), per the Service Authorization Reference.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:RestoreDBClusterFromSnapshot'],
      resources: [temporary[0]!, rds('cluster-snapshot:*'), rds(`subgrp:${restore.subnetGroupName}`), rds('cluster-pg:default.*'), rds('og:default:*')],
    }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:CreateDBClusterSnapshot'], resources: temporary }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'], resources: temporary }));
    // Tags are set when the temporary resources are created (Tags on restore and snapshot): only those can be tagged.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:AddTagsToResource'], resources: temporary }));
    // Deleting needs the temporary tag in IAM itself: no bug can delete a real cluster or snapshot.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DeleteDBCluster', 'rds:DeleteDBClusterSnapshot'],
      resources: temporary,
      conditions: { StringEquals: { [`aws:ResourceTag/${TEMPORARY_TAG}`]: 'true' } },
    }));
    if (restore.kmsKeyArn) fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:CreateGrant', 'kms:DescribeKey'], resources: [restore.kmsKeyArn] }));
    Validations.of(fn.role).acknowledge(...[...temporary, rds('cluster-snapshot:*'), rds('cluster-pg:default.*'), rds('og:default:*')].map((arn) => ({
      id: `AwsSolutions-IAM5[Resource::${arn.replace(`arn:${stack.partition}`, 'arn:<AWS::Partition>')}]`,
      reason: 'Temporary clusters and snapshots are named snaplake-tmp-* per execution; the restored snapshot is named by RDS; the restore uses the '
        + 'engine\'s default parameter and option groups; deletes need the snaplake:temporary tag.',
    })));
    return fn;
  }

  /** Hourly: deletes temporary resources older than the sweep age whose execution is no longer running. */
  private createSweeper(restore: ServerlessV1RestoreConfig, name: string): SnaplakeFunction {
    const stack = Stack.of(this);
    const rds = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;
    const fn = new SnaplakeFunction(this, 'SweepTemporary', {
      handler: 'sweep-temporary',
      description: 'Deletes temporary clusters and snapshots left behind by ended export executions',
      timeout: Duration.minutes(5),
      // Only this workflow's temporary resources: another stage's executions are not this role's to read.
      environment: { SWEEP_AFTER_HOURS: String(restore.sweepAfterHours), STATE_MACHINE_NAME: name },
    });
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'],
      resources: [rds('cluster:*'), rds('cluster-snapshot:*')],
    }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DeleteDBCluster', 'rds:DeleteDBClusterSnapshot'],
      resources: [rds(`cluster:${TEMPORARY_PREFIX}*`), rds(`cluster-snapshot:${TEMPORARY_PREFIX}*`)],
      conditions: { StringEquals: { [`aws:ResourceTag/${TEMPORARY_TAG}`]: 'true' } },
    }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [`arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${name}:*`],
    }));
    Validations.of(fn.role).acknowledge(...['cluster:*', 'cluster-snapshot:*', `cluster:${TEMPORARY_PREFIX}*`, `cluster-snapshot:${TEMPORARY_PREFIX}*`].map((resource) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${stack.region}:${stack.account}:${resource}]`,
      reason: 'The sweeper lists clusters and snapshots to find temporary ones; it can delete only snaplake-tmp-* resources tagged snaplake:temporary.',
    })), {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${name}:*]`,
      reason: 'Execution names are made per snapshot; the sweeper only reads whether this workflow\'s executions still run.',
    });
    new events.Rule(this, 'HourlySweep', {
      description: 'snaplake: remove temporary Serverless v1 export resources left behind',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 2 })],
    });
    return fn;
  }

  /**
   * Delivery: a small export is copied by one invocation; above the inline limit a Distributed Map
   * reads the export's listing and copies it in batches of 500 keys, 20 at a time, so millions of
   * objects never depend on one Lambda's 15 minutes; then the whole delivery is verified.
   */
  private delivery(
    deliver: SnaplakeFunction,
    props: ExportWorkflowProps,
    invoke: (name: string, fn: SnaplakeFunction, input: TaskInputFields, resultPath: string) => sfn.TaskStateBase,
    notifyFailure: sfn.IChainable,
    catchAll: sfn.CatchProps,
  ): sfn.IChainable {
    const ref = { 'exportTaskIdentifier.$': '$.export.exportTaskIdentifier', 'databaseIdentifier.$': '$.snapshot.databaseIdentifier' };
    const plan = invoke('Deliver export', deliver, { step: 'plan', ...ref }, '$.delivery').addCatch(notifyFailure, catchAll);
    const inBatches = new sfn.DistributedMap(this, 'Deliver in batches', {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: props.exportBucket, prefix: sfn.JsonPath.stringAt('$.delivery.sourcePrefix') }),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: 500,
        batchInput: { ...ref, 'sourcePrefix.$': '$.delivery.sourcePrefix' },
      }),
      maxConcurrency: 20,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(
      // Each batch's output is collected by the map: an empty object keeps 256 KiB out of reach (about 40 million objects).
      invoke('Deliver batch', deliver, { path: '$' }, sfn.JsonPath.DISCARD).next(new sfn.Pass(this, 'Batch delivered', { result: sfn.Result.fromObject({}) })),
    ).addCatch(notifyFailure, catchAll);
    const verify = invoke('Verify delivery', deliver, { step: 'verify', ...ref }, '$.verified').addCatch(notifyFailure, catchAll);
    const delivered = new sfn.Pass(this, 'Delivered');
    plan.next(new sfn.Choice(this, 'Deliver in batches?')
      .when(sfn.Condition.stringEquals('$.delivery.mode', 'distributed'), inBatches.next(verify).next(delivered))
      .otherwise(delivered));
    // Both ways end in `Delivered`, which the workflow continues from.
    return sfn.Chain.custom(plan, delivered.endStates, delivered);
  }

  /** The delivery function and its role, named so partners can grant it in their bucket policy (a stack output says how). */
  private createDelivery(props: ExportWorkflowProps, databases: readonly DatabaseConfig[]): SnaplakeFunction {
    const stack = Stack.of(this);
    const roleName = `${props.glueDatabasePrefix.replace(/_/g, '-')}-delivery`;
    const fn = new SnaplakeFunction(this, 'DeliverExport', {
      handler: 'deliver-export',
      description: 'Copies a complete export into a partner\'s bucket, server-side, and verifies it',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      roleName,
      // Above this many objects the workflow copies in batches with a Distributed Map.
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        INLINE_MAX_OBJECTS: '5000',
        DELIVERIES: JSON.stringify(Object.fromEntries(databases.map(({ identifier, delivery }) => [identifier, {
          destination: delivery!.destination,
          destinationPrefix: delivery!.prefix,
          kmsKeyArn: delivery!.kmsKeyArn,
          bucketOwnerEnforced: delivery!.bucketOwnerEnforced,
        }]))),
      },
    });
    // Source: read only. Delivery never deletes or changes the export.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }));
    const acks = [{ id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'Delivery reads the objects of an export, named by RDS.' }];
    for (const db of databases) {
      const { destination, prefix, kmsKeyArn, bucketOwnerEnforced } = db.delivery!;
      const { container, objects } = deliveryDestinationArns(destination, prefix, stack.partition);
      // ListBucket with no prefix condition: without it, HeadObject on a key not yet delivered answers 403, not 404.
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [container] }));
      // An ACL is sent only when the partner's bucket does not enforce bucket-owner ownership.
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:PutObject', ...(bucketOwnerEnforced ? [] : ['s3:PutObjectAcl']), 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }));
      if (kmsKeyArn) fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [kmsKeyArn] }));
      acks.push({
        id: `AwsSolutions-IAM5[Resource::${objects.replace(`arn:${stack.partition}`, 'arn:<AWS::Partition>')}]`,
        reason: `Delivery writes the objects of each export of ${db.identifier} under the partner's prefix only.`,
      });
      new CfnOutput(Stack.of(this), `PartnerPolicy-${db.identifier}`, {
        description: `Statements the partner adds to ${destination} (and its KMS key) so deliveries of ${db.identifier} can write`,
        value: JSON.stringify(partnerPolicies({
          destination, prefix, kmsKeyArn, bucketOwnerEnforced, deliveryRoleArn: deliveryRoleArn(stack, roleName),
        })),
      });
    }
    Validations.of(fn.role).acknowledge(...acks);
    return fn;
  }

  private createCatalogFunction(props: ExportWorkflowProps): SnaplakeFunction {
    const stack = Stack.of(this);
    const glueArn = (resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
    const fn = new SnaplakeFunction(this, 'RegisterCatalog', {
      handler: 'register-catalog',
      description: 'Catalogs a complete export in Glue from its own metadata, with a history partition per export',
      timeout: Duration.minutes(15),
      memorySize: 512,
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        GLUE_DATABASE_PREFIX: props.glueDatabasePrefix,
        EXPORT_RETENTION_DAYS: String(props.exportRetentionDays),
      },
    });
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'glue:CreateDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable',
        'glue:GetPartitions', 'glue:BatchCreatePartition', 'glue:BatchDeletePartition',
      ],
      resources: [
        glueArn('catalog'),
        glueArn(`database/${props.glueDatabasePrefix}_*`),
        glueArn(`table/${props.glueDatabasePrefix}_*/*`),
      ],
    }));
    Validations.of(fn.role).acknowledge(
      { id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'The function reads export metadata files, whose names RDS makes per export.' },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:database/${props.glueDatabasePrefix}_*]`,
        reason: 'One Glue database per exported source database is created at run time, all under this stage\'s prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:table/${props.glueDatabasePrefix}_*/*]`,
        reason: 'Tables mirror the exported tables, known only at run time; limited to this stage\'s databases.',
      },
    );

    return fn;
  }

  /** The classic design: one crawler for the stage, pointed at each completed export's prefix. */
  private createCrawler(props: ExportWorkflowProps): { crawler: glue.CfnCrawler; starter: SnaplakeFunction } {
    const stack = Stack.of(this);
    const glueArn = (resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
    const crawlerName = `${props.glueDatabasePrefix.replace(/_/g, '-')}-exports`;
    const role = new iam.Role(this, 'CrawlerRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: 'Assumed by the Glue crawler to read exports and write their tables',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.dataKey.keyArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable',
        'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition',
      ],
      resources: [glueArn('catalog'), glueArn(`database/${props.glueDatabasePrefix}_*`), glueArn(`table/${props.glueDatabasePrefix}_*/*`)],
    }));
    const crawlerLogs = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws-glue/crawlers*`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
      resources: [crawlerLogs],
    }));
    const securityConfiguration = new glue.CfnSecurityConfiguration(this, 'CrawlerSecurity', {
      name: `${crawlerName}-security`,
      encryptionConfiguration: {
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: props.dataKey.keyArn },
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: props.dataKey.keyArn }],
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: props.dataKey.keyArn },
      },
    });
    // Crawler logs are encrypted with the stage key: CloudWatch Logs must be allowed to use it.
    props.dataKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    const crawler = new glue.CfnCrawler(this, 'Crawler', {
      name: crawlerName,
      role: role.roleArn,
      databaseName: `${props.glueDatabasePrefix}_crawled`,
      description: `snaplake ${props.stageName}: crawls one completed export at a time`,
      targets: { s3Targets: [{ path: props.exportBucket.s3UrlForObject() }] },
      crawlerSecurityConfiguration: securityConfiguration.name,
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
    });
    crawler.addResourceDependency(securityConfiguration);

    const starter = new SnaplakeFunction(this, 'StartCrawler', {
      handler: 'start-crawler',
      description: 'Points the stage crawler at one completed export and starts it',
      environment: { CRAWLER_NAME: crawlerName, EXPORT_BUCKET_NAME: props.exportBucket.bucketName, GLUE_DATABASE_PREFIX: props.glueDatabasePrefix },
    });
    starter.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:UpdateCrawler', 'glue:StartCrawler'],
      resources: [glueArn(`crawler/${crawlerName}`)],
    }));
    starter.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:CreateDatabase'],
      resources: [glueArn('catalog'), glueArn(`database/${props.glueDatabasePrefix}_*`)],
    }));
    const databaseWildcard = {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:database/${props.glueDatabasePrefix}_*]`,
      reason: 'One Glue database per exported source database is created at run time, all under this stage\'s prefix.',
    };
    Validations.of(starter.role).acknowledge(databaseWildcard);
    Validations.of(role).acknowledge(
      databaseWildcard,
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:table/${props.glueDatabasePrefix}_*/*]`,
        reason: 'The crawler creates tables named after the exported tables, known only at run time; limited to this stage\'s databases.',
      },
      { id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'The crawler reads the Parquet files of an export, whose names RDS makes.' },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:/aws-glue/crawlers*]`,
        reason: 'Glue writes crawler logs to its own fixed log group and streams named per run.',
      },
    );
    return { crawler, starter };
  }

  private definition(props: ExportWorkflowProps): sfn.IChainable {
    const invoke = (name: string, fn: SnaplakeFunction, input: TaskInputFields, resultPath: string) =>
      invokeFunction(this, name, fn, input, resultPath);
    const notify = (name: string, message: Record<string, unknown>) => retryPublishing(new tasks.SnsPublish(this, name, {
      topic: props.notifications,
      message: sfn.TaskInput.fromObject(message),
      subject: `snaplake ${props.stageName}: ${name.toLowerCase()}`,
      resultPath: sfn.JsonPath.DISCARD,
    }));

    const failed = new sfn.Fail(this, 'Failed', { error: 'ExportFailed', causePath: '$.error.Cause' });
    const publishFailure = notify('Notify failure', {
      'event': 'export-failed',
      'stage': props.stageName,
      'execution.$': '$$.Execution.Id',
      'error.$': '$.error.Error',
      'cause.$': '$.error.Cause',
      'request.$': '$.request',
    });
    // Temporary resources of a Serverless v1 detour are removed on every failure path too.
    const detour = this.detour;
    const cleanUp = (name: string) => invoke(name, detour!, { 'step': 'clean-up', 'temporary.$': '$.temporary', 'executionArn.$': '$$.Execution.Id' }, '$.cleanedUp');
    if (detour) {
      publishFailure.next(new sfn.Choice(this, 'Temporary resources to remove?')
        .when(sfn.Condition.isPresent('$.temporary'), cleanUp('Clean up after failure').addCatch(failed, { errors: ['States.ALL'], resultPath: '$.cleanupError' }).next(failed))
        .otherwise(failed));
    } else {
      publishFailure.next(failed);
    }
    // Every failure counts for its database first; a failure to count never hides the notification.
    const notifyFailure = invoke('Record failure', this.reportExport, { 'outcome': 'failed', 'state.$': '$' }, sfn.JsonPath.DISCARD)
      .addCatch(publishFailure, { errors: ['States.ALL'], resultPath: '$.recordError' });
    notifyFailure.next(publishFailure);
    const catchAll = { errors: ['States.ALL'], resultPath: '$.error' };

    // `request` stays the trigger's input for every notice; `lookup` is what the snapshot is resolved from.
    const readRequest = new sfn.Pass(this, 'Read request', { parameters: { 'request.$': '$', 'lookup.$': '$' } });
    const resolve = invoke('Resolve snapshot', this.resolveSnapshot, { path: '$.lookup' }, '$.snapshot')
      .addCatch(notifyFailure, catchAll);
    const checkAgain = new sfn.Pass(this, 'Check snapshot again', { parameters: { 'snapshotArn.$': '$.snapshot.arn' }, resultPath: '$.lookup' });
    const waitForSnapshot = new sfn.Wait(this, 'Wait for snapshot', { time: sfn.WaitTime.duration(props.snapshotPollInterval ?? Duration.minutes(5)) });
    const snapshotUnusable = new sfn.Pass(this, 'Snapshot unusable', {
      parameters: { 'Error': 'SnapshotUnusable', 'Cause.$': "States.Format('snapshot {} is {}', $.snapshot.identifier, $.snapshot.status)" },
      resultPath: '$.error',
    });

    // A re-run after a FAILED or CANCELED export starts the next attempt id; every later step uses $.export.exportTaskIdentifier.
    const start = invoke('Start export', this.startExport, {
      'snapshotArn.$': '$.exportSource.arn',
      'exportTaskIdentifier.$': '$.snapshot.exportTaskIdentifier',
      'viaTemporarySnapshot.$': '$.exportSource.temporary',
      'exportOnly.$': '$.snapshot.exportOnly',
    }, '$.export')
      // Five exports at most run in an account at once: wait (up to ~10 hours in all) for a free place.
      .addRetry({
        errors: [WORKFLOW_ERRORS.exportLimitReached],
        interval: Duration.minutes(5),
        backoffRate: 1.5,
        maxAttempts: 10,
        maxDelay: Duration.hours(1),
        jitterStrategy: sfn.JitterType.FULL,
      })
      .addCatch(notifyFailure, catchAll);
    const notifyStarted = notify('Notify started', {
      'event': 'export-started',
      'stage': props.stageName,
      'snapshot.$': '$.snapshot',
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'joined.$': '$.export.joined',
    });
    const waitForExport = new sfn.Wait(this, 'Wait for export', { time: sfn.WaitTime.duration(props.exportPollInterval ?? Duration.minutes(5)) });
    const describe = invoke('Describe export', this.describeExport, { 'exportTaskIdentifier.$': '$.export.exportTaskIdentifier' }, '$.export')
      .addRetry({ errors: [WORKFLOW_ERRORS.exportNotFound], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 4 })
      .addCatch(notifyFailure, catchAll);
    const exportFailed = new sfn.Pass(this, 'Export failed', {
      parameters: { 'Error.$': "States.Format('Export{}', $.export.status)", 'Cause.$': "States.Format('export {} is {}: {}', $.export.exportTaskIdentifier, $.export.status, $.export.failureCause)" },
      resultPath: '$.error',
    });
    const completed = {
      'event': 'export-completed',
      'stage': props.stageName,
      'startedAt.$': '$$.Execution.StartTime',
      'snapshot.$': '$.snapshot',
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'totalExtractedDataInGB.$': '$.export.totalExtractedDataInGB',
      'skippedByExport.$': '$.export.warningMessage',
      'cost.$': '$.report',
    };
    const register = props.catalog === 'crawler'
      ? invoke('Start crawler', this.registerCatalog, {
        'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
        'databaseIdentifier.$': '$.snapshot.databaseIdentifier',
      }, '$.catalog')
        // One crawler serves the stage: an export waits while it crawls another.
        .addRetry({
          errors: [WORKFLOW_ERRORS.crawlerBusy],
          interval: Duration.minutes(1),
          backoffRate: 1.5,
          maxAttempts: 10,
          maxDelay: Duration.minutes(15),
          jitterStrategy: sfn.JitterType.FULL,
        })
        .addCatch(notifyFailure, catchAll)
      : invoke('Register catalog', this.registerCatalog, {
        'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
        'databaseIdentifier.$': '$.snapshot.databaseIdentifier',
        'engine.$': '$.snapshot.engine',
        'snapshotTime.$': '$.snapshot.snapshotTime',
        'exportOnly.$': '$.snapshot.exportOnly',
      }, '$.catalog').addCatch(notifyFailure, catchAll);
    // Counted only once catalogued: the freshness alarm watches this count.
    const report = invoke('Report export', this.reportExport, {
      'outcome': 'completed', 'snapshot.$': '$.snapshot', 'export.$': '$.export', 'catalog.$': '$.catalog', 'startedAt.$': '$$.Execution.StartTime',
    }, '$.report').addCatch(notifyFailure, catchAll);
    const notifyCompleted = notify('Notify completed', props.catalog === 'crawler'
      ? { ...completed, 'crawler.$': '$.catalog' }
      : { ...completed, 'tables.$': '$.catalog.tableCount', 'skippedByCatalog.$': '$.catalog.skipped' });

    // Delivery to partners comes after the catalog: a partner never receives an export that is not COMPLETE.
    const reported = sfn.Chain.start(register).next(report);
    const catalogued = this.deliver ? reported.next(this.delivery(this.deliver, props, invoke, notifyFailure, catchAll)) : reported;
    const exported = new sfn.Succeed(this, 'Exported');
    const finish = detour
      ? notifyCompleted.next(new sfn.Choice(this, 'Temporary resources?')
        .when(sfn.Condition.isPresent('$.temporary'), cleanUp('Clean up temporary resources').addCatch(notifyFailure, catchAll).next(exported))
        .otherwise(exported))
      : notifyCompleted.next(exported);
    const exportLoop = waitForExport.next(describe).next(new sfn.Choice(this, 'Export done?')
      .when(sfn.Condition.stringEquals('$.export.status', 'COMPLETE'), catalogued.next(finish))
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.export.status', 'FAILED'), sfn.Condition.stringEquals('$.export.status', 'CANCELED')),
        exportFailed.next(notifyFailure))
      .otherwise(waitForExport));

    const exportIt = start.next(notifyStarted).next(exportLoop);
    const exportTheSnapshot = new sfn.Pass(this, 'Export the snapshot', {
      parameters: { 'arn.$': '$.snapshot.arn', 'temporary': false }, resultPath: '$.exportSource',
    }).next(exportIt);
    const ready = detour
      ? this.serverlessDetour(detour, invoke, exportIt, notifyFailure, catchAll, exportTheSnapshot, notifyStarted)
      : exportTheSnapshot;
    return readRequest.next(resolve).next(new sfn.Choice(this, 'Snapshot ready?')
      .when(sfn.Condition.stringEquals('$.snapshot.status', 'available'), ready)
      .when(sfn.Condition.stringEquals('$.snapshot.status', 'creating'), waitForSnapshot.next(checkAgain).next(resolve))
      .otherwise(snapshotUnusable.next(notifyFailure)));
  }
}

/**
 * The delivery role's ARN as the partner writes it into a policy: literal, in the partition of the
 * stack's region (the CloudFormation output is read by people, not resolved by CloudFormation).
 */
function deliveryRoleArn(stack: Stack, roleName: string): string {
  const partition = RegionInfo.get(stack.region).partition;
  if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account) || !partition) {
    throw new Error(`partner delivery needs the stack's account and region to be known, got ${stack.account} / ${stack.region}`);
  }
  return stack.formatArn({ partition, service: 'iam', region: '', account: stack.account, resource: 'role', resourceName: roleName });
}

import { DatabaseConfig, WORKFLOW_ERRORS } from '@snaplake/core';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { snapshotWildcards } from '../../nag';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../../workflow-tasks';

export interface SnapshotExportProps {
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  readonly exportRole: iam.IRole;
  /** `<project>-<stage>`: makes export task ids (unique per account and region) distinct per project and stage. */
  readonly exportIdScope: string;
  readonly databases: readonly DatabaseConfig[];
  /** `exportOnly` per database identifier. @default - every database is exported whole */
  readonly exportScopes?: Readonly<Record<string, readonly string[]>>;
  /** Serverless v1 snapshots are resolved (for the detour) instead of rejected. */
  readonly serverlessV1Restore: boolean;
}

/**
 * The export of one RDS snapshot: its three functions with their permissions, and the steps that
 * resolve the snapshot (waiting while RDS still creates it), start or join its export, and wait for
 * the export to end.
 *
 * Built in the workflow's scope, not as a child construct: its functions keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class SnapshotExport {
  /** Finds the snapshot to export (or the latest of a database) and its export task id. */
  readonly resolveSnapshot: SnaplakeFunction;
  /** Starts the export of one snapshot, or joins (or finds) the export already running for it. */
  readonly startExport: SnaplakeFunction;
  /** Reads the state of the export the workflow waits for. */
  readonly describeExport: SnaplakeFunction;

  constructor(private readonly scope: Construct, props: SnapshotExportProps) {
    const stack = Stack.of(scope);
    const rdsArn = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;

    this.resolveSnapshot = new SnaplakeFunction(scope, 'ResolveSnapshot', {
      handler: 'resolve-snapshot',
      description: 'Finds the snapshot to export (or the latest of a database) and its export task id',
      environment: {
        EXPORT_ID_PREFIX: props.exportIdScope,
        ...(props.serverlessV1Restore ? { SERVERLESS_V1_RESTORE: 'on' } : {}),
        EXPORT_SCOPES: JSON.stringify(props.exportScopes ?? {}),
      },
    });
    // Both kinds whatever the stage's databases: a backfill may export any snapshot of the account by
    // its ARN, an instance's or a cluster's (docs/exports.md, "Start an export by hand").
    this.resolveSnapshot.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      resources: [
        rdsArn('snapshot:*'),
        rdsArn('cluster-snapshot:*'),
        ...props.databases.map((db) => rdsArn(db.kind === 'instance' ? `db:${db.identifier}` : `cluster:${db.identifier}`)),
      ],
    }));
    Validations.of(this.resolveSnapshot.role).acknowledge(...snapshotWildcards(stack.region, stack.account));

    this.startExport = new SnaplakeFunction(scope, 'StartExport', {
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

    this.describeExport = new SnaplakeFunction(scope, 'DescribeExport', {
      handler: 'describe-export',
      description: 'Reads the state of the export the workflow waits for',
    });
    const describeAnyExport = { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'rds:DescribeExportTasks takes no resource ARN; it only reads export status.' };
    for (const fn of [this.startExport, this.describeExport]) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:DescribeExportTasks'], resources: ['*'] }));
    }
    Validations.of(this.startExport.role).acknowledge(...snapshotWildcards(stack.region, stack.account), describeAnyExport);
    Validations.of(this.describeExport.role).acknowledge(describeAnyExport);
  }

  /** The functions the workflow invokes. */
  get functions(): SnaplakeFunction[] {
    return [this.resolveSnapshot, this.startExport, this.describeExport];
  }

  /**
   * `Read request`, then `Resolve snapshot`. Its states are made now (a failure goes to `onFailure`);
   * `continueWith` chains them once what follows exists: an available snapshot goes on to
   * `whenAvailable`, one RDS is still creating is resolved again after `pollInterval`, any other fails.
   * `$.request` keeps the trigger's input for every notice; `$.lookup` is what the snapshot is resolved from.
   */
  resolveSteps(pollInterval: Duration, onFailure: sfn.IChainable): { continueWith(whenAvailable: sfn.IChainable): sfn.IChainable } {
    const readRequest = new sfn.Pass(this.scope, 'Read request', { parameters: { 'request.$': '$', 'lookup.$': '$' } });
    const resolve = invokeFunction(this.scope, 'Resolve snapshot', this.resolveSnapshot, { path: '$.lookup' }, '$.snapshot')
      .addCatch(onFailure, CATCH_ALL);
    const checkAgain = new sfn.Pass(this.scope, 'Check snapshot again', { parameters: { 'snapshotArn.$': '$.snapshot.arn' }, resultPath: '$.lookup' });
    const waitForSnapshot = new sfn.Wait(this.scope, 'Wait for snapshot', { time: sfn.WaitTime.duration(pollInterval) });
    const snapshotUnusable = new sfn.Pass(this.scope, 'Snapshot unusable', {
      parameters: { 'Error': 'SnapshotUnusable', 'Cause.$': "States.Format('snapshot {} is {}', $.snapshot.identifier, $.snapshot.status)" },
      resultPath: '$.error',
    });
    return {
      continueWith: (whenAvailable) => readRequest.next(resolve).next(new sfn.Choice(this.scope, 'Snapshot ready?')
        .when(sfn.Condition.stringEquals('$.snapshot.status', 'available'), whenAvailable)
        .when(sfn.Condition.stringEquals('$.snapshot.status', 'creating'), waitForSnapshot.next(checkAgain).next(resolve))
        .otherwise(snapshotUnusable.next(onFailure))),
    };
  }

  /**
   * `Start export` of the snapshot at `$.exportSource` (waiting for a free place: five exports at most
   * run in an account at once), then `notifyStarted`, then `Describe export` every `pollInterval`
   * until it ends. Its states are made now (a failure goes to `onFailure`); `continueWith` chains
   * them once what follows exists: COMPLETE goes on to `whenComplete`, FAILED and CANCELED fail.
   * A re-run after a FAILED or CANCELED export starts the next attempt id; every later step uses
   * `$.export.exportTaskIdentifier`.
   */
  exportSteps(notifyStarted: sfn.TaskStateBase, pollInterval: Duration, onFailure: sfn.IChainable): {
    continueWith(whenComplete: sfn.IChainable): sfn.IChainable;
  } {
    const start = invokeFunction(this.scope, 'Start export', this.startExport, {
      'snapshotArn.$': '$.exportSource.arn',
      'exportTaskIdentifier.$': '$.snapshot.exportTaskIdentifier',
      'viaTemporarySnapshot.$': '$.exportSource.temporary',
      'exportOnly.$': '$.snapshot.exportOnly',
    }, '$.export')
      // Up to ~10 hours in all.
      .addRetry({
        errors: [WORKFLOW_ERRORS.exportLimitReached],
        interval: Duration.minutes(5),
        backoffRate: 1.5,
        maxAttempts: 10,
        maxDelay: Duration.hours(1),
        jitterStrategy: sfn.JitterType.FULL,
      })
      .addCatch(onFailure, CATCH_ALL);
    const waitForExport = new sfn.Wait(this.scope, 'Wait for export', { time: sfn.WaitTime.duration(pollInterval) });
    const describe = invokeFunction(this.scope, 'Describe export', this.describeExport, { 'exportTaskIdentifier.$': '$.export.exportTaskIdentifier' }, '$.export')
      .addRetry({ errors: [WORKFLOW_ERRORS.exportNotFound], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 4 })
      .addCatch(onFailure, CATCH_ALL);
    const exportFailed = new sfn.Pass(this.scope, 'Export failed', {
      parameters: { 'Error.$': "States.Format('Export{}', $.export.status)", 'Cause.$': "States.Format('export {} is {}: {}', $.export.exportTaskIdentifier, $.export.status, $.export.failureCause)" },
      resultPath: '$.error',
    });
    return {
      continueWith: (whenComplete) => {
        const waitUntilDone = waitForExport.next(describe).next(new sfn.Choice(this.scope, 'Export done?')
          .when(sfn.Condition.stringEquals('$.export.status', 'COMPLETE'), whenComplete)
          .when(sfn.Condition.or(sfn.Condition.stringEquals('$.export.status', 'FAILED'), sfn.Condition.stringEquals('$.export.status', 'CANCELED')),
            exportFailed.next(onFailure))
          .otherwise(waitForExport));
        return start.next(notifyStarted).next(waitUntilDone);
      },
    };
  }

  /** `Export the snapshot`: the resolved snapshot itself is the source of the export (`startExport`). */
  exportTheSnapshot(startExport: sfn.IChainable): sfn.IChainable {
    return new sfn.Pass(this.scope, 'Export the snapshot', {
      parameters: { 'arn.$': '$.snapshot.arn', 'temporary': false }, resultPath: '$.exportSource',
    }).next(startExport);
  }
}

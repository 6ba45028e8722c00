import { ServerlessV1RestoreConfig, TEMPORARY_PREFIX, TEMPORARY_TAG, WORKFLOW_ERRORS } from '@snaplake/core';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AsyncFailures, sendFailuresTo } from '../../service-access';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction, TaskInputFields } from '../../workflow-tasks';

/**
 * Aurora Serverless v1 snapshots cannot be exported: the detour restores one to a temporary
 * provisioned cluster, snapshots that, and exports the temporary snapshot (under the original
 * snapshot's export id and database), then removes both. Its function can delete only resources
 * named `snaplake-tmp-*` and tagged temporary; an hourly sweeper removes what an ended execution left.
 *
 * Built in the workflow's scope, not as a child construct: its resources keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class ServerlessV1Detour {
  /** Restores, snapshots, checks and cleans up (one `step` per invocation). */
  readonly function: SnaplakeFunction;
  /** Only once {@link addSweeper} is called. */
  sweeper?: SnaplakeFunction;

  constructor(private readonly scope: Construct, private readonly restore: ServerlessV1RestoreConfig) {
    const stack = Stack.of(scope);
    const rds = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;
    const fn = this.function = new SnaplakeFunction(scope, 'ServerlessDetour', {
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
  }

  /**
   * Hourly: deletes temporary resources older than the sweep age whose execution of the workflow
   * `stateMachineName` is no longer running (another stage's executions are not this role's to read).
   * What the schedule cannot deliver, and a sweep that still fails after Lambda's retries, go to `failures`.
   */
  addSweeper(stateMachineName: string, failures: AsyncFailures): SnaplakeFunction {
    const stack = Stack.of(this.scope);
    const rds = (resource: string) => `arn:${stack.partition}:rds:${stack.region}:${stack.account}:${resource}`;
    const fn = this.sweeper = new SnaplakeFunction(this.scope, 'SweepTemporary', {
      handler: 'sweep-temporary',
      description: 'Deletes temporary clusters and snapshots left behind by ended export executions',
      timeout: Duration.minutes(5),
      environment: { SWEEP_AFTER_HOURS: String(this.restore.sweepAfterHours), STATE_MACHINE_NAME: stateMachineName },
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
    const executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${stateMachineName}:*`;
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));
    Validations.of(fn.role).acknowledge(...['cluster:*', 'cluster-snapshot:*', `cluster:${TEMPORARY_PREFIX}*`, `cluster-snapshot:${TEMPORARY_PREFIX}*`].map((resource) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${stack.region}:${stack.account}:${resource}]`,
      reason: 'The sweeper lists clusters and snapshots to find temporary ones; it can delete only snaplake-tmp-* resources tagged snaplake:temporary.',
    })), {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${stateMachineName}:*]`,
      reason: 'Execution names are made per snapshot; the sweeper only reads whether this workflow\'s executions still run.',
    });
    new events.Rule(this.scope, 'HourlySweep', {
      description: 'snaplake: remove temporary Serverless v1 export resources left behind',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 2, deadLetterQueue: failures.queue })],
    });
    // A failed sweep is retried by the next hour's: an event older than that goes to the queue.
    sendFailuresTo(fn, failures.queue, failures.key, { retryAttempts: 2, maxEventAge: Duration.hours(1) });
    return fn;
  }

  /**
   * `Serverless v1?`: any other snapshot goes on to `exportTheSnapshot`. A Serverless v1 one first
   * looks for an export of an earlier run (`findExport`, the start-export function), which it joins
   * at `joinExisting`; otherwise it restores a temporary cluster, waits, snapshots it, waits, and
   * exports the temporary snapshot with `startExport`. A temporary resource that fails goes to `onFailure`.
   */
  steps(props: {
    findExport: SnaplakeFunction;
    exportTheSnapshot: sfn.IChainable;
    joinExisting: sfn.IChainable;
    startExport: sfn.IChainable;
    onFailure: sfn.IChainable;
  }): sfn.IChainable {
    const { onFailure } = props;
    const invoke = (name: string, input: TaskInputFields, resultPath: string) => invokeFunction(this.scope, name, this.function, input, resultPath);
    const poll = (name: string) => new sfn.Wait(this.scope, name, { time: sfn.WaitTime.duration(Duration.minutes(2)) });
    const restore = invoke('Restore temporary cluster', { 'step': 'restore', 'snapshot.$': '$.snapshot', 'executionArn.$': '$$.Execution.Id' }, '$.temporary')
      .addCatch(onFailure, CATCH_ALL);
    const waitForCluster = poll('Wait for temporary cluster');
    const checkCluster = invoke('Check temporary cluster', { 'step': 'check-cluster', 'temporary.$': '$.temporary' }, '$.temporary')
      .addRetry({ errors: [WORKFLOW_ERRORS.notReady], interval: Duration.minutes(1), maxAttempts: 10 }).addCatch(onFailure, CATCH_ALL);
    const snapshot = invoke('Snapshot temporary cluster', {
      'step': 'snapshot', 'snapshot.$': '$.snapshot', 'temporary.$': '$.temporary', 'executionArn.$': '$$.Execution.Id',
    }, '$.temporary').addCatch(onFailure, CATCH_ALL);
    const waitForSnapshot = poll('Wait for temporary snapshot');
    const checkSnapshot = invoke('Check temporary snapshot', { 'step': 'check-snapshot', 'temporary.$': '$.temporary' }, '$.temporary')
      .addRetry({ errors: [WORKFLOW_ERRORS.notReady], interval: Duration.minutes(1), maxAttempts: 10 }).addCatch(onFailure, CATCH_ALL);
    const temporaryFailed = new sfn.Pass(this.scope, 'Temporary resource failed', {
      parameters: { 'Error': 'TemporaryResourceFailed', 'Cause.$': "States.Format('temporary resource of the Serverless v1 export is {}', $.temporary.status)" },
      resultPath: '$.error',
    }).next(onFailure);
    const exportTemporary = new sfn.Pass(this.scope, 'Export the temporary snapshot', {
      parameters: { 'arn.$': '$.temporary.snapshotArn', 'temporary': true }, resultPath: '$.exportSource',
    }).next(props.startExport);
    const stillWorking = (path: string) => sfn.Condition.or(sfn.Condition.stringEquals(path, 'creating'), sfn.Condition.stringEquals(path, 'backing-up'),
      sfn.Condition.stringEquals(path, 'modifying'), sfn.Condition.stringEquals(path, 'pending'));
    const detour = restore.next(waitForCluster).next(checkCluster).next(new sfn.Choice(this.scope, 'Temporary cluster ready?')
      .when(sfn.Condition.stringEquals('$.temporary.status', 'available'), snapshot.next(waitForSnapshot).next(checkSnapshot).next(new sfn.Choice(this.scope, 'Temporary snapshot ready?')
        .when(sfn.Condition.stringEquals('$.temporary.status', 'available'), exportTemporary)
        .when(stillWorking('$.temporary.status'), waitForSnapshot)
        .otherwise(temporaryFailed)))
      .when(stillWorking('$.temporary.status'), waitForCluster)
      .otherwise(temporaryFailed));
    // A second run for the same snapshot joins the first run's export instead of restoring another cluster.
    const findExisting = invokeFunction(this.scope, 'Find existing export', props.findExport, {
      'find': true, 'snapshotArn.$': '$.snapshot.arn', 'exportTaskIdentifier.$': '$.snapshot.exportTaskIdentifier',
    }, '$.export').addCatch(onFailure, CATCH_ALL);
    return new sfn.Choice(this.scope, 'Serverless v1?')
      .when(sfn.Condition.stringEquals('$.snapshot.engineMode', 'serverless'), findExisting.next(new sfn.Choice(this.scope, 'Already exported?')
        .when(sfn.Condition.booleanEquals('$.export.found', true), props.joinExisting)
        .otherwise(detour)))
      .otherwise(props.exportTheSnapshot);
  }

  /** `Temporary resources?` after a completed export: removes them (a failure to goes to `onFailure`), then `then`. */
  cleanUpAfterExport(then: sfn.IChainable, onFailure: sfn.IChainable): sfn.IChainable {
    return new sfn.Choice(this.scope, 'Temporary resources?')
      .when(sfn.Condition.isPresent('$.temporary'), this.cleanUp('Clean up temporary resources').addCatch(onFailure, CATCH_ALL).next(then))
      .otherwise(then);
  }

  /** `Temporary resources to remove?` on the failure path: removes them, then `failed` whether that worked or not. */
  cleanUpAfterFailure(failed: sfn.IChainable): sfn.IChainable {
    return new sfn.Choice(this.scope, 'Temporary resources to remove?')
      .when(sfn.Condition.isPresent('$.temporary'), this.cleanUp('Clean up after failure').addCatch(failed, { errors: ['States.ALL'], resultPath: '$.cleanupError' }).next(failed))
      .otherwise(failed);
  }

  private cleanUp(name: string): sfn.TaskStateBase {
    return invokeFunction(this.scope, name, this.function, { 'step': 'clean-up', 'temporary.$': '$.temporary', 'executionArn.$': '$$.Execution.Id' }, '$.cleanedUp');
  }
}

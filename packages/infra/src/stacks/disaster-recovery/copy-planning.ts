import { DisasterRecoveryConfig, DR_SOURCE_PREFIX, DR_SOURCE_TAG, WORKFLOW_ERRORS } from '@snaplake/core';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SnapshotArns } from './snapshot-arns';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../../workflow-tasks';

/** The longest a copy workflow waits for a snapshot being created (with the copy wait, below its 48-hour timeout). */
const MAX_SNAPSHOT_WAIT = Duration.hours(12);

/**
 * Which snapshot is copied where: the function that resolves the snapshot (or, with
 * `snapshotSchedule`, makes one `snaplake-dr-source-*` first and deletes it once copied) and plans a
 * copy per destination region, and the steps that wait for the snapshot and remove a source made
 * only for copying.
 *
 * Built in the stack's scope, not as a child construct: its resources keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class CopyPlanning {
  readonly function: SnaplakeFunction;

  /** `destinations`: each destination region with its copy key (by alias), for the plan. */
  constructor(
    private readonly scope: Construct,
    config: DisasterRecoveryConfig,
    arns: SnapshotArns,
    destinations: readonly { region: string; kmsKeyArn: string }[],
  ) {
    const { region } = Stack.of(scope);
    const plan = this.function = new SnaplakeFunction(scope, 'PlanCopies', {
      handler: 'plan-copies',
      description: 'Resolves the snapshot to copy (made first on a schedule) and plans a copy per destination region',
      environment: { COPY_DESTINATIONS: JSON.stringify(destinations) },
    });
    plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: arns.describeActions(),
      resources: arns.anySnapshot().map((resource) => arns.rds(region, resource)),
    }));
    const sources = arns.ofKinds(`snapshot:${DR_SOURCE_PREFIX}*`, `cluster-snapshot:${DR_SOURCE_PREFIX}*`);
    if (config.snapshotSchedule) {
      const sourceSnapshots = sources.map((resource) => arns.rds(region, resource));
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: arns.ofKinds('rds:CreateDBSnapshot', 'rds:CreateDBClusterSnapshot'),
        resources: [...arns.databasesIn(region), ...sourceSnapshots],
      }));
      // Tags are set on the new snapshot at creation: the database itself, or any other snapshot, can never be tagged.
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['rds:AddTagsToResource'], resources: sourceSnapshots }));
      // Once copied, the source snapshot is deleted: only snaplake-dr-source-* carrying the snaplake:dr-source tag.
      plan.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: arns.ofKinds('rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'),
        resources: sourceSnapshots,
        conditions: { StringEquals: { [`aws:ResourceTag/${DR_SOURCE_TAG}`]: 'true' } },
      }));
    }
    Validations.of(plan.role).acknowledge(
      ...arns.wildcards([region], arns.anySnapshot()),
      ...(config.snapshotSchedule ? arns.wildcards([region], sources) : []),
    );
  }

  /**
   * `Read request`, then `Plan copies`, waiting (every `poll`, up to 12 hours) while RDS creates the
   * snapshot. Its states are made now (a failure goes to `onFailure`); `continueWith` chains them
   * once what follows exists: an available snapshot is copied by `copyToEveryRegion`, then a source
   * snapshot the schedule made only to be copied is deleted (else the manual-snapshot quota fills).
   * `$.request` keeps the trigger's input for the failure notice; `$.lookup` is what the snapshot is planned from.
   */
  steps(poll: Duration, onFailure: sfn.IChainable): { continueWith(copyToEveryRegion: sfn.IChainable & sfn.INextable): sfn.IChainable } {
    const notReady = { errors: [WORKFLOW_ERRORS.notReady], interval: poll, backoffRate: 1, maxAttempts: 12 };
    const readRequest = new sfn.Pass(this.scope, 'Read request', { parameters: { 'request.$': '$', 'lookup.$': '$', 'snapshotChecks': 0 } });
    const planCopies = invokeFunction(this.scope, 'Plan copies', this.function, { path: '$.lookup' }, '$.plan').addRetry(notReady).addCatch(onFailure, CATCH_ALL);
    const waitForSnapshot = new sfn.Wait(this.scope, 'Wait for snapshot', { time: sfn.WaitTime.duration(poll) });
    const checkAgain = new sfn.Pass(this.scope, 'Check snapshot again', {
      parameters: { 'request.$': '$.request', 'lookup': { 'snapshotArn.$': '$.plan.snapshot.arn' }, 'snapshotChecks.$': 'States.MathAdd($.snapshotChecks, 1)' },
    });
    const maxSnapshotChecks = Math.ceil(MAX_SNAPSHOT_WAIT.toSeconds() / poll.toSeconds());
    const unusable = new sfn.Pass(this.scope, 'Snapshot unusable', {
      parameters: { 'Error': 'SnapshotUnusable', 'Cause.$': "States.Format('snapshot {} is {}', $.plan.snapshot.identifier, $.plan.snapshot.status)" },
      resultPath: '$.error',
    });
    const copied = new sfn.Succeed(this.scope, 'Copied');
    const deleteSource = invokeFunction(this.scope, 'Delete source snapshot', this.function, { 'deleteSource.$': '$.plan.snapshot' }, '$.sourceDeleted')
      .addCatch(onFailure, CATCH_ALL);
    const afterCopies = new sfn.Choice(this.scope, 'Source made for copying?')
      .when(sfn.Condition.stringMatches('$.plan.snapshot.identifier', `${DR_SOURCE_PREFIX}*`), deleteSource.next(copied))
      .otherwise(copied);
    const creating = sfn.Condition.stringEquals('$.plan.snapshot.status', 'creating');
    return {
      continueWith: (copyToEveryRegion) => readRequest.next(planCopies).next(new sfn.Choice(this.scope, 'Snapshot ready?')
        .when(sfn.Condition.stringEquals('$.plan.snapshot.status', 'available'), copyToEveryRegion.next(afterCopies))
        .when(sfn.Condition.and(creating, sfn.Condition.numberLessThan('$.snapshotChecks', maxSnapshotChecks)), waitForSnapshot.next(checkAgain).next(planCopies))
        .otherwise(unusable.next(onFailure))),
    };
  }
}

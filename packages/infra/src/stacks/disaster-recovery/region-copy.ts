import { DisasterRecoveryConfig, DR_COPY_TAG, WORKFLOW_ERRORS } from '@snaplake/core';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SnapshotArns } from './snapshot-arns';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../../workflow-tasks';

/** The longest a copy workflow waits for a copy (with the snapshot wait, below its 48-hour timeout). */
const MAX_COPY_WAIT = Duration.hours(34);

/**
 * The copy of a snapshot into each destination region: the functions that copy (with the region's
 * key, found by its alias), read the copy's status and prune old copies (only snaplake's, never the
 * last good one), and the steps of one region, run for every region at once.
 *
 * Built in the stack's scope, not as a child construct: its resources keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class RegionCopy {
  readonly copy: SnaplakeFunction;
  readonly describe: SnaplakeFunction;
  readonly prune: SnaplakeFunction;

  constructor(private readonly scope: Construct, config: DisasterRecoveryConfig, arns: SnapshotArns, keyAlias: string) {
    const stack = Stack.of(scope);
    this.copy = new SnaplakeFunction(scope, 'CopySnapshot', {
      handler: 'copy-snapshot',
      description: 'Copies a snapshot into one destination region with that region\'s key',
    });
    this.copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: arns.ofKinds('rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot'),
      resources: [...arns.anySnapshot().map((resource) => arns.rds(stack.region, resource)), ...arns.everyDestination((r) => arns.copiesIn(r))],
    }));
    this.copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:AddTagsToResource', ...arns.describeActions()],
      resources: arns.everyDestination((r) => arns.copiesIn(r)),
    }));
    // The copy key is named by its alias in each region: grant on keys carrying that alias only.
    this.copy.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: config.destinationRegions.map((region) => `arn:${stack.partition}:kms:${region}:${stack.account}:key/*`),
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAlias } },
    }));

    this.describe = new SnaplakeFunction(scope, 'DescribeCopy', { handler: 'describe-copy', description: 'Reads the status of a snapshot copy in its destination region' });
    this.describe.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: arns.describeActions(),
      resources: arns.everyDestination((r) => arns.copiesIn(r)),
    }));

    this.prune = new SnaplakeFunction(scope, 'PruneCopies', {
      handler: 'prune-copies',
      description: 'Deletes snaplake\'s copies the retention policy lets go, never the last good one',
      environment: {
        ...(config.keepLast !== undefined ? { KEEP_LAST: String(config.keepLast) } : {}),
        ...(config.maxAgeDays !== undefined ? { MAX_AGE_DAYS: String(config.maxAgeDays) } : {}),
      },
    });
    this.prune.role.addToPrincipalPolicy(listCopies(arns));
    // Even a bug cannot delete a snapshot that snaplake did not tag as its copy.
    this.prune.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: arns.ofKinds('rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'),
      resources: arns.everyDestination((r) => arns.copiesIn(r)),
      conditions: { StringEquals: { [`aws:ResourceTag/${DR_COPY_TAG}`]: 'true' } },
    }));

    Validations.of(this.copy.role).acknowledge(
      ...arns.wildcards([stack.region], arns.anySnapshot()),
      ...arns.wildcards(config.destinationRegions, arns.copies()),
      ...config.destinationRegions.map((region) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${region}:${stack.account}:key/*]`,
        reason: 'The copy key is found by its alias (kms:ResourceAliases condition), so its id need not be copied by hand.',
      })),
    );
    Validations.of(this.describe.role).acknowledge(...arns.wildcards(config.destinationRegions, arns.copies()));
    Validations.of(this.prune.role).acknowledge(...arns.wildcards(config.destinationRegions, [...arns.anySnapshot(), ...arns.copies()]));
  }

  /** The functions the workflow invokes. */
  get functions(): SnaplakeFunction[] {
    return [this.copy, this.describe, this.prune];
  }

  /**
   * `Copy to each region`, every region of `$.plan.copies` at once: copy (making room by pruning
   * when the region's manual-snapshot quota is full), wait every `poll` until the copy is available
   * (bounded below the workflow's timeout, so a stuck copy fails with its own error), then prune old
   * copies. A region that fails sends the whole map to `onFailure`.
   */
  steps(poll: Duration, onFailure: sfn.IChainable): sfn.Map {
    const invoke = (name: string, fn: SnaplakeFunction, resultPath: string) => invokeFunction(this.scope, name, fn, { path: '$' }, resultPath);
    const notReady = { errors: [WORKFLOW_ERRORS.notReady], interval: poll, backoffRate: 1, maxAttempts: 12 };
    const copySnapshot = invoke('Copy snapshot', this.copy, '$.copy').addRetry(notReady);
    const pruneForRoom = invoke('Prune for room', this.prune, '$.pruned');
    const quotaExceeded = new sfn.Fail(this.scope, 'Quota exceeded', { error: 'CopyQuotaExceeded', cause: 'the destination region holds the most manual snapshots allowed and retention frees none' });
    copySnapshot.addCatch(pruneForRoom.next(new sfn.Choice(this.scope, 'Room made?')
      .when(sfn.Condition.isPresent('$.pruned.deleted[0]'), copySnapshot)
      .otherwise(quotaExceeded)), { errors: [WORKFLOW_ERRORS.copyQuotaExceeded], resultPath: '$.quota' });
    const waitForCopy = new sfn.Wait(this.scope, 'Wait for copy', { time: sfn.WaitTime.duration(poll) });
    const describeCopy = invoke('Describe copy', this.describe, '$.copy').addRetry(notReady);
    const pruneCopies = invoke('Prune copies', this.prune, '$.pruned');
    const copyFailed = new sfn.Fail(this.scope, 'Copy failed', { error: 'CopyFailed', cause: 'the snapshot copy ended in a state other than available' });
    const maxCopyChecks = Math.ceil(MAX_COPY_WAIT.toSeconds() / poll.toSeconds());
    const copyTooLong = new sfn.Fail(this.scope, 'Copy took too long', { error: 'CopyTookTooLong', cause: `the snapshot copy was not available after ${MAX_COPY_WAIT.toHours()} hours` });
    const startCounting = new sfn.Pass(this.scope, 'Start copy checks', { result: sfn.Result.fromObject({ count: 0 }), resultPath: '$.copyChecks' });
    const countCheck = new sfn.Pass(this.scope, 'Count copy check', { parameters: { 'count.$': 'States.MathAdd($.copyChecks.count, 1)' }, resultPath: '$.copyChecks' });
    const stillCopying = sfn.Condition.or(
      sfn.Condition.stringEquals('$.copy.status', 'creating'), sfn.Condition.stringEquals('$.copy.status', 'copying'), sfn.Condition.stringEquals('$.copy.status', 'pending'),
    );
    const perRegion = copySnapshot.next(startCounting).next(waitForCopy).next(describeCopy).next(countCheck).next(new sfn.Choice(this.scope, 'Copy done?')
      .when(sfn.Condition.stringEquals('$.copy.status', 'available'), pruneCopies)
      .when(sfn.Condition.and(stillCopying, sfn.Condition.numberLessThan('$.copyChecks.count', maxCopyChecks)), waitForCopy)
      .when(stillCopying, copyTooLong)
      .otherwise(copyFailed));
    return new sfn.Map(this.scope, 'Copy to each region', { itemsPath: '$.plan.copies', resultPath: '$.copies', maxConcurrency: 0 })
      .itemProcessor(perRegion)
      .addCatch(onFailure, CATCH_ALL);
  }
}

/** Listing the copied databases' snapshots in every destination region: to prune copies, and to report their age. */
export function listCopies(arns: SnapshotArns): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: arns.describeActions(),
    resources: arns.everyDestination((region) => [...arns.databasesIn(region), ...arns.anySnapshot().map((resource) => arns.rds(region, resource))]),
  });
}

import { CfnElement, Stack, Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One cdk-nag finding that nobody acknowledged. */
export interface NagFinding {
  readonly rule: string;
  readonly resource: string;
  readonly description: string;
}

/**
 * Runs the AwsSolutions pack over a stack and returns its unacknowledged findings. Run it before the
 * app is synthesized: afterwards cross-stack references render as exports, and the finding ids of
 * wildcards on them (see {@link wildcardOnArnOf}) change.
 */
export function nagFindings(stack: Stack): NagFinding[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => ({
    rule: violation.ruleName,
    resource: resource.constructPath ?? resource.resourceLogicalId ?? '(stack)',
    description: violation.description,
  })));
}

/** Every stack below a construct (an app or a stage), in construct-tree order. */
export function stacksIn(scope: IConstruct): Stack[] {
  return scope.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !Stage.isStage(c));
}

/**
 * How cdk-nag names a wildcard resource made of a resource's ARN (`<LogicalId.Arn>` + suffix), for
 * acknowledging exactly that finding and no other.
 */
export function wildcardOnArnOf(resource: IConstruct, suffix: string): string {
  const cfn = resource.node.defaultChild as CfnElement;
  return `AwsSolutions-IAM5[Resource::<${Stack.of(cfn).getLogicalId(cfn)}.Arn>${suffix}]`;
}

/** Acknowledgements for describing and exporting snapshots, whose names RDS makes at snapshot time. */
export function snapshotWildcards(region: string, account: string) {
  return [
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:${account}:snapshot:*]`,
      reason: 'Snapshot names are made by RDS at snapshot time; access is limited to snapshots of this account and region.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:${account}:cluster-snapshot:*]`,
      reason: 'Cluster snapshot names are made by RDS at snapshot time; access is limited to those of this account and region.',
    },
  ];
}

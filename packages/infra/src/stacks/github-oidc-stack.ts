import { GithubConfig, StageConfig } from '@snaplake/core';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The CDK bootstrap qualifier the stages were bootstrapped with (`cdk bootstrap` default). */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

export interface GithubOidcStackProps extends StackProps {
  readonly github: GithubConfig;
  /** The stages deployed to this stack's account. */
  readonly stages: readonly StageConfig[];
  /** @default DEFAULT_BOOTSTRAP_QUALIFIER */
  readonly bootstrapQualifier?: string;
}

/**
 * Deployed once per AWS account by an administrator: GitHub's OIDC provider, a deploy role per stage
 * trusted only by that stage's GitHub environment, and a diff role trusted by pull requests. Neither
 * role can do anything but assume the CDK bootstrap roles of its stage.
 */
export class GithubOidcStack extends Stack {
  readonly provider: iam.OidcProviderNative;
  readonly deployRoles: Record<string, iam.Role> = {};
  readonly diffRole: iam.Role;

  constructor(scope: Construct, id: string, props: GithubOidcStackProps) {
    super(scope, id, props);
    const repo = `repo:${props.github.owner}/${props.github.repository}`;
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    const bootstrapRole = (kind: string, stage: StageConfig) =>
      `arn:${this.partition}:iam::${stage.account}:role/cdk-${qualifier}-${kind}-role-${stage.account}-${stage.region}`;

    this.provider = new iam.OidcProviderNative(this, 'GithubProvider', { url: `https://${GITHUB_ISSUER}`, clientIds: ['sts.amazonaws.com'] });
    const trust = (subject: string) => new iam.OpenIdConnectPrincipal(this.provider, {
      StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:sub`]: subject },
    });

    for (const stage of props.stages) {
      const role = new iam.Role(this, `Deploy-${stage.name}`, {
        roleName: `snaplake-github-deploy-${stage.name}`,
        assumedBy: trust(`${repo}:environment:${stage.name}`),
        description: `GitHub Actions deploys of ${stage.name}: may only assume its CDK bootstrap roles`,
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind) => bootstrapRole(kind, stage)),
      }));
      this.deployRoles[stage.name] = role;
      new CfnOutput(this, `DeployRoleArn-${stage.name}`, { value: role.roleArn, description: `GitHub environment ${stage.name}: variable DEPLOY_ROLE_ARN` });
    }

    this.diffRole = new iam.Role(this, 'Diff', {
      roleName: 'snaplake-github-diff',
      assumedBy: trust(`${repo}:pull_request`),
      description: 'GitHub Actions pull-request diffs: may only assume the CDK lookup roles (read-only)',
    });
    this.diffRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: props.stages.map((stage) => bootstrapRole('lookup', stage)),
    }));
    new CfnOutput(this, 'DiffRoleArn', { value: this.diffRole.roleArn, description: 'Repository variables DIFF_ROLE_ARN_<STAGE> of the stages in this account' });
  }
}

import { GithubConfig } from '@snaplake/core';
import { Arn, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The CDK bootstrap qualifier the stages were bootstrapped with (`cdk bootstrap` default). */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
/** The branch the deploy, diff and drift workflows run on: `workflow_run` and `schedule` runs use it too. */
export const DEFAULT_BRANCH = 'main';

/** An account and region a stage's stacks deploy to (the stage's own region, and each DR region). */
export interface DeployTarget {
  readonly account: string;
  readonly region: string;
}

/** A stage deployed from GitHub: its name (the GitHub environment) and where its stacks go. */
export interface GithubOidcStage {
  readonly name: string;
  readonly targets: readonly DeployTarget[];
}

export interface GithubOidcStackProps extends StackProps {
  /** Prefix of the role names: `<project>-github-deploy-<stage>`, `<project>-github-diff`. */
  readonly project: string;
  readonly github: GithubConfig;
  /** The stages deployed to this stack's account. */
  readonly stages: readonly GithubOidcStage[];
  /** @default DEFAULT_BOOTSTRAP_QUALIFIER */
  readonly bootstrapQualifier?: string;
}

/**
 * Deployed once per AWS account by an administrator: GitHub's OIDC provider (or the account's existing
 * one), a deploy role per stage trusted only by that stage's GitHub environment, and a read-only diff
 * role trusted by the default branch's workflows (pull-request diffs through `workflow_run`, drift
 * checks). Neither role can do anything but assume CDK bootstrap roles: the deploy role those of every
 * account and region its stage's stacks use (deploy, file publishing, lookup), the diff role the
 * lookup roles.
 */
export class GithubOidcStack extends Stack {
  readonly provider: iam.IOidcProvider;
  readonly deployRoles: Record<string, iam.Role> = {};
  readonly diffRole: iam.Role;

  constructor(scope: Construct, id: string, props: GithubOidcStackProps) {
    super(scope, id, props);
    const repo = `repo:${props.github.owner}/${props.github.repository}`;
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    const bootstrapRole = (kind: BootstrapRoleKind, target: DeployTarget) =>
      `arn:${this.partition}:iam::${target.account}:role/cdk-${qualifier}-${kind}-role-${target.account}-${target.region}`;

    const existing = props.github.existingOidcProviderAccounts.includes(String(props.env?.account));
    this.provider = existing
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GithubProvider',
        Arn.format({ service: 'iam', region: '', resource: 'oidc-provider', resourceName: GITHUB_ISSUER }, this))
      : new iam.OidcProviderNative(this, 'GithubProvider', { url: `https://${GITHUB_ISSUER}`, clientIds: ['sts.amazonaws.com'] });
    const trust = (subject: string) => new iam.OpenIdConnectPrincipal(this.provider, {
      StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:sub`]: subject },
    });

    for (const stage of props.stages) {
      const role = new iam.Role(this, `Deploy-${stage.name}`, {
        roleName: `${props.project}-github-deploy-${stage.name}`,
        assumedBy: trust(`${repo}:environment:${stage.name}`),
        description: `GitHub Actions deploys of ${stage.name}: may only assume the CDK bootstrap roles of its stacks`,
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: uniqueTargets(stage.targets).flatMap((target) => DEPLOY_ROLE_KINDS.map((kind) => bootstrapRole(kind, target))),
      }));
      this.deployRoles[stage.name] = role;
      new CfnOutput(this, `DeployRoleArn-${stage.name}`, { value: role.roleArn, description: `GitHub environment ${stage.name}: variable DEPLOY_ROLE_ARN` });
    }

    this.diffRole = new iam.Role(this, 'Diff', {
      roleName: `${props.project}-github-diff`,
      assumedBy: trust(`${repo}:ref:refs/heads/${DEFAULT_BRANCH}`),
      description: 'GitHub Actions pull-request diffs and drift checks: may only assume the CDK lookup roles (read-only)',
    });
    this.diffRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: uniqueTargets(props.stages.flatMap((stage) => stage.targets)).map((target) => bootstrapRole('lookup', target)),
    }));
    new CfnOutput(this, 'DiffRoleArn', { value: this.diffRole.roleArn, description: 'Repository variables DIFF_ROLE_ARN_<STAGE> of the stages in this account' });
  }
}

type BootstrapRoleKind = 'deploy' | 'file-publishing' | 'lookup';
/**
 * What `cdk deploy` assumes for a stack: the deploy role (CloudFormation, SSM bootstrap version), the
 * file-publishing role (Lambda code, templates) and the lookup role. No stack has Docker image assets,
 * so the image-publishing role is not granted.
 */
const DEPLOY_ROLE_KINDS: readonly BootstrapRoleKind[] = ['deploy', 'file-publishing', 'lookup'];

function uniqueTargets(targets: readonly DeployTarget[]): DeployTarget[] {
  const seen = new Map(targets.map((t) => [`${t.account}/${t.region}`, t]));
  return [...seen.values()];
}

import { SnaplakeConfig } from '@snaplake/core';
import { App } from 'aws-cdk-lib';
import { stacksIn } from './nag';
import { stageId } from './next-steps';
import { queriesForStage } from './queries';
import { SnaplakeStage } from './snaplake-stage';
import { DeployTarget, GithubOidcStack } from './stacks/github-oidc-stack';

export interface BuildAppOptions {
  /** Folder of scheduled queries (`*.sql`), checked against the config. @default - no scheduled queries */
  readonly queriesDir?: string;
  /** Query files are named in errors relative to this folder. @default - the queries folder */
  readonly queriesShownFrom?: string;
}

/**
 * Builds the CDK app: one stage per configured stage, named after it (Dev, Staging, Prod), and,
 * when the config names the GitHub repository, one `GithubOidc-<account>` stack per account (deployed
 * once by an administrator, outside the pipeline).
 */
export function buildApp(
  config: SnaplakeConfig, outdir?: string, options: BuildAppOptions = {},
): { app: App; stages: SnaplakeStage[]; oidcStacks: GithubOidcStack[] } {
  const app = new App({ outdir });
  const stageNames = config.stages.map((s) => s.name);
  const stages = config.stages.map((stage) => new SnaplakeStage(app, stageId(stage.name), {
    project: config.project,
    stage,
    queries: options.queriesDir === undefined ? [] : queriesForStage(options.queriesDir, config.project, stage, stageNames, options.queriesShownFrom),
  }));
  const accounts = [...new Set(config.stages.map((s) => s.account))];
  const github = config.github;
  const oidcStacks = github === undefined ? [] : accounts.map((account) => {
    const inAccount = config.stages.filter((s) => s.account === account);
    return new GithubOidcStack(app, `GithubOidc-${account}`, {
      stackName: `${config.project}-github-oidc`,
      env: { account, region: inAccount[0]!.region },
      project: config.project,
      github,
      // Every account and region the stage's stacks really deploy to (DR key stacks go to other regions).
      stages: inAccount.map((stage) => ({ name: stage.name, targets: deployTargetsOf(stages[config.stages.indexOf(stage)]!) })),
    });
  });
  return { app, stages, oidcStacks };
}

/** The distinct accounts and regions of a stage's stacks, in the order they first appear. */
export function deployTargetsOf(stage: SnaplakeStage): DeployTarget[] {
  const targets = new Map<string, DeployTarget>();
  for (const stack of stacksIn(stage)) targets.set(`${stack.account}/${stack.region}`, { account: stack.account, region: stack.region });
  return [...targets.values()];
}

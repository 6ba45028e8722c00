import { SnaplakeConfig } from '@snaplake/core';

/**
 * What to run after synth, from the repository root: bootstrap every account and region a stage
 * uses (its own and its disaster-recovery regions), deploy the GitHub OIDC stack of each account
 * once, then each stage, with the same selectors the deploy workflow uses.
 * @param assembly the cloud assembly folder, relative to the repository root.
 */
export function nextSteps(config: SnaplakeConfig, assembly: string): string[] {
  const regionsByAccount = new Map<string, Set<string>>();
  for (const stage of config.stages) {
    const regions = regionsByAccount.get(stage.account) ?? new Set<string>();
    for (const region of [stage.region, ...(stage.disasterRecovery?.destinationRegions ?? [])]) regions.add(region);
    regionsByAccount.set(stage.account, regions);
  }
  const lines = ['next steps (from the repository root, with credentials for each account):', '  1. bootstrap each account in every region its stages use (once):'];
  for (const [account, regions] of regionsByAccount) {
    lines.push(`     npx cdk bootstrap ${[...regions].map((region) => `aws://${account}/${region}`).join(' ')}`);
  }
  if (config.github) {
    lines.push('  2. deploy the GitHub OIDC stack of each account (once, as an administrator):');
    for (const account of regionsByAccount.keys()) lines.push(`     npx cdk deploy --app ${assembly} GithubOidc-${account}`);
  }
  lines.push(`  ${config.github ? 3 : 2}. deploy the stages in order${config.github ? ' (or push to main: the deploy workflow does it)' : ''}:`);
  for (const stage of config.stages) lines.push(`     npx cdk deploy --app ${assembly} '${stageId(stage.name)}/*'`);
  return lines;
}

/** The stage's construct id and deploy selector prefix: `prod` -> `Prod`. */
export function stageId(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

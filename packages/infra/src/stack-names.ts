// Names of the deployed stacks and outputs that tools outside the CDK app read (`snaplake query run`
// looks the workflow up by them): kept apart from the stacks, so reading them loads no CDK code.

/** A stage's stack name: `<project>-<stage>-<stack>`, e.g. `acme-prod-scheduled-queries`. */
export function stageStackName(project: string, stageName: string, stack: string): string {
  return `${project}-${stageName}-${stack}`;
}

/** The scheduled-query stack's output holding the ARN of the workflow that runs queries. */
export const RUNS_STATE_MACHINE_OUTPUT = 'RunsStateMachineArn';

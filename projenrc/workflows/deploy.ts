// Deploys: every push to main goes through the stages in order from one assembly; a manual run
// deploys one chosen stage from a kept assembly (the rollback path).
import {
  ACTIONS, ASSEMBLY, assumeRole, DeliveryOptions, DeliveryStage, DEPLOY_CONCURRENCY, Job, ON_MAIN, setup, Step, use, Workflow, WORKFLOW_ENV,
} from './steps';

/** Docs-only pushes deploy nothing. */
export const DOCS_ONLY = ['**/*.md', 'docs/**', 'LICENSE'];

/** The names the release reads back from a deploy run: the last stage's job and its deploy step. */
export const DEPLOY_STEP_NAME = 'Deploy';
export const deployJobName = (stage: DeliveryStage) => `Deploy ${stage.name}`;

const deployStep = (stage: DeliveryStage): Step => ({
  name: DEPLOY_STEP_NAME,
  run: `npx cdk deploy --app ${ASSEMBLY.path} '${stage.stageId}/*' --require-approval never --concurrency 2`,
});

const TIP_OF_MAIN = [
  'tip="$(gh api "repos/$GITHUB_REPOSITORY/commits/main" --jq .sha)"',
  'if [ "$tip" = "$GITHUB_SHA" ]; then',
  '  echo "current=true" >> "$GITHUB_OUTPUT"',
  'else',
  '  echo "::notice::main moved on to $tip; its own run deploys it, so $GITHUB_SHA is not deployed here"',
  '  echo "current=false" >> "$GITHUB_OUTPUT"',
  'fi',
].join('\n');

/** Pushes to main: test and synthesize once, then deploy that assembly to each stage in order, while it is still the tip of main. */
export function deployWorkflow(options: DeliveryOptions): Workflow {
  const jobs: Record<string, Job> = {
    synth: {
      'name': 'Test and synthesize every stage once',
      'if': ON_MAIN,
      'runs-on': 'ubuntu-latest',
      'permissions': { contents: 'read' },
      'steps': [
        ...setup(),
        { name: 'Test', run: 'npm test' },
        { name: 'Synthesize with cdk-nag', run: 'npm run synth' },
        use(ACTIONS.uploadArtifact, { 'name': ASSEMBLY.name, 'path': ASSEMBLY.path, 'retention-days': 30 }, 'Keep the cloud assembly (the rollback path deploys it again)'),
      ],
    },
  };
  let previous = 'synth';
  for (const stage of options.stages) {
    const whenCurrent = (step: Step): Step => ({ ...step, if: "steps.tip.outputs.current == 'true'" });
    jobs[`deploy-${stage.name}`] = {
      'name': deployJobName(stage),
      'needs': previous,
      'if': ON_MAIN,
      'runs-on': 'ubuntu-latest',
      'environment': stage.name,
      'permissions': { 'contents': 'read', 'id-token': 'write' },
      'steps': [
        { name: 'Deploy only while this commit is the tip of main', id: 'tip', env: { GH_TOKEN: '${{ github.token }}' }, run: TIP_OF_MAIN },
        ...[
          ...setup(),
          use(ACTIONS.downloadArtifact, { name: ASSEMBLY.name, path: ASSEMBLY.path }),
          assumeRole('${{ vars.DEPLOY_ROLE_ARN }}', '${{ vars.AWS_REGION }}', `snaplake-deploy-${stage.name}`, `Assume the ${stage.name} deploy role`),
          deployStep(stage),
        ].map(whenCurrent),
      ],
    };
    previous = `deploy-${stage.name}`;
  }
  return {
    name: 'deploy',
    on: { push: { 'branches': ['main'], 'paths-ignore': DOCS_ONLY } },
    permissions: { contents: 'read' },
    concurrency: DEPLOY_CONCURRENCY,
    env: WORKFLOW_ENV,
    jobs,
  };
}

const CHECK_RUN = [
  '// Only an assembly that a deploy run built from main is deployed.',
  'const { owner, repo } = context.repo;',
  'const run_id = Number(process.env.RUN_ID);',
  "if (!Number.isInteger(run_id) || run_id <= 0) { core.setFailed(`run-id must be the number of a deploy run, got '${process.env.RUN_ID}'`); return; }",
  'const { data: run } = await github.rest.actions.getWorkflowRun({ owner, repo, run_id });',
  "if (!run.path.endsWith('/deploy.yml') || run.head_branch !== 'main' || run.event !== 'push') {",
  '  core.setFailed(`run ${run_id} is ${run.path} on ${run.head_branch} (${run.event}), not a deploy of main`);',
  '} else {',
  '  core.notice(`deploying the assembly of ${run.head_sha.slice(0, 7)} (deploy run ${run_id}, ${run.created_at})`);',
  '}',
].join('\n');

/** By hand: deploy one stage from the assembly a past deploy run kept (30 days). Also the rollback path. */
export function deployStageWorkflow(options: DeliveryOptions): Workflow {
  const jobs: Record<string, Job> = {
    'check-run': {
      'name': 'Check the run whose assembly is deployed',
      'if': ON_MAIN,
      'runs-on': 'ubuntu-latest',
      'permissions': { actions: 'read' },
      'steps': [{ ...use(ACTIONS.githubScript, { script: CHECK_RUN }, 'The run is a deploy of main'), env: { RUN_ID: '${{ inputs.run-id }}' } }],
    },
  };
  for (const stage of options.stages) {
    jobs[`deploy-${stage.name}`] = {
      'name': `Deploy ${stage.name} from run \${{ inputs.run-id }}`,
      'needs': 'check-run',
      'if': `${ON_MAIN} && inputs.stage == '${stage.name}'`,
      'runs-on': 'ubuntu-latest',
      'environment': stage.name,
      'permissions': { 'contents': 'read', 'actions': 'read', 'id-token': 'write' },
      'steps': [
        ...setup(),
        use(ACTIONS.downloadArtifact, { 'name': ASSEMBLY.name, 'path': ASSEMBLY.path, 'run-id': '${{ inputs.run-id }}', 'github-token': '${{ github.token }}' }),
        assumeRole('${{ vars.DEPLOY_ROLE_ARN }}', '${{ vars.AWS_REGION }}', `snaplake-deploy-${stage.name}`, `Assume the ${stage.name} deploy role`),
        deployStep(stage),
      ],
    };
  }
  return {
    name: 'deploy-stage',
    on: {
      workflow_dispatch: {
        inputs: {
          'stage': { description: 'The stage to deploy', type: 'choice', required: true, options: options.stages.map((s) => s.name) },
          'run-id': { description: 'The deploy run whose assembly to deploy (the number in its URL .../actions/runs/<id>)', type: 'string', required: true },
        },
      },
    },
    permissions: { contents: 'read' },
    concurrency: DEPLOY_CONCURRENCY,
    env: WORKFLOW_ENV,
    jobs,
  };
}

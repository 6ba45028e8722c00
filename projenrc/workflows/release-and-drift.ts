// Releases of the deployed commit, and a scheduled drift check of every stage.
import { DEPLOY_STEP_NAME, deployJobName } from './deploy';
import { ACTIONS, assumeRole, bash, DeliveryOptions, Job, lookupRoleArn, ON_MAIN, setup, upper, use, Workflow, WORKFLOW_ENV } from './steps';

/**
 * After a successful deploy of a push to main: per package, from the deployed commit, a version and
 * changelog from its conventional commits, the tag, the npm package when the config asks for it, the
 * GitHub Release and the CHANGELOG.md commit. Every step checks whether it was done already, so a
 * failed release is finished by re-running it.
 */
export function releaseWorkflow(options: DeliveryOptions): Workflow {
  const published = options.packages.filter((p) => p.publish).map((p) => p.name);
  const last = options.stages[options.stages.length - 1]!;
  const deployed: Job = {
    'name': `Check that the run deployed ${last.name}`,
    'if': "github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'",
    'runs-on': 'ubuntu-latest',
    'permissions': { actions: 'read' },
    'outputs': { deployed: '${{ steps.check.outputs.deployed }}' },
    'steps': [{
      ...use(ACTIONS.githubScript, {
        script: [
          '// A run that main moved past skips its deploys and still succeeds: only a commit deployed to the last stage is released.',
          'const { owner, repo } = context.repo;',
          'const jobs = await github.paginate(github.rest.actions.listJobsForWorkflowRun, { owner, repo, run_id: context.payload.workflow_run.id });',
          `const step = jobs.find((j) => j.name === '${deployJobName(last)}')?.steps?.find((s) => s.name === '${DEPLOY_STEP_NAME}');`,
          "const deployed = step?.conclusion === 'success';",
          `if (!deployed) core.notice('${last.name} was not deployed by this run (main moved on): the newer run releases these commits');`,
          "core.setOutput('deployed', String(deployed));",
        ].join('\n'),
      }, `The run deployed ${last.name}`),
      id: 'check',
    }],
  };
  const release: Job = {
    'name': 'Release the deployed commit',
    'needs': 'deployed',
    'if': "needs.deployed.outputs.deployed == 'true'",
    'runs-on': 'ubuntu-latest',
    // contents: tags, releases and the changelog commit; id-token: npm provenance (trusted publishing).
    'permissions': { 'contents': 'write', ...(published.length > 0 ? { 'id-token': 'write' } : {}) },
    'steps': [
      ...setup({ ref: '${{ github.event.workflow_run.head_sha }}', fullHistory: true, npmRegistry: published.length > 0 }),
      { name: 'Build', run: 'npx nx run-many -t build --outputStyle=static' },
      {
        name: 'Release every package that changed',
        run: `node scripts/release.mjs ${options.packages.map((p) => p.name).join(' ')}${published.length > 0 ? ` --publish ${published.join(',')}` : ''}`,
        env: {
          GH_TOKEN: '${{ github.token }}',
          RELEASE_SHA: '${{ github.event.workflow_run.head_sha }}',
          ...(published.length > 0 ? { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' } : {}),
        },
      },
    ],
  };
  return {
    name: 'release',
    on: { workflow_run: { workflows: ['deploy'], types: ['completed'], branches: ['main'] } },
    permissions: { contents: 'read' },
    concurrency: { 'group': 'release', 'cancel-in-progress': false },
    env: WORKFLOW_ENV,
    jobs: { deployed, release },
  };
}

function reportScript(stage: string): string {
  return [
    "const { readFileSync, existsSync } = require('node:fs');",
    "const { driftReport } = require('./scripts/drift-report.js');",
    `const output = existsSync('drift-${stage}.txt') ? readFileSync('drift-${stage}.txt', 'utf8') : '';`,
    `const report = driftReport('${stage}', output, { succeeded: process.env.DRIFT_OUTCOME === 'success', runUrl: \`\${context.serverUrl}/\${context.repo.owner}/\${context.repo.repo}/actions/runs/\${context.runId}\` });`,
    'const { owner, repo } = context.repo;',
    'const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: \'open\', creator: \'github-actions[bot]\' });',
    'const existing = open.find((i) => i.title === report.title);',
    'if (report.open && existing) await github.rest.issues.update({ owner, repo, issue_number: existing.number, body: report.body });',
    'else if (report.open) await github.rest.issues.create({ owner, repo, title: report.title, body: report.body });',
    "else if (existing) await github.rest.issues.update({ owner, repo, issue_number: existing.number, state: 'closed', body: report.body });",
    'if (report.open) core.setFailed(report.title);',
  ].join('\n');
}

/**
 * Weekly (and by hand): `cdk drift` of every stage's stacks, as the stage's read-only lookup role. A
 * drift, or a check that could not run, opens (or updates) one issue per stage; a clean check closes it.
 */
export function driftWorkflow(options: DeliveryOptions): Workflow {
  const jobs: Record<string, Job> = {};
  for (const stage of options.stages) {
    jobs[`drift-${stage.name}`] = {
      'name': `cdk drift ${stage.name}`,
      'if': ON_MAIN,
      'runs-on': 'ubuntu-latest',
      'permissions': { 'contents': 'read', 'id-token': 'write', 'issues': 'write' },
      'steps': [
        ...setup(),
        { name: 'Synthesize', run: 'npm run synth' },
        assumeRole(`\${{ vars.DIFF_ROLE_ARN_${upper(stage)} }}`, `\${{ vars.AWS_REGION_${upper(stage)} }}`, `snaplake-drift-${stage.name}`, 'Assume the read-only diff role'),
        {
          ...use(ACTIONS.awsCredentials, {
            'role-to-assume': lookupRoleArn(stage, options.bootstrapQualifier),
            'aws-region': `\${{ vars.AWS_REGION_${upper(stage)} }}`,
            'role-chaining': true,
            'role-session-name': `snaplake-drift-${stage.name}`,
          }),
          name: 'Continue as the stage\'s CDK lookup role (read-only; cdk drift uses the current credentials)',
        },
        bash('cdk drift', `npx cdk drift --app packages/infra/cdk.out '${stage.stageId}/*' --fail --no-color 2>&1 | tee drift-${stage.name}.txt`, { id: 'drift' }),
        {
          ...use(ACTIONS.githubScript, { script: reportScript(stage.name) }, 'Open, update or close the drift issue'),
          if: "${{ !cancelled() && steps.drift.outcome != 'skipped' }}",
          env: { DRIFT_OUTCOME: '${{ steps.drift.outcome }}' },
        },
      ],
    };
  }
  return {
    name: 'drift',
    on: { schedule: [{ cron: '17 5 * * 1' }], workflow_dispatch: {} },
    permissions: { contents: 'read' },
    env: WORKFLOW_ENV,
    jobs,
  };
}

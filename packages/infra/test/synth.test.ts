import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPOSITORY_ROOT, runSynth } from '../src';
import { fixtureConfigPath } from './synthesized';

function synth(env: NodeJS.ProcessEnv, outdir = mkdtempSync(join(tmpdir(), 'snaplake-synth-'))) {
  const out: string[] = [];
  const err: string[] = [];
  // CloudFormation's template validator (~4 s to start) is left to `npm run synth` itself.
  process.env.CDK_VALIDATION = 'false';
  const code = runSynth({ env, outdir, out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')) });
  return { code, out, err, outdir };
}

describe('npm run synth', () => {
  test('a config named relative to the repository root synthesizes, replaces stale assemblies and ends with the next steps', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'snaplake-synth-'));
    mkdirSync(join(outdir, 'assembly-Removed'));
    writeFileSync(join(outdir, 'assembly-Removed', 'stale.template.json'), '{}');
    const result = synth({ SNAPLAKE_CONFIG: relative(REPOSITORY_ROOT, fixtureConfigPath('minimal')) }, outdir);
    expect(result).toMatchObject({ code: 0, err: [] });
    expect(existsSync(join(outdir, 'assembly-Removed'))).toBe(false);
    expect(existsSync(join(outdir, 'assembly-Dev'))).toBe(true);
    expect(result.out[0]).toMatch(/^stage +stack +deploy selector +resources +nag findings$/);
    expect(result.out).toContainEqual(expect.stringMatching(/^Dev +snaplake-dev-storage +Dev\/Storage +\d+ +0$/));
    expect(result.out.at(-1)).toMatch(/npx cdk deploy --app .+ 'Dev\/\*'$/);
  });

  test.each([
    ['an unknown field', '{"project": "acme", "stages": [{"name": "prod", "account": "123456789012", "region": "eu-west-1", "exportRetentionDay": 9}]}',
      "stages[0].exportRetentionDay: unknown field; did you mean 'exportRetentionDays'?"],
    ['a region the CDK does not know', '{"project": "acme", "stages": [{"name": "prod", "account": "123456789012", "region": "eu-west-9"}]}',
      'stages[0].region: expected an AWS region such as eu-west-1, got "eu-west-9"'],
    ['a JSON syntax error', '{\n  "project": "acme",\n  "stages": [}\n}', ':3:14: invalid JSON:'],
  ])('%s fails with exit code 1 and one last line naming the file and the problem', (_case, text, problem) => {
    const file = join(mkdtempSync(join(tmpdir(), 'snaplake-synth-config-')), 'acme.config.json');
    writeFileSync(file, text);
    const result = synth({ SNAPLAKE_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/^synth failed: /);
    expect(result.err[0]).toContain(`${file}`);
    expect(result.err[0]).toContain(problem);
  });

  test('a query for a database the stage does not have fails synth, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaplake-synth-app-'));
    writeFileSync(join(dir, 'acme.config.json'), '{"project": "acme", "stages": [{"name": "prod", "account": "123456789012", "region": "eu-west-1"}]}');
    mkdirSync(join(dir, 'queries'));
    writeFileSync(join(dir, 'queries', 'orders.sql'), '-- name: orders\n-- schedule: rate(1 day)\n-- database: {project}_{stage}_orders_db_shop\nSELECT 1');
    const result = synth({ SNAPLAKE_CONFIG: join(dir, 'acme.config.json') });
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringMatching(/^synth failed: .*orders\.sql: database: 'acme_prod_orders_db_shop' is not exported in stage 'prod'/)]);
  });
});

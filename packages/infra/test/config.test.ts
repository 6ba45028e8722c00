import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ConfigError } from '@snaplake/core';
import { AWS_REGIONS } from '@snaplake/core/config';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { fixtureConfigPath } from './synthesized';
import { configPath, loadSnaplakeConfig, queriesDirectory, REPOSITORY_ROOT } from '../src/config';

const validConfig = { project: 'acme', stages: [{ name: 'prod', account: '123456789012', region: 'eu-west-1' }] };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'snaplake-config-'));
}

function configFile(content: string): string {
  const path = join(tempDir(), 'snaplake.config.json');
  writeFileSync(path, content);
  return path;
}

describe('which config synth reads', () => {
  test('a relative SNAPLAKE_CONFIG is read from the repository root, whatever the working folder', () => {
    expect(configPath({ SNAPLAKE_CONFIG: 'my.config.json' })).toBe(join(REPOSITORY_ROOT, 'my.config.json'));
    expect(configPath({ SNAPLAKE_CONFIG: 'config/prod.json' })).toBe(join(REPOSITORY_ROOT, 'config', 'prod.json'));
    expect(REPOSITORY_ROOT).toBe(join(__dirname, '..', '..', '..'));
  });

  test('an absolute SNAPLAKE_CONFIG is used as it is; none means the example next to the app', () => {
    expect(configPath({ SNAPLAKE_CONFIG: '/etc/snaplake.json' })).toBe('/etc/snaplake.json');
    const example = join('packages', 'infra', 'snaplake.config.json');
    expect(relative(REPOSITORY_ROOT, configPath({}))).toBe(example);
    expect(relative(REPOSITORY_ROOT, configPath({ SNAPLAKE_CONFIG: ' ' }))).toBe(example);
  });

  test('a config file loads with its stages', () => {
    expect(loadSnaplakeConfig(fixtureConfigPath('full')).stages.map((s) => s.name)).toEqual(['qa', 'live']);
  });
});

describe('loadSnaplakeConfig', () => {
  test('an invalid field fails with the file and the field named', () => {
    const path = configFile(JSON.stringify({ project: 'snaplake', stages: [{ name: 'dev', account: '1234', region: 'eu-west-1' }] }));
    expect(() => loadSnaplakeConfig(path)).toThrow(new ConfigError(`${path}: stages[0].account`, 'expected a 12-digit AWS account id (as a string), got "1234"'));
  });

  test('a misspelt field fails naming the closest known one', () => {
    const path = configFile(JSON.stringify({ ...validConfig, stages: [{ ...validConfig.stages[0], exportRetentionDay: 90 }] }));
    expect(() => loadSnaplakeConfig(path)).toThrow(`${path}: stages[0].exportRetentionDay: unknown field; did you mean 'exportRetentionDays'?`);
  });

  test('a JSON syntax error fails with the file, line and column', () => {
    const path = configFile('{\n  "project": "acme"\n  "stages": []\n}');
    expect(() => loadSnaplakeConfig(path)).toThrow(`${path}:3:3: invalid JSON:`);
  });

  test('a missing file says where relative paths start; a folder and an empty file say what they are', () => {
    const missing = join(REPOSITORY_ROOT, 'no-such.config.json');
    expect(() => loadSnaplakeConfig(missing)).toThrow(`no-such.config.json: no such file (SNAPLAKE_CONFIG is read relative to the repository root, ${REPOSITORY_ROOT})`);
    const dir = tempDir();
    expect(() => loadSnaplakeConfig(dir)).toThrow(`${dir}: is a folder; SNAPLAKE_CONFIG names the JSON file itself`);
    expect(() => loadSnaplakeConfig(configFile(''))).toThrow('the file is empty');
  });

  test('a file inside the repository is named relative to its root', () => {
    const path = join(REPOSITORY_ROOT, 'packages', 'infra', 'test', 'fixtures', 'no-such', 'snaplake.config.json');
    expect(() => loadSnaplakeConfig(path)).toThrow(new RegExp(`^${join('packages', 'infra', 'test', 'fixtures', 'no-such', 'snaplake.config.json')}: no such file`));
  });
});

describe('queriesDirectory', () => {
  test('the queries folder next to the config file, when there is one', () => {
    const withQueries = configFile('{}');
    const beside = join(dirname(withQueries), 'queries');
    mkdirSync(beside);
    expect(queriesDirectory(withQueries, {})).toBe(beside);
    expect(queriesDirectory(configFile('{}'), {})).toBeUndefined();
  });

  test('SNAPLAKE_QUERIES_DIR wins, read from the repository root; a missing folder fails naming the variable', () => {
    const fixtureQueries = join('packages', 'infra', 'test', 'fixtures', 'full', 'queries');
    expect(queriesDirectory(fixtureConfigPath('minimal'), { SNAPLAKE_QUERIES_DIR: fixtureQueries })).toBe(join(REPOSITORY_ROOT, fixtureQueries));
    expect(() => queriesDirectory(fixtureConfigPath('minimal'), { SNAPLAKE_QUERIES_DIR: 'nope' })).toThrow('SNAPLAKE_QUERIES_DIR=nope: nope is not a folder');
  });
});

test('the regions the config accepts are the CDK\'s own (after upgrading aws-cdk-lib, run `npx projen`)', () => {
  expect([...AWS_REGIONS].sort()).toEqual(RegionInfo.regions.map((r) => r.name).sort());
});

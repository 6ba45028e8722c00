import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@snaplake/core';
import { loadSnaplakeConfig } from '../src';
import { fixtureConfigPath } from './synthesized';

function configFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'snaplake-config-')), 'snaplake.config.json');
  writeFileSync(path, content);
  return path;
}

describe('loadSnaplakeConfig', () => {
  test('a config file loads with its stages', () => {
    expect(loadSnaplakeConfig(fixtureConfigPath('full')).stages.map((s) => s.name)).toEqual(['qa', 'live']);
  });

  test('an invalid field fails with the file and the field named', () => {
    const path = configFile(JSON.stringify({ project: 'snaplake', stages: [{ name: 'dev', account: '1234', region: 'eu-west-1' }] }));
    expect(() => loadSnaplakeConfig(path)).toThrow(new ConfigError(`${path}: stages[0].account`, 'expected a 12-digit AWS account id (as a string), got "1234"'));
  });

  test('a file that is not JSON fails with the file named', () => {
    const path = configFile('{ stages: ');
    expect(() => loadSnaplakeConfig(path)).toThrow(`${path}: cannot read the configuration as JSON`);
  });
});

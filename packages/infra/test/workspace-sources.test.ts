// infra's tests read the connector from its source (test/workspace-sources.ts): in Jest's workers through
// jest.config.json's moduleNameMapper, in the processes that synthesize the fixture apps through
// readWorkspaceSources. Both must agree, or the apps and the tests would read different connectors.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_SOURCES } from './workspace-sources';

const packageDir = join(__dirname, '..');

test('the Jest workers resolve each package read from source to its source entry point, which exists', () => {
  for (const [name, source] of Object.entries(WORKSPACE_SOURCES)) {
    expect(existsSync(source)).toBe(true);
    expect(require.resolve(name)).toBe(source);
  }
});

test('jest.config.json maps exactly the packages read from source, to the same files', () => {
  const { moduleNameMapper } = JSON.parse(readFileSync(join(packageDir, 'jest.config.json'), 'utf8'));
  const mapped = Object.entries<string>(moduleNameMapper).map(([pattern, target]) => [pattern.replace(/^\^(.*)\$$/, '$1'), join(packageDir, target.replace('<rootDir>', '.'))]);
  expect(Object.fromEntries(mapped)).toEqual(WORKSPACE_SOURCES);
});

test('a process that synthesizes fixture apps outside the workers resolves them to their sources too', () => {
  // As synthesize-fixtures.js starts: TypeScript compiled on require, then the mapping.
  const script = `
    const { readFileSync } = require('node:fs');
    const { transformSync } = require('@swc/core');
    require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'), { filename, module: { type: 'commonjs' }, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }).code, filename);
    require('./test/workspace-sources').readWorkspaceSources();
    console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(WORKSPACE_SOURCES))}.map((name) => [name, require.resolve(name)]))));`;
  const resolved = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: packageDir, encoding: 'utf8' }));
  expect(resolved).toEqual(WORKSPACE_SOURCES);
});

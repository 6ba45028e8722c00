// A user replaces the example config and queries with their own, and the deploy workflow runs these
// tests: so no test may depend on the example. Every test uses the fixture apps of test/fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadSnaplakeConfig } from '../src/config';

const EXAMPLE_REFERENCES = [
  /\bDEFAULT_CONFIG_PATH\b/,
  /\bDEFAULT_QUERIES_DIR\b/,
  /['"`]\.\.['"`],\s*['"`](snaplake\.config\.json|queries)['"`]/,
  /infra\/(snaplake\.config\.json|queries)\b/,
];

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' || entry.name === '__snapshots__' ? [] : testSources(path);
    return entry.name.endsWith('.ts') && path !== __filename ? [path] : [];
  });
}

test('no test names the example config or the example queries', () => {
  const found = testSources(__dirname).flatMap((file) => readFileSync(file, 'utf8').split('\n')
    .map((line, i) => ({ line, where: `${relative(__dirname, file)}:${i + 1}` }))
    .filter(({ line }) => EXAMPLE_REFERENCES.some((pattern) => pattern.test(line)))
    .map(({ where, line }) => `${where}: ${line.trim()}`));
  expect(found).toEqual([]);
});

test('code that falls back to the configured config file fails in the tests, instead of reading the example', () => {
  expect(() => loadSnaplakeConfig()).toThrow(/not-a-fixture/);
});

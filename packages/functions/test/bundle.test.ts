import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = join(__dirname, '..');
// A folder of its own (inside the package, so the bundles still find the SDK in node_modules):
// other packages' tests read dist/ while these run.
mkdirSync(join(packageDir, 'test-reports'), { recursive: true });
const distDir = mkdtempSync(join(packageDir, 'test-reports', 'bundles-'));
afterAll(() => rmSync(distDir, { recursive: true, force: true }));
const handlers = readdirSync(join(packageDir, 'src', 'handlers')).map((f) => f.replace(/\.ts$/, ''));

function digestOfBundles(): Record<string, string> {
  return Object.fromEntries(handlers.flatMap((handler) => ['index.js', 'index.js.map'].map((file) => [
    `${handler}/${file}`,
    createHash('sha256').update(readFileSync(join(distDir, handler, file))).digest('hex'),
  ])));
}

describe('handler bundles', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(packageDir, 'scripts', 'bundle.mjs'), distDir], { cwd: packageDir, stdio: 'pipe' });
  });

  test('every handler has a minified bundle with a source map', () => {
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) {
      const code = readFileSync(join(distDir, handler, 'index.js'), 'utf8');
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
      expect(code.split('\n').length).toBeLessThan(10);
      expect(existsSync(join(distDir, handler, 'index.js.map'))).toBe(true);
    }
  });

  test('bundling the same sources twice gives the same bytes', () => {
    const first = digestOfBundles();
    execFileSync(process.execPath, [join(packageDir, 'scripts', 'bundle.mjs'), distDir], { cwd: packageDir, stdio: 'pipe' });
    expect(digestOfBundles()).toEqual(first);
  });

  test('source maps name sources relative to the package, not this machine', () => {
    for (const handler of handlers) {
      const map = JSON.parse(readFileSync(join(distDir, handler, 'index.js.map'), 'utf8')) as { sources: string[] };
      expect(map.sources.some((s) => s.startsWith('/'))).toBe(false);
    }
  });

  test('the Glue handlers leave the Glue SDK (~100 ms to load) to their first invocation, out of the init phase', () => {
    for (const handler of ['register-catalog', 'start-crawler']) {
      const script = `require(${JSON.stringify(join(distDir, handler, 'index.js'))});
        process.stdout.write(String(Object.keys(require.cache).filter((f) => f.includes('@aws-sdk/client-')).length))`;
      expect({ handler, sdkModulesAtInit: execFileSync(process.execPath, ['-e', script], { cwd: packageDir }).toString().trim() }).toEqual({ handler, sdkModulesAtInit: '0' });
    }
  });

  test('no bundle carries the config validator (zod, about 550 KB): handlers import @snaplake/core, never @snaplake/core/config', () => {
    for (const handler of handlers) {
      const map = JSON.parse(readFileSync(join(distDir, handler, 'index.js.map'), 'utf8')) as { sources: string[] };
      expect({ handler, validator: map.sources.filter((s) => /node_modules\/zod\/|core\/(src|lib)\/config\//.test(s)) }).toEqual({ handler, validator: [] });
    }
  });

  test('each bundle exports a handler function', () => {
    for (const handler of handlers) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(join(distDir, handler, 'index.js')) as { handler?: unknown };
      expect(typeof loaded.handler).toBe('function');
    }
  });
});

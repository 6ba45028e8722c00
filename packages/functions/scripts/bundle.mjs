// Bundles every handler in src/handlers/<name>.ts into dist/<name>/index.js: minified, with a linked
// source map, and deterministic (no timestamps, paths relative to this package) so that unchanged
// sources give byte-identical assets and `cdk diff` stays quiet.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const handlersDir = join(packageDir, 'src', 'handlers');
// The output folder may be given (tests bundle into a temporary one, never touching dist/ while other packages read it).
const distDir = process.argv[2] ? resolve(process.argv[2]) : join(packageDir, 'dist');

const handlers = readdirSync(handlersDir).filter((file) => file.endsWith('.ts')).map((file) => basename(file, '.ts')).sort();
rmSync(distDir, { recursive: true, force: true });

for (const handler of handlers) {
  await build({
    absWorkingDir: packageDir,
    entryPoints: [join('src', 'handlers', `${handler}.ts`)],
    outfile: join(relative(packageDir, distDir), handler, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    // Lambda's Node.js 20+ runtimes ship AWS SDK v3: bundling it would triple each bundle and its cold start.
    external: ['@aws-sdk/*'],
  });
  const size = statSync(join(distDir, handler, 'index.js')).size;
  console.log(`${handler}: ${(size / 1024).toFixed(1)} KB`);
}

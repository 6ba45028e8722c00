// Synthesizes the fixture apps named on the command line into the test run's folder (the folder is in
// the environment, as in a Jest worker). global-setup.ts runs this beside its own share of the apps, so
// that both cores synthesize at once. Jest's transform does not reach this process: TypeScript files
// are compiled on require with swc, as @swc/jest does in the workers.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  });
  module._compile(code, filename);
};

require('./workspace-sources').readWorkspaceSources();
const { synthesized } = require('./synthesized');
for (const name of process.argv.slice(2)) {
  try {
    synthesized(name);
  } catch {
    // Recorded with the app: the tests that read it report the error.
  }
}

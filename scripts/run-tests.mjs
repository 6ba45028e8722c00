// `npm test`: every package's tests through Nx, then one line that sums them: `N passed, N failed`.
// Each package's Jest run leaves test-reports/jest-results.json (restored by Nx on a cache hit).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = new URL('../packages/', import.meta.url).pathname;
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));
const reportOf = (name) => join(packagesDir, name, 'test-reports', 'jest-results.json');

for (const name of packages) rmSync(reportOf(name), { force: true });

// The packages' tests silence the AWS SDK's per-file Node version warning; say it once here instead.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  console.log(`note: Node ${process.versions.node}: the tests run, but AWS SDK releases after January 2027 and aws-local-stepfunctions `
    + 'need Node 22 or later; CI and the Lambda functions use Node 24 (.nvmrc)');
}

const extraArgs = process.argv.slice(2);
const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'test', '--outputStyle=static', ...extraArgs], {
  stdio: 'inherit',
  env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...process.env },
});

let passed = 0;
let failed = 0;
const missing = [];
for (const name of packages) {
  if (!existsSync(reportOf(name))) {
    missing.push(name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportOf(name), 'utf8'));
  passed += report.numPassedTests;
  // A suite that could not run (syntax error, failed import) has no failed test but is a failure.
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
}
if (missing.length > 0 && extraArgs.length === 0) {
  console.log(`no test report from: ${missing.join(', ')} (their tests did not run)`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(nx.status !== 0 || failed > 0 ? 1 : 0);

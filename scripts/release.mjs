// Releases the packages that changed, in the order given, at the deployed commit:
//   node scripts/release.mjs core connector functions infra [--publish core,connector]
// Needs GH_TOKEN (contents: write) and GITHUB_REPOSITORY; RELEASE_SHA (default HEAD); NODE_AUTH_TOKEN
// or npm trusted publishing for --publish. Safe to re-run: see scripts/release-run.js.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { parseReleaseArgs, releasePackage } = require('./release-run.js');

let names;
let published;
try {
  ({ names, publish: published } = parseReleaseArgs(process.argv.slice(2)));
} catch (error) {
  console.error(`release: ${error.message}`);
  process.exit(2);
}
const root = new URL('..', import.meta.url).pathname;
const unknown = names.filter((n) => !existsSync(join(root, 'packages', n, 'package.json')));
const repo = process.env.GITHUB_REPOSITORY;
if (names.length === 0 || unknown.length > 0 || !repo) {
  console.error(`usage: GITHUB_REPOSITORY=owner/repo node scripts/release.mjs <package>... [--publish a,b]${unknown.length > 0 ? ` (no package ${unknown.join(', ')})` : ''}`);
  process.exit(2);
}

const run = (command) => (argv, cwd = root) => {
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
};
const io = {
  git: (argv) => execFileSync('git', argv, { cwd: root, encoding: 'utf8' }).trim(),
  gh: run('gh'),
  npm: (argv, cwd) => run('npm')(argv, cwd),
};
const sha = process.env.RELEASE_SHA || io.git(['rev-parse', 'HEAD']);
try {
  for (const name of names) {
    releasePackage(name, {
      root, repo, sha, branch: 'main', publish: published.includes(name), date: new Date().toISOString().slice(0, 10), io, log: console.log,
    });
  }
} catch (error) {
  // The steps done so far stay done: re-running the release continues from here.
  console.error(`release failed: ${error.message}`);
  process.exit(1);
}

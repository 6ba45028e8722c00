// Releases one package when conventional commits touched it since its last tag:
//   node scripts/release.mjs <core|functions|connector|infra> [--publish]
// Writes its CHANGELOG.md, sets its version and the ranges of sibling @snaplake packages to their
// released versions (in the working tree only: package.json keeps 0.0.0 in git), publishes to npm
// when asked, and pushes the tag <package>@vX.Y.Z. A package nothing touched is skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { changelogSection, lastReleasedVersion, nextVersion } = require('./release-plan.js');

const [name, ...flags] = process.argv.slice(2);
const root = new URL('..', import.meta.url).pathname;
const packageDir = join(root, 'packages', name ?? '');
if (!name || !existsSync(join(packageDir, 'package.json'))) {
  console.error('usage: node scripts/release.mjs <core|functions|connector|infra> [--publish]');
  process.exit(2);
}
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

const tags = git('tag', '--list').split('\n').filter(Boolean);
const last = lastReleasedVersion(name, tags);
const range = last ? [`${name}@v${last}..HEAD`] : [];
const log = git('log', ...range, '--format=%H%x1f%s%x1f%b%x1e', '--', `packages/${name}`);
const commits = log.split('\x1e').map((e) => e.trim()).filter(Boolean).map((e) => {
  const [hash, subject, body] = e.split('\x1f');
  return { hash, subject, body };
});
const version = nextVersion(last, commits);
if (!version) {
  console.log(`${name}: nothing to release since ${last ? `v${last}` : 'the start'}`);
  process.exit(0);
}

const manifestPath = join(packageDir, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.version = version;
for (const field of ['dependencies', 'peerDependencies']) {
  for (const dep of Object.keys(manifest[field] ?? {}).filter((d) => d.startsWith('@snaplake/'))) {
    const sibling = dep.slice('@snaplake/'.length);
    const released = lastReleasedVersion(sibling, tags);
    if (!released) throw new Error(`${name} depends on ${dep}, which has never been released: release ${sibling} first`);
    manifest[field][dep] = `^${released}`;
  }
}
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

const changelogPath = join(packageDir, 'CHANGELOG.md');
const previous = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
writeFileSync(changelogPath, `${changelogSection(version, commits, new Date().toISOString().slice(0, 10))}\n${previous}`);

if (flags.includes('--publish')) {
  execFileSync('npm', ['publish', '--access', 'public'], { cwd: packageDir, stdio: 'inherit' });
}
const tag = `${name}@v${version}`;
git('tag', '-a', tag, '-m', `${manifest.name} ${version}`);
git('push', 'origin', tag);
console.log(`${name}: released ${tag}`);

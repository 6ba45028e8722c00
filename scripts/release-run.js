// Releases one package at the deployed commit. Each step first checks whether an earlier run did it:
// tag, npm package (when asked), GitHub Release, CHANGELOG.md commit. So a release that failed midway is
// finished by re-running it. Effects go through `io` (git, gh, npm), which the tests replace.
'use strict';

const { readFileSync, writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { changelogSection, lastReleasedVersion, nextVersion, planRelease } = require('./release-plan.js');

/**
 * @typedef {{ status: number, stdout: string, stderr?: string }} Result
 * @typedef {{ git: (args: string[]) => string, gh: (args: string[]) => Result, npm: (args: string[], cwd: string) => Result }} ReleaseIo
 * @typedef {{ root: string, repo: string, sha: string, branch: string, publish: boolean, date: string, io: ReleaseIo, log: (line: string) => void }} ReleaseContext
 */

/**
 * @param {string} name package folder under packages/ (`core`)
 * @param {ReleaseContext} ctx
 * @returns {{ tag?: string, version?: string, steps: string[] }} what this run did
 */
function releasePackage(name, ctx) {
  const { io, sha, repo } = ctx;
  const tags = io.git(['tag', '--list']).split('\n').filter(Boolean);
  const tagsAtCommit = io.git(['tag', '--points-at', sha]).split('\n').filter(Boolean);
  const plan = planRelease(name, { tags, tagsAtCommit });
  const log = io.git(['log', ...(plan.since ? [`${plan.since}..${sha}`] : [sha]), '--format=%H%x1f%s%x1f%b%x1e', '--', `packages/${name}`]);
  const commits = log.split('\x1e').map((e) => e.trim()).filter(Boolean).map((e) => {
    const [hash, subject, body] = e.split('\x1f');
    return { hash, subject, body };
  });
  const version = plan.version ?? nextVersion(plan.since?.split('@v')[1], commits);
  if (!version) {
    ctx.log(`${name}: nothing to release since ${plan.since ?? 'the start'}`);
    return { steps: [] };
  }
  const tag = `${name}@v${version}`;
  const steps = [];
  const manifestPath = join(ctx.root, 'packages', name, 'package.json');
  const packageName = JSON.parse(readFileSync(manifestPath, 'utf8')).name;

  // 1. The tag, first: it records the version, so a re-run resumes this release instead of computing another.
  if (!plan.resume) {
    const created = io.gh(['api', `repos/${repo}/git/refs`, '-f', `ref=refs/tags/${tag}`, '-f', `sha=${sha}`]);
    if (created.status !== 0) {
      const existing = io.gh(['api', `repos/${repo}/git/ref/tags/${tag}`, '--jq', '.object.sha']);
      if (existing.stdout.trim() !== sha) throw new Error(`${tag} exists on another commit (${existing.stdout.trim() || created.stderr}): not released`);
    }
    io.git(['tag', tag, sha]);
    steps.push('tag');
  }
  const notes = changelogSection(name, version, commits, ctx.date);

  // 2. npm, when asked: the version and sibling ranges are set in the working tree only (package.json keeps 0.0.0).
  if (ctx.publish) {
    const published = io.npm(['view', `${packageName}@${version}`, 'version'], ctx.root);
    if (published.status === 0 && published.stdout.trim() === version) {
      ctx.log(`${name}: ${packageName}@${version} is on npm already`);
    } else {
      setReleaseVersions(manifestPath, version, io.git(['tag', '--list']).split('\n').filter(Boolean));
      const result = io.npm(['publish', '--access', 'public', '--provenance'], join(ctx.root, 'packages', name));
      if (result.status !== 0) throw new Error(`${name}: npm publish failed: ${result.stderr ?? ''}`);
      steps.push('publish');
    }
  }

  // 3. The GitHub Release, with this version's changelog as its notes.
  if (io.gh(['release', 'view', tag, '--repo', repo]).status !== 0) {
    const notesFile = join(mkdtempSync(join(tmpdir(), 'release-notes-')), 'notes.md');
    writeFileSync(notesFile, notes);
    const result = io.gh(['release', 'create', tag, '--repo', repo, '--title', `${packageName} ${version}`, '--notes-file', notesFile, '--verify-tag']);
    if (result.status !== 0) throw new Error(`${name}: creating the GitHub Release ${tag} failed: ${result.stderr ?? ''}`);
    steps.push('github-release');
  }

  // 4. CHANGELOG.md on the branch, through the contents API (the checkout holds no token, and the branch may have moved on).
  const path = `packages/${name}/CHANGELOG.md`;
  const current = io.gh(['api', `repos/${repo}/contents/${path}?ref=${ctx.branch}`]);
  const file = current.status === 0 ? JSON.parse(current.stdout) : undefined;
  const text = file ? Buffer.from(file.content, 'base64').toString('utf8') : '';
  if (!text.includes(`## ${version} (`)) {
    const content = Buffer.from(`${notes}\n${text}`).toString('base64');
    const result = io.gh(['api', '-X', 'PUT', `repos/${repo}/contents/${path}`, '-f', `message=chore(${name}): changelog of ${version}`,
      '-f', `content=${content}`, '-f', `branch=${ctx.branch}`, ...(file ? ['-f', `sha=${file.sha}`] : [])]);
    if (result.status !== 0) throw new Error(`${name}: committing ${path} failed: ${result.stderr ?? ''}`);
    steps.push('changelog');
  }
  ctx.log(`${name}: ${tag} ${steps.length > 0 ? `(${steps.join(', ')})` : 'was released already'}`);
  return { tag, version, steps };
}

/**
 * `core connector --publish core,connector` -> the packages in order, and those to publish.
 * @param {string[]} args
 */
function parseReleaseArgs(args) {
  const at = args.indexOf('--publish');
  const publish = at >= 0 ? (args[at + 1] ?? '').split(',').filter(Boolean) : [];
  const names = args.filter((arg, i) => arg !== '--publish' && (at < 0 || i !== at + 1));
  const unlisted = publish.filter((name) => !names.includes(name));
  if (unlisted.length > 0) throw new Error(`--publish names ${unlisted.join(', ')}, which is not released`);
  return { names, publish };
}

/** Sets the package's version and its @snaplake dependencies' ranges to their released versions. */
function setReleaseVersions(manifestPath, version, tags) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.version = version;
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const dep of Object.keys(manifest[field] ?? {}).filter((d) => d.startsWith('@snaplake/'))) {
      const sibling = dep.slice('@snaplake/'.length);
      const released = lastReleasedVersion(sibling, tags);
      if (!released) throw new Error(`${manifest.name} depends on ${dep}, which has never been released: release ${sibling} first`);
      manifest[field][dep] = `^${released}`;
    }
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

module.exports = { releasePackage, parseReleaseArgs };

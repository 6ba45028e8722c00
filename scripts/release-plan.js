// Per-package releases from conventional commits: which version comes next, and its changelog.
'use strict';

const TYPE = /^(\w+)(\([^)]*\))?(!)?:\s*(.+)$/;

/**
 * @param {{ subject: string, body?: string }[]} commits commits touching the package since its last release
 * @returns {'major' | 'minor' | 'patch' | undefined}
 */
function releaseType(commits) {
  let type;
  for (const commit of commits) {
    const match = TYPE.exec(commit.subject);
    if (!match) continue;
    const [, kind, , bang] = match;
    if (bang || /^BREAKING[ -]CHANGE:/m.test(commit.body ?? '')) return 'major';
    if (kind === 'feat') type = 'minor';
    else if ((kind === 'fix' || kind === 'perf') && type === undefined) type = 'patch';
  }
  return type;
}

/**
 * The next version of a package, or undefined when nothing releasable touched it. A first release
 * is 0.1.0; while the major version is 0, a breaking change bumps the minor version.
 * @param {string | undefined} last last released version, such as '0.3.1'
 * @param {{ subject: string, body?: string }[]} commits
 */
function nextVersion(last, commits) {
  const type = releaseType(commits);
  if (!type) return undefined;
  if (!last) return '0.1.0';
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(last);
  if (!parts) throw new Error(`last version '${last}' is not X.Y.Z`);
  const [major, minor, patch] = parts.slice(1).map(Number);
  if (type === 'major') return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/**
 * The newest version among tags named `<package>@vX.Y.Z`.
 * @param {string} name
 * @param {string[]} tags
 */
function lastReleasedVersion(name, tags) {
  const versions = tags
    .map((t) => new RegExp(`^${name.replace(/[^a-z0-9-]/g, '')}@v(\\d+)\\.(\\d+)\\.(\\d+)$`).exec(t))
    .filter(Boolean)
    .map((m) => m.slice(1).map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const newest = versions.at(-1);
  return newest ? newest.join('.') : undefined;
}

/**
 * @param {string} version
 * @param {{ subject: string, hash?: string }[]} commits
 * @param {string} date YYYY-MM-DD
 */
function changelogSection(version, commits, date) {
  const groups = { feat: 'Features', fix: 'Bug fixes', perf: 'Performance' };
  const lines = [`## ${version} (${date})`, ''];
  for (const [kind, title] of Object.entries(groups)) {
    const entries = commits.map((c) => ({ c, m: TYPE.exec(c.subject) })).filter(({ m }) => m && m[1] === kind);
    if (entries.length === 0) continue;
    lines.push(`### ${title}`, '', ...entries.map(({ c, m }) => `- ${m[4]}${c.hash ? ` (${c.hash.slice(0, 7)})` : ''}`), '');
  }
  return lines.join('\n');
}

module.exports = { releaseType, nextVersion, lastReleasedVersion, changelogSection };

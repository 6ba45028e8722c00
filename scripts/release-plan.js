// Per-package releases from conventional commits: which version comes next, and its changelog.
'use strict';

const TYPE = /^(\w+)(?:\(([^)]*)\))?(!)?:\s*(.+)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE:\s*(.+)$/m;

/** @param {{ subject: string, body?: string }} commit */
function isBreaking(commit) {
  const match = TYPE.exec(commit.subject);
  return Boolean(match && (match[3] || BREAKING_FOOTER.test(commit.body ?? '')));
}

/**
 * @param {{ subject: string, body?: string }[]} commits commits touching the package since its last release
 * @returns {'major' | 'minor' | 'patch' | undefined}
 */
function releaseType(commits) {
  let type;
  for (const commit of commits) {
    const match = TYPE.exec(commit.subject);
    if (!match) continue;
    if (isBreaking(commit)) return 'major';
    const kind = match[1];
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

const tagPattern = (name) => new RegExp(`^${name.replace(/[^a-z0-9-]/g, '')}@v(\\d+)\\.(\\d+)\\.(\\d+)$`);

/**
 * The newest version among tags named `<package>@vX.Y.Z`.
 * @param {string} name
 * @param {string[]} tags
 */
function lastReleasedVersion(name, tags) {
  const versions = tags
    .map((t) => tagPattern(name).exec(t))
    .filter(Boolean)
    .map((m) => m.slice(1).map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const newest = versions.at(-1);
  return newest ? newest.join('.') : undefined;
}

/**
 * What to release for one package at the release commit. A tag of the package that already points at
 * the commit means an earlier run got that far: that release is resumed (same version, its commits
 * counted from the tag before it), so a re-run never computes a second version.
 * @param {string} name
 * @param {{ tags: string[], tagsAtCommit: string[] }} state all tags, and the tags on the release commit
 * @returns {{ resume: boolean, version?: string, since?: string }} `since`: the previous tag, if any
 */
function planRelease(name, { tags, tagsAtCommit }) {
  const atCommit = lastReleasedVersion(name, tagsAtCommit);
  if (atCommit) {
    const previous = lastReleasedVersion(name, tags.filter((t) => t !== `${name}@v${atCommit}` && !tagsAtCommit.includes(t)));
    return { resume: true, version: atCommit, since: previous && `${name}@v${previous}` };
  }
  const last = lastReleasedVersion(name, tags);
  return { resume: false, since: last && `${name}@v${last}` };
}

/**
 * @param {string} name the package (`core`): its own scope is left out of the entries, others are shown
 * @param {string} version
 * @param {{ subject: string, body?: string, hash?: string }[]} commits
 * @param {string} date YYYY-MM-DD
 */
function changelogSection(name, version, commits, date) {
  const entry = (commit, text) => {
    const scope = TYPE.exec(commit.subject)?.[2];
    const shownScope = scope && scope !== name ? `**${scope}:** ` : '';
    return `- ${shownScope}${text}${commit.hash ? ` (${commit.hash.slice(0, 7)})` : ''}`;
  };
  const lines = [`## ${version} (${date})`, ''];
  const breaking = commits.filter(isBreaking);
  if (breaking.length > 0) {
    lines.push('### Breaking changes', '', ...breaking.map((c) => entry(c, BREAKING_FOOTER.exec(c.body ?? '')?.[1] ?? TYPE.exec(c.subject)[4])), '');
  }
  const groups = { feat: 'Features', fix: 'Bug fixes', perf: 'Performance' };
  for (const [kind, title] of Object.entries(groups)) {
    const entries = commits.map((c) => ({ c, m: TYPE.exec(c.subject) })).filter(({ m }) => m && m[1] === kind);
    if (entries.length === 0) continue;
    lines.push(`### ${title}`, '', ...entries.map(({ c, m }) => entry(c, m[4])), '');
  }
  return lines.join('\n');
}

module.exports = { releaseType, nextVersion, lastReleasedVersion, planRelease, changelogSection, isBreaking };

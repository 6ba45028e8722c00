// Per-package releases: the plan from conventional commits, and a release run against a real git
// repository with GitHub and npm replaced by in-memory fakes (a re-run must finish a failed release).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changelogSection, lastReleasedVersion, nextVersion, planRelease, releaseType } from '../../../../scripts/release-plan';
import { parseReleaseArgs, releasePackage } from '../../../../scripts/release-run';

describe('per-package release plan', () => {
  const commit = (subject: string, body = '') => ({ subject, body });

  test('features bump the minor version, fixes the patch, breaking changes the major', () => {
    expect(nextVersion('1.2.3', [commit('fix(core): x'), commit('feat(core): y')])).toBe('1.3.0');
    expect(nextVersion('1.2.3', [commit('fix(core): x')])).toBe('1.2.4');
    expect(nextVersion('1.2.3', [commit('feat(core)!: drop x')])).toBe('2.0.0');
    expect(nextVersion('1.2.3', [commit('refactor(core): y', 'BREAKING CHANGE: z')])).toBe('2.0.0');
    expect(nextVersion('0.4.1', [commit('feat(core)!: drop x')])).toBe('0.5.0');
  });

  test('a package no releasable commit touched is not released; the first release is 0.1.0', () => {
    expect(nextVersion('1.2.3', [commit('docs(core): y'), commit('chore: z'), commit('not conventional')])).toBeUndefined();
    expect(releaseType([])).toBeUndefined();
    expect(nextVersion(undefined, [commit('fix(connector): x')])).toBe('0.1.0');
  });

  test('the last release is read from tags <package>@vX.Y.Z, other packages\' tags ignored', () => {
    expect(lastReleasedVersion('core', ['core@v0.9.0', 'core@v0.10.0', 'connector@v3.0.0', 'core@v0.2.0', 'v1.0.0'])).toBe('0.10.0');
    expect(lastReleasedVersion('infra', ['core@v0.9.0'])).toBeUndefined();
  });

  test('a tag already on the release commit resumes that release instead of computing another', () => {
    expect(planRelease('core', { tags: ['core@v0.1.0', 'core@v0.2.0'], tagsAtCommit: ['core@v0.2.0'] })).toEqual({ resume: true, version: '0.2.0', since: 'core@v0.1.0' });
    expect(planRelease('core', { tags: ['core@v0.1.0'], tagsAtCommit: ['connector@v0.3.0'] })).toEqual({ resume: false, since: 'core@v0.1.0' });
  });

  test('the changelog lists breaking changes first, then features and fixes; other packages\' scopes are shown', () => {
    const commits = [
      { subject: 'feat(core)!: parse events by id', hash: 'aaaaaaa111', body: '' },
      { subject: 'fix(infra): ids in alarms', hash: 'bbbbbbb222', body: 'BREAKING CHANGE: alarm names changed' },
      { subject: 'fix(core): ids', hash: 'ccccccc333' },
      { subject: 'docs: x' },
    ];
    expect(changelogSection('core', '0.2.0', commits, '2026-11-21')).toBe([
      '## 0.2.0 (2026-11-21)', '',
      '### Breaking changes', '', '- parse events by id (aaaaaaa)', '- **infra:** alarm names changed (bbbbbbb)', '',
      '### Features', '', '- parse events by id (aaaaaaa)', '',
      '### Bug fixes', '', '- **infra:** ids in alarms (bbbbbbb)', '- ids (ccccccc)', '',
    ].join('\n'));
  });
});

describe('the release command line', () => {
  test('releases the packages in the order given, and publishes those after --publish', () => {
    expect(parseReleaseArgs(['core', 'connector', 'functions', 'infra'])).toEqual({ names: ['core', 'connector', 'functions', 'infra'], publish: [] });
    expect(parseReleaseArgs(['core', 'connector', 'infra', '--publish', 'core,connector'])).toEqual({ names: ['core', 'connector', 'infra'], publish: ['core', 'connector'] });
    expect(() => parseReleaseArgs(['core', '--publish', 'connector'])).toThrow('--publish names connector, which is not released');
  });
});

describe('a release run', () => {
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commitFile = (path: string, subject: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), `${subject}\n`);
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', subject);
    return git('rev-parse', 'HEAD');
  };
  const manifest = (name: string, deps: Record<string, string> = {}) =>
    writeFileSync(join(root, 'packages', name, 'package.json'), JSON.stringify({ name: `@snaplake/${name}`, version: '0.0.0', dependencies: deps }));

  /** GitHub (refs, releases, contents) and npm in memory; `failNext` makes the next call of a kind fail once. */
  function fakes() {
    const state = {
      refs: new Map<string, string>(),
      releases: new Set<string>(),
      files: new Map<string, { text: string; sha: string }>(),
      published: [] as string[],
      calls: [] as string[],
    };
    const failNext = new Set<string>();
    const fail = (kind: string) => failNext.delete(kind) && { status: 1, stdout: '', stderr: `${kind} failed` };
    const gh = (args: string[]) => {
      state.calls.push(args.slice(0, 2).join(' '));
      const field = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
      if (args[0] === 'api' && args[1]!.endsWith('/git/refs')) {
        const tag = field('ref')!.replace('refs/tags/', '');
        if (state.refs.has(tag)) return { status: 1, stdout: '', stderr: 'Reference already exists' };
        state.refs.set(tag, field('sha')!);
        return { status: 0, stdout: '{}' };
      }
      if (args[0] === 'api' && args[1]!.includes('/git/ref/tags/')) return { status: 0, stdout: state.refs.get(args[1]!.split('/git/ref/tags/')[1]!) ?? '' };
      if (args[0] === 'release' && args[1] === 'view') return { status: state.releases.has(args[2]!) ? 0 : 1, stdout: '' };
      if (args[0] === 'release' && args[1] === 'create') return fail('release') || (state.releases.add(args[2]!), { status: 0, stdout: '' });
      if (args[0] === 'api' && args[1] === '-X') {
        const path = args[3]!.split('/contents/')[1]!;
        state.files.set(path, { text: Buffer.from(field('content')!, 'base64').toString('utf8'), sha: `sha-${state.files.size}` });
        return { status: 0, stdout: '{}' };
      }
      if (args[0] === 'api' && args[1]!.includes('/contents/')) {
        const file = state.files.get(args[1]!.split('/contents/')[1]!.split('?')[0]!);
        return file ? { status: 0, stdout: JSON.stringify({ content: Buffer.from(file.text).toString('base64'), sha: file.sha }) } : { status: 1, stdout: '' };
      }
      throw new Error(`unexpected gh ${args.join(' ')}`);
    };
    const npm = (args: string[], cwd: string) => {
      if (args[0] === 'view') return state.published.includes(args[1]!) ? { status: 0, stdout: `${args[1]!.split('@').at(-1)}\n` } : { status: 1, stdout: '' };
      const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
      return fail('publish') || (state.published.push(`${pkg.name}@${pkg.version}`), { status: 0, stdout: '' });
    };
    return { state, failNext, io: { git: (args: string[]) => git(...args), gh, npm } };
  }
  const run = (name: string, sha: string, f: ReturnType<typeof fakes>, publish = true) =>
    releasePackage(name, { root, repo: 'acme/lake', sha, branch: 'main', publish, date: '2026-11-22', io: f.io, log: () => undefined });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'snaplake-release-'));
    git('init', '-q');
    mkdirSync(join(root, 'packages', 'core'), { recursive: true });
    mkdirSync(join(root, 'packages', 'connector'), { recursive: true });
    manifest('core');
    manifest('connector', { '@snaplake/core': '^0.0.0' });
    commitFile('README.md', 'chore: packages');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('tags, publishes, creates the GitHub Release and commits the changelog; the sibling range is the released version', () => {
    commitFile('packages/core/src/a.ts', 'feat(core): first');
    const sha = commitFile('packages/connector/src/b.ts', 'fix(connector): second');
    const f = fakes();
    expect(run('core', sha, f)).toEqual({ tag: 'core@v0.1.0', version: '0.1.0', steps: ['tag', 'publish', 'github-release', 'changelog'] });
    expect(run('connector', sha, f).steps).toEqual(['tag', 'publish', 'github-release', 'changelog']);
    expect(f.state.refs).toEqual(new Map([['core@v0.1.0', sha], ['connector@v0.1.0', sha]]));
    expect(f.state.published).toEqual(['@snaplake/core@0.1.0', '@snaplake/connector@0.1.0']);
    expect(JSON.parse(readFileSync(join(root, 'packages/connector/package.json'), 'utf8')).dependencies).toEqual({ '@snaplake/core': '^0.1.0' });
    expect(f.state.files.get('packages/core/CHANGELOG.md')!.text).toContain('## 0.1.0 (2026-11-22)\n\n### Features\n\n- first');
    // The tag is created before anything is published.
    expect(f.state.calls.indexOf('api repos/acme/lake/git/refs')).toBe(0);
  });

  test('a re-run after a failed publish resumes the same version and finishes it, without a second tag', () => {
    const sha = commitFile('packages/core/src/a.ts', 'feat(core): first');
    const f = fakes();
    f.failNext.add('publish');
    expect(() => run('core', sha, f)).toThrow('core: npm publish failed: publish failed');
    expect(run('core', sha, f)).toEqual({ tag: 'core@v0.1.0', version: '0.1.0', steps: ['publish', 'github-release', 'changelog'] });
    expect(f.state.published).toEqual(['@snaplake/core@0.1.0']);
    // A third run finds everything done.
    expect(run('core', sha, f).steps).toEqual([]);
    expect(f.state.files.get('packages/core/CHANGELOG.md')!.text.match(/## 0\.1\.0/g)).toHaveLength(1);
  });

  test('a re-run after a failed GitHub Release does not publish again', () => {
    const sha = commitFile('packages/core/src/a.ts', 'fix(core): first');
    const f = fakes();
    f.failNext.add('release');
    expect(() => run('core', sha, f)).toThrow('creating the GitHub Release core@v0.1.0 failed');
    expect(run('core', sha, f).steps).toEqual(['github-release', 'changelog']);
    expect(f.state.published).toEqual(['@snaplake/core@0.1.0']);
  });

  test('without publishing, nothing goes to npm; an untouched package is skipped; a later release counts from the last tag', () => {
    const first = commitFile('packages/core/src/a.ts', 'feat(core): first');
    const f = fakes();
    expect(run('core', first, f, false).steps).toEqual(['tag', 'github-release', 'changelog']);
    expect(run('connector', first, f, false)).toEqual({ steps: [] });
    const second = commitFile('packages/core/src/a.ts', 'fix(core): second');
    expect(run('core', second, f, false).version).toBe('0.1.1');
    expect(f.state.published).toEqual([]);
    expect(f.state.files.get('packages/core/CHANGELOG.md')!.text).toMatch(/^## 0\.1\.1 \(2026-11-22\)\n\n### Bug fixes\n\n- second \(\w{7}\)\n\n## 0\.1\.0/);
  });

  test('a tag of the same version on another commit stops the release', () => {
    const sha = commitFile('packages/core/src/a.ts', 'feat(core): first');
    const f = fakes();
    f.state.refs.set('core@v0.1.0', 'f'.repeat(40));
    expect(() => run('core', sha, f)).toThrow(`core@v0.1.0 exists on another commit (${'f'.repeat(40)}): not released`);
  });
});

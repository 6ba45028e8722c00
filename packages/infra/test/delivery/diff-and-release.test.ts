// eslint-disable-next-line @typescript-eslint/no-require-imports
const { diffComment, summarizeDiff } = require('../../../../scripts/diff-comment.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { changelogSection, lastReleasedVersion, nextVersion, releaseType } = require('../../../../scripts/release-plan.js');

const diff = [
  'Stack Prod/Storage (snaplake-prod-storage)',
  'Resources',
  '[+] AWS::SQS::Queue Workflow/DeadLetters DeadLetters1234',
  '[-] AWS::S3::Bucket OldBucket OldBucket5678 destroy',
  '[~] AWS::IAM::Role ExportRole ExportRoleABCD',
  ' └─ [~] RoleName (requires replacement)',
  '[~] AWS::Lambda::Function StartExport StartExportEF01',
  ' └─ [~] MemorySize',
].join('\n');

describe('pull-request diff comment', () => {
  test('counts changes and flags replacements and deletions', () => {
    expect(summarizeDiff(diff)).toEqual({
      added: 1,
      changed: 2,
      removed: ['AWS::S3::Bucket OldBucket OldBucket5678 destroy'],
      replaced: ['AWS::IAM::Role ExportRole ExportRoleABCD'],
    });
    const comment = diffComment('prod', diff);
    expect(comment.startsWith('<!-- snaplake-diff:prod -->\n### cdk diff: prod')).toBe(true);
    expect(comment).toContain('**:warning: 2 destructive change(s) in prod: review before merging.**');
    expect(comment).toContain('- replaced: `AWS::IAM::Role ExportRole ExportRoleABCD`');
  });

  test('a diff without changes says so and flags nothing', () => {
    const comment = diffComment('dev', 'Stack Dev/Storage (snaplake-dev-storage)\nThere were no differences\n');
    expect(comment).toContain('No resource changes.');
    expect(comment).not.toContain('destructive');
  });

  test('a huge diff is cut to fit in a comment', () => {
    expect(diffComment('dev', 'x'.repeat(70_000)).length).toBeLessThan(65_536);
  });
});

describe('per-package release plan', () => {
  const commit = (subject: string, body = '') => ({ subject, body });

  test('features bump the minor version, fixes the patch, breaking changes the major', () => {
    expect(nextVersion('1.2.3', [commit('fix(core): x'), commit('feat(core): y')])).toBe('1.3.0');
    expect(nextVersion('1.2.3', [commit('fix(core): x')])).toBe('1.2.4');
    expect(nextVersion('1.2.3', [commit('feat(core)!: drop x')])).toBe('2.0.0');
    expect(nextVersion('1.2.3', [commit('refactor(core): y', 'BREAKING CHANGE: z')])).toBe('2.0.0');
    expect(nextVersion('0.4.1', [commit('feat(core)!: drop x')])).toBe('0.5.0');
  });

  test('a package no releasable commit touched is not released', () => {
    expect(nextVersion('1.2.3', [commit('docs(core): y'), commit('chore: z'), commit('not conventional')])).toBeUndefined();
    expect(releaseType([])).toBeUndefined();
  });

  test('the first release is 0.1.0', () => {
    expect(nextVersion(undefined, [commit('fix(connector): x')])).toBe('0.1.0');
  });

  test('the last release is read from tags <package>@vX.Y.Z, other packages\' tags ignored', () => {
    expect(lastReleasedVersion('core', ['core@v0.9.0', 'core@v0.10.0', 'connector@v3.0.0', 'core@v0.2.0', 'v1.0.0'])).toBe('0.10.0');
    expect(lastReleasedVersion('infra', ['core@v0.9.0'])).toBeUndefined();
  });

  test('the changelog lists features and fixes of the release', () => {
    expect(changelogSection('0.2.0', [{ subject: 'feat(core): parse events', hash: 'abcdef1234' }, { subject: 'fix(core): ids', hash: '1234567890' }, { subject: 'docs: x' }], '2026-11-21'))
      .toBe('## 0.2.0 (2026-11-21)\n\n### Features\n\n- parse events (abcdef1)\n\n### Bug fixes\n\n- ids (1234567)\n');
  });
});

// The pull-request diff comment and the drift issue, from real `cdk diff` outputs (fixtures/cdk-diff).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffComment, summarizeDiff } from '../../../../scripts/diff-comment';
import { driftReport } from '../../../../scripts/drift-report';

const output = (name: string) => readFileSync(join(__dirname, 'fixtures', 'cdk-diff', `${name}.txt`), 'utf8');

describe('pull-request diff comment', () => {
  test('counts changes; a destroyed or replaced resource is destructive, a retained (orphaned) one is not', () => {
    const summary = summarizeDiff(output('changes'));
    expect(summary).toMatchObject({
      added: 2,
      changed: 3,
      destroyed: ['AWS::SQS::Queue OldQueue'],
      retained: ['AWS::S3::Bucket KeptBucket'],
      replaced: ['AWS::IAM::Role ExportRole ExportRoleB9ACA3CD'],
    });
    const comment = diffComment('prod', output('changes'), { succeeded: true, commit: 'abcdef123456' });
    expect(comment.startsWith('<!-- snaplake-diff:prod -->\n### cdk diff: prod at abcdef1')).toBe(true);
    expect(comment).toContain('2 to add, 3 to change, 1 to destroy, 1 to remove from the stack but retain.');
    expect(comment).toContain('**:warning: 2 destructive change(s) in prod: review before merging.**');
    expect(comment).toContain('- destroyed: `AWS::SQS::Queue OldQueue`');
    expect(comment).toContain('- retained: `AWS::S3::Bucket KeptBucket`');
    expect(comment).not.toMatch(/destroyed: `AWS::S3::Bucket KeptBucket`/);
  });

  test('flags IAM broadening (added Allow statements, not added Denies) and security group changes', () => {
    expect(summarizeDiff(output('changes'))).toMatchObject({ iamBroadening: 1, securityGroupChanges: 1 });
    const comment = diffComment('prod', output('changes'), { succeeded: true });
    expect(comment).toContain('**:warning: IAM broadening in prod: 1 statement(s) grant new permissions (see IAM Statement Changes).**');
    expect(comment).toContain('**:warning: Security group changes in prod: 1 rule(s) added or removed (see Security Group Changes).**');
  });

  test('a diff without changes says so and flags nothing', () => {
    const comment = diffComment('dev', output('no-changes'), { succeeded: true });
    expect(comment).toContain('No resource changes.');
    expect(comment).not.toMatch(/destructive|broadening|Security group|failed/);
  });

  test.each([
    ['exited non-zero', output('no-credentials'), false, 'it did not finish'],
    ['never finished, whatever its exit code', output('no-credentials'), true, 'it did not finish'],
    ['wrote no output at all', '', undefined, 'it did not finish'],
    ['ran as the wrong identity after a failed AssumeRole', output('role-not-assumed'), true, 'a CDK bootstrap role could not be assumed'],
  ])('a diff that %s is a failure, never "No resource changes"', (_case, text, succeeded, reason) => {
    const comment = diffComment('staging', text, { succeeded });
    expect(comment).toContain(`**:x: The diff of staging failed: ${reason}`);
    expect(comment).not.toContain('No resource changes');
  });

  test('a huge diff is cut to fit in a comment, and the diff cannot close its code block', () => {
    expect(diffComment('dev', `${'x'.repeat(70_000)}\nNumber of stacks with differences: 1`, { succeeded: true }).length).toBeLessThan(65_536);
    const comment = diffComment('dev', 'Description: "```\\n# injected"\n✨  Number of stacks with differences: 1\n', { succeeded: true });
    expect(comment).toContain('````\nDescription');
  });
});

describe('drift issue', () => {
  const clean = 'Stack Prod/Storage (lake-prod-storage)\nNo drift detected\n\n✨  Number of resources with drift: 0\n';
  const drifted = [
    'Stack Prod/Storage (lake-prod-storage)',
    'Modified Resources',
    '[~] AWS::S3::Bucket ExportBucket ExportBucket1234',
    ' └─ [~] /VersioningConfiguration/Status',
    '     ├─ [-] Enabled',
    '     └─ [+] Suspended',
    '',
    '1 resource has drifted from their expected configuration',
    '',
    '✨  Number of resources with drift: 1',
  ].join('\n');

  test('drift opens the stage\'s issue with the output', () => {
    const report = driftReport('prod', drifted, { succeeded: false, runUrl: 'https://github.com/acme/lake/actions/runs/1' });
    expect(report).toMatchObject({ title: 'Drift in prod', open: true, drifted: 1 });
    expect(report.body).toContain('**1 resource(s) of prod differ from what was deployed** ([run](https://github.com/acme/lake/actions/runs/1))');
    expect(report.body).toContain('[~] AWS::S3::Bucket ExportBucket');
  });

  test('a clean check closes it', () => {
    expect(driftReport('prod', clean, { succeeded: true })).toMatchObject({ title: 'Drift in prod', open: false, drifted: 0 });
  });

  test('a check that could not run keeps the issue open and says so', () => {
    expect(driftReport('prod', output('no-credentials'), { succeeded: false }).body).toContain('**The drift check of prod failed: the check did not finish');
    const partial = driftReport('prod', `${clean}\n⚠️  Failed to check drift for 2 stack(s). Check log for more details.`, { succeeded: true });
    expect(partial).toMatchObject({ open: true });
    expect(partial.body).toContain('2 stack(s) could not be checked');
  });
});

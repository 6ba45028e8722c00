// Turns `cdk diff --no-color` output for one stage into the pull-request comment that the
// pull-request-diff workflow creates once and updates on every push (found again by its marker).
'use strict';

const MAX_DIFF_CHARS = 60000; // GitHub comments hold 65,536 characters.
/** Printed by `cdk diff` once every selected stack was compared; missing when the diff did not finish. */
const FINISHED = /Number of stacks with differences: \d+/;
/** Printed when a bootstrap role could not be assumed: the diff then ran as the wrong identity. */
const ROLE_NOT_ASSUMED = /could not be used to assume|Proceeding anyway/;

/**
 * @param {string} diffText output of `cdk diff --no-color`
 * @returns {{ added: number, changed: number, destroyed: string[], retained: string[], replaced: string[],
 *   iamBroadening: number, securityGroupChanges: number }}
 */
function summarizeDiff(diffText) {
  const lines = String(diffText).split('\n');
  const resource = (line) => line.replace(/^\s*\[[-+~]\]\s*/, '').trim();
  const removed = lines.filter((l) => /^\s*\[-\] AWS::/.test(l)).map(resource);
  const replaced = [];
  let current;
  for (const line of lines) {
    if (/^\s*\[~\] AWS::/.test(line)) current = resource(line).replace(/\s+(replace|may be replaced)$/, '');
    if (/^\s*\[[-+]\] AWS::/.test(line)) current = undefined;
    const replacing = /\b(requires replacement|may cause replacement)\b/.test(line) || /^\s*\[~\] AWS::.*\s(replace|may be replaced)$/.test(line);
    if (replacing && current && !replaced.includes(current)) replaced.push(current);
  }
  return {
    added: lines.filter((l) => /^\s*\[\+\] AWS::/.test(l)).length,
    changed: lines.filter((l) => /^\s*\[~\] AWS::/.test(l)).length,
    // `orphan`: removed from the stack with DeletionPolicy Retain, so it stays in the account.
    destroyed: removed.filter((r) => !/\sorphan$/.test(r)).map((r) => r.replace(/\s+destroy$/, '')),
    retained: removed.filter((r) => /\sorphan$/.test(r)).map((r) => r.replace(/\s+orphan$/, '')),
    replaced,
    // An added Allow statement or managed policy broadens; an added Deny does not.
    iamBroadening: tableRows(lines, /^IAM Statement Changes$/, '+', (cells) => cells[3] === 'Allow')
      + tableRows(lines, /^IAM Policy Changes$/, '+'),
    securityGroupChanges: tableRows(lines, /^Security Group Changes$/, '+') + tableRows(lines, /^Security Group Changes$/, '-'),
  };
}

/** Rows of one of cdk diff's security tables (`│ + │ ...`) that start with the given sign (and pass the filter). */
function tableRows(lines, title, sign, filter = () => true) {
  let inTable = false;
  let count = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (title.test(line)) {
      inTable = true;
    } else if (inTable && /^[│┌├└]/.test(line)) {
      const cells = line.split('│').map((cell) => cell.trim());
      if (cells[1] === sign && filter(cells)) count += 1;
    } else if (line !== '') {
      inTable = false;
    }
  }
  return count;
}

/** A code fence longer than any run of backticks in the text, so the diff cannot close it. */
function fenceFor(text) {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}

/**
 * @param {string} stage
 * @param {string} diffText
 * @param {{ succeeded?: boolean, commit?: string }} [run] whether `cdk diff` exited 0; the commit diffed
 * @returns {string} the comment's markdown
 */
function diffComment(stage, diffText, run = {}) {
  const text = String(diffText);
  const shown = text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n... (cut: ${text.length - MAX_DIFF_CHARS} more characters in the job log)` : text;
  const fence = fenceFor(shown);
  const details = ['', '<details><summary>Full output</summary>', '', fence, shown.trimEnd(), fence, '</details>'];
  const header = [`<!-- snaplake-diff:${stage} -->`, `### cdk diff: ${stage}${run.commit ? ` at ${run.commit.slice(0, 7)}` : ''}`, ''];

  const failed = run.succeeded === false || !FINISHED.test(text) || ROLE_NOT_ASSUMED.test(text);
  if (failed) {
    const reason = ROLE_NOT_ASSUMED.test(text)
      ? 'a CDK bootstrap role could not be assumed (is the stage bootstrapped in every region, and the OIDC stack up to date?)'
      : 'it did not finish (credentials, permissions or a missing stack: see the output and the job log)';
    return [...header, `**:x: The diff of ${stage} failed: ${reason}. What this pull request changes in ${stage} is unknown.**`, ...details].join('\n');
  }

  const summary = summarizeDiff(text);
  const destructive = summary.destroyed.length + summary.replaced.length;
  const total = summary.added + summary.changed + summary.destroyed.length + summary.retained.length;
  const lines = [...header, total === 0 ? 'No resource changes.'
    : `${summary.added} to add, ${summary.changed} to change, ${summary.destroyed.length} to destroy, ${summary.retained.length} to remove from the stack but retain.`];
  if (destructive > 0) {
    lines.push('', `**:warning: ${destructive} destructive change(s) in ${stage}: review before merging.**`,
      ...summary.replaced.map((r) => `- replaced: \`${r}\``),
      ...summary.destroyed.map((r) => `- destroyed: \`${r}\``));
  }
  if (summary.retained.length > 0) {
    lines.push('', 'Removed from the stack but kept in the account (retained; delete by hand when no longer needed):',
      ...summary.retained.map((r) => `- retained: \`${r}\``));
  }
  if (summary.iamBroadening > 0) {
    lines.push('', `**:warning: IAM broadening in ${stage}: ${summary.iamBroadening} statement(s) grant new permissions (see IAM Statement Changes).**`);
  }
  if (summary.securityGroupChanges > 0) {
    lines.push('', `**:warning: Security group changes in ${stage}: ${summary.securityGroupChanges} rule(s) added or removed (see Security Group Changes).**`);
  }
  return [...lines, ...details].join('\n');
}

module.exports = { diffComment, summarizeDiff };

// Turns `cdk diff` output for one stage into the pull-request comment that the pull-request
// workflow creates once and updates on every push (found again by its marker).
'use strict';

const MAX_DIFF_CHARS = 60000; // GitHub comments hold 65,536 characters.

/**
 * @param {string} stage
 * @param {string} diffText output of `cdk diff --no-color`
 * @returns {{ added: number, changed: number, removed: string[], replaced: string[] }}
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
    removed,
    replaced,
  };
}

/**
 * @param {string} stage
 * @param {string} diffText
 * @returns {string} the comment's markdown
 */
function diffComment(stage, diffText) {
  const summary = summarizeDiff(diffText);
  const destructive = summary.removed.length + summary.replaced.length;
  const noChanges = summary.added + summary.changed + summary.removed.length === 0;
  const text = String(diffText);
  const shown = text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n... (cut: ${text.length - MAX_DIFF_CHARS} more characters in the job log)` : text;
  return [
    `<!-- snaplake-diff:${stage} -->`,
    `### cdk diff: ${stage}`,
    '',
    noChanges
      ? 'No resource changes.'
      : `${summary.added} to add, ${summary.changed} to change, ${summary.removed.length} to remove.`,
    ...(destructive > 0 ? [
      '',
      `**:warning: ${destructive} destructive change(s) in ${stage}: review before merging.**`,
      ...summary.replaced.map((r) => `- replaced: \`${r}\``),
      ...summary.removed.map((r) => `- removed: \`${r}\``),
    ] : []),
    '',
    '<details><summary>Full diff</summary>',
    '',
    '```',
    shown.trimEnd(),
    '```',
    '</details>',
  ].join('\n');
}

module.exports = { diffComment, summarizeDiff };

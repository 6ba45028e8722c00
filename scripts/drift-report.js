// Turns `cdk drift --fail --no-color` output for one stage into the issue the drift workflow opens,
// updates or closes (one issue per stage, found again by its title).
'use strict';

/** Printed by `cdk drift` once every selected stack was checked. */
const SUMMARY = /Number of resources with drift: (\d+)/;
const NOT_CHECKED = /Failed to check drift for (\d+) stack/;

/**
 * @param {string} stage
 * @param {string} driftText output of `cdk drift`
 * @param {{ succeeded?: boolean, runUrl?: string }} [run] whether `cdk drift --fail` exited 0
 * @returns {{ title: string, open: boolean, drifted: number | undefined, body: string }}
 *   `open`: the issue must be open (drift found, or the check could not run); otherwise it is closed.
 */
function driftReport(stage, driftText, run = {}) {
  const text = String(driftText);
  const summary = SUMMARY.exec(text);
  const notChecked = NOT_CHECKED.exec(text);
  const drifted = summary ? Number(summary[1]) : undefined;
  const title = `Drift in ${stage}`;
  const link = run.runUrl ? ` ([run](${run.runUrl}))` : '';
  const output = ['', '<details><summary>cdk drift output</summary>', '', '````', text.trimEnd().slice(-60000), '````', '</details>'];
  if (drifted === undefined || notChecked) {
    const why = notChecked ? `${notChecked[1]} stack(s) could not be checked` : 'the check did not finish (credentials, permissions or a missing stack)';
    return { title, open: true, drifted, body: [`**The drift check of ${stage} failed: ${why}.**${link} Whether ${stage} drifted is unknown.`, ...output].join('\n') };
  }
  if (drifted > 0 || run.succeeded === false) {
    return {
      title,
      open: true,
      drifted,
      body: [`**${drifted} resource(s) of ${stage} differ from what was deployed**${link}. Someone changed them outside CloudFormation:`
        + ' put the change into the code, or deploy again to undo it.', ...output].join('\n'),
    };
  }
  return { title, open: false, drifted, body: [`No drift in ${stage} at the last check${link}.`, ...output].join('\n') };
}

module.exports = { driftReport };

// Jest global setup: one folder per test run for the synthesized fixture apps (see synthesized.ts),
// passed to every worker in the environment and removed by global-teardown.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder of this run's synthesized fixture apps. */
export const SYNTH_DIR_VARIABLE = 'SNAPLAKE_TEST_SYNTH_DIR';

export default function globalSetup(): void {
  process.env[SYNTH_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'snaplake-test-synth-'));
}

// Jest global setup: one folder per test run for the synthesized fixture apps (see synthesized.ts),
// passed to every worker in the environment and removed by global-teardown.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder of this run's synthesized fixture apps. */
export const SYNTH_DIR_VARIABLE = 'SNAPLAKE_TEST_SYNTH_DIR';

interface RunSelection {
  readonly testPathPattern?: string;
  readonly onlyChanged?: boolean;
  readonly findRelatedTests?: boolean;
  readonly watch?: boolean;
  readonly watchAll?: boolean;
}

export default function globalSetup(globalConfig: RunSelection = {}): void {
  process.env[SYNTH_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'snaplake-test-synth-'));
  // A run of every test file reads every fixture app: they are all synthesized here, in one process,
  // which loads the app's code once (each test file has a module registry of its own, and loading the
  // CDK into each costs more than synthesizing). A run of some files synthesizes only what they read.
  const everyFile = !globalConfig.testPathPattern && !globalConfig.onlyChanged && !globalConfig.findRelatedTests
    && !globalConfig.watch && !globalConfig.watchAll;
  if (everyFile) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fixtureNames, synthesized } = require('./synthesized') as typeof import('./synthesized');
    for (const name of fixtureNames()) {
      try {
        synthesized(name);
      } catch {
        // Recorded with the app: the tests that read it report the error.
      }
    }
  }
}

// Jest global setup: one folder per test run for the synthesized fixture apps (see synthesized.ts),
// passed to every worker in the environment and removed by global-teardown.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkspaceSources } from './workspace-sources';

/** The folder of this run's synthesized fixture apps. */
export const SYNTH_DIR_VARIABLE = 'SNAPLAKE_TEST_SYNTH_DIR';

interface RunSelection {
  readonly testPathPattern?: string;
  readonly onlyChanged?: boolean;
  readonly findRelatedTests?: boolean;
  readonly watch?: boolean;
  readonly watchAll?: boolean;
}

export default async function globalSetup(globalConfig: RunSelection = {}): Promise<void> {
  process.env[SYNTH_DIR_VARIABLE] = mkdtempSync(join(tmpdir(), 'snaplake-test-synth-'));
  // As in the workers (moduleNameMapper): the fixture apps synthesized here use the connector's source.
  readWorkspaceSources();
  // A run of every test file reads every fixture app: they are all synthesized here, in one process,
  // which loads the app's code once (each test file has a module registry of its own, and loading the
  // CDK into each costs more than synthesizing). A run of some files synthesizes only what they read.
  const everyFile = !globalConfig.testPathPattern && !globalConfig.onlyChanged && !globalConfig.findRelatedTests
    && !globalConfig.watch && !globalConfig.watchAll;
  if (everyFile) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fixtureNames, synthesized } = require('./synthesized') as typeof import('./synthesized');
    // Every other app is synthesized by a second process, on the second core, while this one does the rest.
    const names = fixtureNames();
    const theirs = names.filter((_, index) => index % 2 === 1);
    const child = spawn(process.execPath, [join(__dirname, 'synthesize-fixtures.js'), ...theirs], { stdio: 'inherit', env: process.env });
    const childDone = new Promise<void>((resolve) => child.on('exit', () => resolve()).on('error', () => resolve()));
    for (const name of names.filter((_, index) => index % 2 === 0)) {
      try {
        synthesized(name);
      } catch {
        // Recorded with the app: the tests that read it report the error.
      }
    }
    // Whatever the second process could not write, the tests that read it synthesize for themselves.
    await childDone;
  }
}

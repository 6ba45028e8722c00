// `npm run -s query-input -- <stage> <query> [--at <date-time>] > run.json`: prints the input that runs
// one scheduled query of a stage now through the deployed workflow, and (on stderr) the command that
// starts it. Exit code 0: printed; 1: an unknown stage or query, or a bad time; 2: wrong arguments.
import { SnaplakeError } from '@snaplake/core';
import { configPath, loadSnaplakeConfig, queriesDirectory } from './config';
import { onDemandRun } from './query-input';

const USAGE = 'usage: npm run -s query-input -- <stage> <query> [--at 2026-11-21T06:00:00Z] > run.json';

function main(args: string[]): number {
  const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--at');
  const atIndex = args.indexOf('--at');
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--at');
  if (positional.length !== 2 || unknown.length > 0 || (atIndex >= 0 && args[atIndex + 1] === undefined)) {
    console.error(USAGE);
    return 2;
  }
  const [stage, query] = positional as [string, string];
  const at = atIndex >= 0 ? args[atIndex + 1]! : new Date().toISOString();
  const file = configPath();
  const run = onDemandRun(loadSnaplakeConfig(file), queriesDirectory(file), stage, query, at);
  console.log(JSON.stringify(run.input));
  console.error(`run ${query} of stage ${stage} for ${run.input.scheduledTime}: save the input above as run.json, then`);
  console.error(`  ${run.command}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SnaplakeError)) throw error;
  console.error(`query-input: ${error.message}`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// `snaplake-status --stack <project>-<stage>-export-pipeline [--region r]`: prints the stage's freshness
// table. It lives here, not in core's `snaplake` CLI, because it reads AWS and core has no AWS SDK.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { clientConfig } from './aws-clients';
import { freshnessTable, readFreshness, StatusError } from './status';

const USAGE = `usage: snaplake-status --stack <project>-<stage>-export-pipeline [--region <region>]

Prints, per exported database: the hour of its newest catalogued export, its age, its maxExportAgeHours
and the state of its freshness alarm. Exits with 1 when a database is stale. Uses your AWS credentials.`;

export interface StatusIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export type StatusClients = (region: string | undefined) => { cloudformation: CloudFormationClient; cloudwatch: CloudWatchClient };

/** Runs the command with its arguments and returns the exit code: 0 fresh, 1 stale or failed, 2 usage. */
export async function runStatusCli(args: readonly string[], io: StatusIo, clients: StatusClients, now: Date = new Date()): Promise<number> {
  if (args.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (!['--stack', '--region'].includes(flag) || value === undefined || value.startsWith('--')) {
      io.err(`unexpected argument '${flag}'\n${USAGE}`);
      return 2;
    }
    options[flag.slice(2)] = value;
  }
  if (!options.stack) {
    io.err(`--stack is required\n${USAGE}`);
    return 2;
  }
  try {
    const rows = await readFreshness(clients(options.region), options.stack, now);
    for (const line of freshnessTable(rows)) io.out(line);
    const stale = rows.filter((r) => r.stale).map((r) => r.database);
    if (stale.length > 0) io.err(`stale: ${stale.join(', ')}`);
    return stale.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof StatusError) {
      io.err(`snaplake-status: ${error.message}`);
      return 1;
    }
    // AWS errors (credentials, access denied) are named and end the command without a stack trace.
    const name = (error as Error)?.name ?? 'Error';
    io.err(`snaplake-status: ${name}: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void runStatusCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }, (region) => ({ cloudformation: new CloudFormationClient(clientConfig({ region })), cloudwatch: new CloudWatchClient(clientConfig({ region })) }))
    .then((code) => { process.exitCode = code; });
}

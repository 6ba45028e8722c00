#!/usr/bin/env node
// `snaplake ddl <export_tables_info files...> --location s3://bucket/prefix/export-id`: prints Athena
// CREATE EXTERNAL TABLE statements for an export made by hand.
import { readFileSync } from 'node:fs';
import { catalogName, catalogTable, createTableStatement } from './catalog';
import { partnerPolicies } from './delivery';
import { SnaplakeError } from './errors';
import { parseExportTablesInfo } from './export-metadata';
import { SourceEngine } from './type-mapping';

const USAGE = `usage: snaplake ddl <export_tables_info_*.json ...> --location s3://bucket/prefix/export-id [--engine postgres|mysql] [--database name]
       snaplake partner-policy --destination <bucket|access point ARN> --role-arn <delivery role ARN> [--prefix p] [--kms-key-arn arn]

ddl: prints one CREATE EXTERNAL TABLE statement per completely exported table. Skipped tables are listed on stderr.
  --location   the export's root in S3 (the folder named after the export task id)
  --engine     the source engine, postgres (default) or mysql
  --database   the Athena database to create the tables in (default: the source database name)
partner-policy: prints the bucket (or access point) policy and KMS key policy statements a partner adds so deliveries can write.`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readFile: (path: string) => string;
}

/** Runs the CLI with its arguments (without `node` and the script) and returns the exit code. */
export function runCli(args: readonly string[], io: CliIo): number {
  const [command, ...rest] = args;
  if (command === 'partner-policy') return partnerPolicyCommand(rest, io);
  if (command !== 'ddl') {
    io.err(command === undefined || command === '--help' ? USAGE : `unknown command '${command}'\n${USAGE}`);
    return command === '--help' ? 0 : 2;
  }
  const files: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg.startsWith('--')) {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) {
        io.err(`option ${arg} needs a value\n${USAGE}`);
        return 2;
      }
      options[arg.slice(2)] = value;
      i++;
    } else {
      files.push(arg);
    }
  }
  const unknown = Object.keys(options).filter((o) => !['location', 'engine', 'database'].includes(o));
  if (unknown.length > 0 || files.length === 0 || !options.location) {
    io.err(`${unknown.length > 0 ? `unknown option --${unknown[0]}` : files.length === 0 ? 'no export_tables_info files given' : '--location is required'}\n${USAGE}`);
    return 2;
  }
  const engine = (options.engine ?? 'postgres') as SourceEngine;
  if (engine !== 'postgres' && engine !== 'mysql') {
    io.err(`--engine must be postgres or mysql, got '${options.engine}'`);
    return 2;
  }
  try {
    const info = parseExportTablesInfo(files.map((file) => io.readFile(file)));
    for (const warning of info.warnings) io.err(`skipped: ${warning}`);
    for (const table of info.tables) {
      const result = catalogTable(table, options.location, engine);
      if ('skipped' in result) {
        io.err(`skipped: ${result.skipped}`);
        continue;
      }
      io.out(`${createTableStatement(options.database ?? catalogName(table.database), result)}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof SnaplakeError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`snaplake ddl: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

function partnerPolicyCommand(args: readonly string[], io: CliIo): number {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (!flag.startsWith('--') || value === undefined || !['destination', 'role-arn', 'prefix', 'kms-key-arn'].includes(flag.slice(2))) {
      io.err(`unexpected argument '${flag}'\n${USAGE}`);
      return 2;
    }
    options[flag.slice(2)] = value;
  }
  if (!options.destination || !options['role-arn']) {
    io.err(`--destination and --role-arn are required\n${USAGE}`);
    return 2;
  }
  try {
    const policies = partnerPolicies({ destination: options.destination, deliveryRoleArn: options['role-arn'], prefix: options.prefix ?? '', kmsKeyArn: options['kms-key-arn'] });
    io.out(JSON.stringify(policies, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof SnaplakeError) {
      io.err(`snaplake partner-policy: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Runs the CLI on this process's arguments and sets its exit code (the bin shim calls this). */
export function main(): void {
  process.exitCode = runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

if (require.main === module) main();

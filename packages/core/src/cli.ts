#!/usr/bin/env node
// `snaplake <command> [options]`: the command-line tools of @snaplake/core. Each command is a file of
// src/cli/ listed in COMMANDS below; options are parsed with node:util parseArgs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliCommand, CliIo, EXIT, UsageError } from './cli/command';
import { ddlCommand } from './cli/ddl';
import { duckdbCommand } from './cli/duckdb';
import { partnerPolicyCommand } from './cli/partner-policy';
import { statusCommand } from './cli/status';
import { SnaplakeError } from './errors';

export { CliCommand, CliIo, EXIT } from './cli/command';

/** Every command, in the order `snaplake --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [ddlCommand, duckdbCommand, partnerPolicyCommand, statusCommand];

const EXIT_CODES = `exit codes: ${EXIT.ok} done; ${EXIT.failed} an input file or value is wrong, or nothing to print (the message names the file); `
  + `${EXIT.usage} a wrong command line`;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: snaplake <command> [options]     snaplake <command> --help',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** Runs the CLI with its arguments (without `node` and the script) and returns the exit code (a promise for `duckdb`). */
export function runCli(args: readonly string[], io: CliIo): number | Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (name === undefined) {
      io.err(overview());
      return EXIT.usage;
    }
    io.out(topic ? `${topic.help}\n\n${EXIT_CODES}` : overview());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`snaplake: unknown command '${name}'\n\n${overview()}`);
    return EXIT.usage;
  }
  const failed = (error: unknown): number => {
    // parseArgs reports unknown options, missing values and unexpected arguments as TypeErrors with a code.
    const code = (error as { code?: unknown } | null)?.code;
    const parseError = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseError) {
      io.err(`snaplake ${command.name}: ${(error as Error).message}\n\n${command.help}`);
      return EXIT.usage;
    }
    if (error instanceof SnaplakeError) {
      io.err(`snaplake ${command.name}: ${error.message}`);
      return EXIT.failed;
    }
    throw error;
  };
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals,
      strict: true,
    });
    if (values.help) {
      io.out(`${command.help}\n\n${EXIT_CODES}`);
      return EXIT.ok;
    }
    const result = command.run(values, positionals, io);
    return typeof result === 'number' ? result : result.catch(failed);
  } catch (error) {
    return failed(error);
  }
}

/** Runs the CLI on this process's arguments and sets its exit code (the bin shim calls this). */
export function main(): void {
  void Promise.resolve(runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFileSync(path, 'utf8'),
  })).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();

// What every `snaplake` command shares: its options (parsed with node:util parseArgs), its help text,
// the exit codes, and reading an input file with an error that names it.
import type { ParseArgsConfig } from 'node:util';
import { SnaplakeError } from '../errors';

/** Exit codes of every command (documented in `snaplake --help` and the core README). */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** An input file or value is wrong, or there was nothing to print; the message says which and why. */
  failed: 1,
  /** The command line is wrong: an unknown command or option, or a required option missing. */
  usage: 2,
} as const;

/** Where a command writes and how it reads files; tests give their own. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Reads a file as UTF-8; throws Node's errors (ENOENT, EISDIR...). */
  readonly readFile: (path: string) => string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** One `snaplake <name>` command. Add one: write it in this folder and list it in cli.ts. */
export interface CliCommand {
  readonly name: string;
  /** One line, shown by `snaplake --help`. */
  readonly summary: string;
  /** The usage line(s) and what each option means, shown by `snaplake <name> --help`. */
  readonly help: string;
  /** Options as node:util parseArgs takes them (`--help` is added to every command). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command takes arguments that are not options (file names). */
  readonly positionals: boolean;
  /** The exit code; a promise for a command that waits (such as `duckdb`, which runs DuckDB). */
  run(values: OptionValues, positionals: readonly string[], io: CliIo): number | Promise<number>;
}

/** A command-line mistake: exit code 2, with the command's usage. */
export class UsageError extends SnaplakeError {}

/**
 * A file's text, or a SnaplakeError naming the file: missing, a folder, unreadable or empty.
 * @param what what the file should be, for the error (`an export_tables_info file`).
 */
export function readInputFile(io: CliIo, path: string, what: string): string {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SnaplakeError(`${path}: no such file`);
    if (code === 'EISDIR') throw new SnaplakeError(`${path}: is a folder; give ${what} (or several)`);
    if (code === 'EACCES' || code === 'EPERM') throw new SnaplakeError(`${path}: cannot be read (permission denied)`);
    throw error;
  }
  if (text.trim() === '') throw new SnaplakeError(`${path}: the file is empty; expected ${what}`);
  return text;
}

/** A string option's value (parseArgs gives strings for `type: 'string'`). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

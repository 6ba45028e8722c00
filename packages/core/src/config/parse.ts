import { z } from 'zod';
import { ConfigError } from '../errors';
import { jsonErrorOffset } from './json-position';
import { SnaplakeConfig, snaplakeConfigSchema } from './schema';

/**
 * Checks a raw configuration (parsed JSON) and returns it typed, with defaults filled in.
 * @throws ConfigError naming the first invalid field, such as `stages[1].account`; a misspelt field
 * is named with the closest known one (`stages[0].exportRetentionDay: unknown field; did you mean ...`).
 */
export function parseSnaplakeConfig(raw: unknown): SnaplakeConfig {
  const result = checkedAgainstSchema(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path: PropertyKey[] = issue.code === 'unrecognized_keys' ? [...issue.path, String(issue.keys[0])] : issue.path;
  throw new ConfigError(fieldPath(path), issue.message);
}

/**
 * zod throws a TypeError, instead of reporting an issue, on a value JSON cannot hold where it checks a
 * length (an object without a prototype in place of a list). Such a value is checked again as the JSON
 * it stands for, so the error still names the field.
 */
function checkedAgainstSchema(raw: unknown) {
  try {
    return snaplakeConfigSchema.safeParse(raw);
  } catch {
    let asJson: unknown;
    try {
      asJson = JSON.parse(JSON.stringify(raw) ?? 'null');
    } catch {
      throw new ConfigError('config', 'the configuration is not JSON data (objects, arrays, strings, numbers, booleans and null)');
    }
    return snaplakeConfigSchema.safeParse(asJson);
  }
}

/**
 * Reads a configuration file's text: JSON syntax errors are reported by line and column
 * (`my.config.json:4:3`), invalid fields by their path (`my.config.json: stages[0].region`).
 * @param source the file name to put in front of every error.
 * @throws ConfigError
 */
export function parseSnaplakeConfigText(text: string, source: string): SnaplakeConfig {
  if (text.trim() === '') throw new ConfigError(source, 'the file is empty; it should hold the JSON configuration');
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const { line, column, problem } = jsonSyntaxError((error as Error).message, text);
    throw new ConfigError(`${source}:${line}:${column}`, `invalid JSON: ${problem}`);
  }
  try {
    return parseSnaplakeConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${source}: ${error.field}`, error.message.slice(error.field.length + 2));
    throw error;
  }
}

/** `stages[0].databases[1].engine` from zod's path. */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'config';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** Line and column (from 1) of a `JSON.parse` error, which Node 20 gives as a character offset, if at all. */
function jsonSyntaxError(message: string, text: string): { line: number; column: number; problem: string } {
  const position = /at position (\d+)/.exec(message);
  const offset = jsonErrorOffset(text) ?? (position ? Number(position[1]) : text.length);
  const before = text.slice(0, offset).split('\n');
  const problem = message
    .replace(/\s*in JSON at position \d+.*$/, '')
    .replace(/^(Unexpected token .*?), (\.\.\.)?".*" is not valid JSON$/s, '$1')
    .replace(/^Unexpected end of JSON input$/, 'the file ends too early');
  return { line: before.length, column: before.at(-1)!.length + 1, problem };
}

/** The JSON Schema of the configuration file, from the same zod schema as the validator. */
export function snaplakeConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(snaplakeConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

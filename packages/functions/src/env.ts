// Environment variables of the handlers, read with one guard each: a value the stack set wrong
// fails the step with an InvalidInput error naming the variable and what it must be, never a
// TypeError or a NaN further down.

import { InvalidInputError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

function invalid(name: string, problem: string): InvalidInputError {
  return new InvalidInputError(`environment variable ${name} ${problem}`);
}

/** Shows a value in an error message, cut short: a JSON variable may be long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}...` : value);
}

/** A required environment variable, or a clear error naming it (a deployment bug, not bad input). */
export function requiredEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw invalid(name, 'is not set: the function was deployed without it');
  return value;
}

/** An optional environment variable; unset and empty are both undefined. */
export function optionalEnv(name: string, env: Env = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
}

/** An optional whole-number variable within bounds; undefined when unset. */
export function optionalIntegerEnv(name: string, bounds: IntegerBounds, env: Env = process.env): number | undefined {
  const text = optionalEnv(name, env);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw invalid(name, `must be a whole number from ${bounds.min} to ${bounds.max}, got ${shown(text)}`);
  }
  return value;
}

/** A required whole-number variable within bounds. */
export function integerEnv(name: string, bounds: IntegerBounds, env: Env = process.env): number {
  requiredEnv(name, env);
  return optionalIntegerEnv(name, bounds, env)!;
}

/**
 * A shape a JSON variable must have: `expected` says it in words for the error message (such as
 * `a list of { region, kmsKeyArn }`), `matches` checks a parsed value.
 */
export interface JsonShape<T> {
  readonly expected: string;
  readonly matches: (value: unknown) => value is T;
}

/** A required JSON variable of the given shape. */
export function jsonEnv<T>(name: string, shape: JsonShape<T>, env: Env = process.env): T {
  const text = requiredEnv(name, env);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(name, `is not JSON (${(error as Error).message}); it must be ${shape.expected}`);
  }
  if (!shape.matches(value)) throw invalid(name, `must be ${shape.expected}, got ${shown(text)}`);
  return value;
}

/** An optional JSON variable of the given shape; undefined when unset. */
export function optionalJsonEnv<T>(name: string, shape: JsonShape<T>, env: Env = process.env): T | undefined {
  return optionalEnv(name, env) === undefined ? undefined : jsonEnv(name, shape, env);
}

// Shapes the handlers' JSON variables share.

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';
export const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/** `[...]` whose every item matches. */
export function listOf<T>(item: (value: unknown) => value is T): (value: unknown) => value is T[] {
  return (value: unknown): value is T[] => Array.isArray(value) && value.every(item);
}

/** `{ "<key>": ... }` whose every value matches. */
export function recordOf<T>(item: (value: unknown) => value is T): (value: unknown) => value is Record<string, T> {
  return (value: unknown): value is Record<string, T> => isRecord(value) && Object.values(value).every(item);
}

/** An object whose named fields are non-empty strings (other fields are not checked). */
export function withStrings<K extends string>(...fields: K[]): (value: unknown) => value is Record<K, string> {
  return (value: unknown): value is Record<K, string> => isRecord(value) && fields.every((field) => isString(value[field]));
}

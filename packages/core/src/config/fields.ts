// Building blocks of the config schema: each one fails with `expected <what>, got <value>`, and
// every object rejects unknown fields, naming the closest known one.
import { z } from 'zod';
import { describeValue } from '../values';

/** The error option of a zod schema: `expected <what>, got <the value>`. */
export function expected(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `expected ${what}, got ${describeValue(issue.input)}` };
}

/** A string matching `pattern`; `what` says what it should be, such as `a 12-digit AWS account id`. */
export function text(pattern: RegExp, what: string) {
  return z.string(expected(what)).regex(pattern, expected(what));
}

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number) {
  const what = `a whole number from ${min} to ${max}`;
  return z.int(expected(what)).min(min, expected(what)).max(max, expected(what));
}

export function flag() {
  return z.boolean(expected('true or false'));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expected(`one of ${values.map((v) => `'${v}'`).join(', ')}`));
}

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, expected('an array'));
}

/** An object whose fields are all known: a misspelt field fails, naming the closest known one. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => issue.code === 'unrecognized_keys'
      ? unknownFieldMessage(String(issue.keys[0]), known)
      : `expected an object, got ${describeValue(issue.input)}`,
  });
}

/** `unknown field; did you mean 'keepLast'?`, or the known fields when none is close. */
export function unknownFieldMessage(field: string, known: readonly string[]): string {
  const closest = closestName(field, known);
  return closest === undefined
    ? `unknown field; the known fields here are ${known.map((k) => `'${k}'`).join(', ')}`
    : `unknown field; did you mean '${closest}'?`;
}

/** The known name closest to `name` (case-insensitive edit distance), if close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

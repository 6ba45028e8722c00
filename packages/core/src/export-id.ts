import { SnaplakeError } from './errors';
import { assertMeetsConstraint, IDENTIFIER_CONSTRAINTS, shortHash } from './identifiers';

/** StartExportTask accepts 1-60 characters. */
export const MAX_EXPORT_TASK_ID_LENGTH = IDENTIFIER_CONSTRAINTS.exportTaskIdentifier.maxLength;
/** Re-runs of a snapshot's export: attempt 2 to this number get `-a<N>`; the base id leaves room for it. */
export const MAX_EXPORT_ATTEMPTS = 99;
const ATTEMPT_ROOM = `-a${MAX_EXPORT_ATTEMPTS}`.length;
const HASH_LENGTH = 8;

/**
 * The export task id for a snapshot: valid for StartExportTask (1-60 letters, digits and hyphens,
 * starting with a letter, no `--`, no trailing `-`), readable (keeps as much of the snapshot name as
 * fits) and deterministic, so a duplicate event for the same snapshot joins the running export
 * instead of starting a second one. `scope` (`<project>-<stage>`) makes the id distinct per project
 * and stage, as export ids are unique per account and region. A short hash of the exact input keeps
 * ids of different snapshots apart even when their names sanitize or truncate to the same text. The
 * id leaves room for an attempt suffix (see {@link exportAttemptIdentifier}).
 *
 * @example exportTaskIdentifier('rds:orders-2026-11-21-03-05', 'snaplake-prod') // 'snaplake-prod-rds-orders-2026-11-21-03-05-1a2b3c4d'
 * @throws SnaplakeError when the snapshot identifier is empty.
 */
export function exportTaskIdentifier(snapshotIdentifier: string, scope?: string): string {
  if (typeof snapshotIdentifier !== 'string' || snapshotIdentifier.trim() === '') {
    throw new SnaplakeError('exportTaskIdentifier: the snapshot identifier is empty');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw new SnaplakeError('exportTaskIdentifier: the scope must be a string');
  }
  const id = derivedIdentifier([scope ?? '', snapshotIdentifier], MAX_EXPORT_TASK_ID_LENGTH - ATTEMPT_ROOM);
  return assertMeetsConstraint('exportTaskIdentifier', id);
}

/**
 * The export task id of one attempt at exporting a snapshot: attempt 1 is the base id itself; a
 * re-run after a FAILED or CANCELED attempt uses `<base>-a2`, `<base>-a3`, ... (RDS never reuses an
 * id, so a failed id can never be exported again). Always within the 60-character limit.
 * @throws SnaplakeError for an attempt outside 1..99 or a base id that is not an export id.
 */
export function exportAttemptIdentifier(baseIdentifier: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > MAX_EXPORT_ATTEMPTS) {
    throw new SnaplakeError(`exportAttemptIdentifier: attempt must be a whole number from 1 to ${MAX_EXPORT_ATTEMPTS}, got ${attempt}`);
  }
  assertMeetsConstraint('exportTaskIdentifier', baseIdentifier);
  if (attempt === 1) return baseIdentifier;
  const head = baseIdentifier.slice(0, MAX_EXPORT_TASK_ID_LENGTH - `-a${attempt}`.length).replace(/-+$/, '');
  return assertMeetsConstraint('exportAttemptIdentifier', `${head}-a${attempt}`);
}

/** Which attempt an export id is: 1 for a base id, N for `<base>-aN`. */
export function exportAttemptOf(identifier: string, baseIdentifier: string): number | undefined {
  if (identifier === baseIdentifier) return 1;
  const match = /-a(\d{1,2})$/.exec(identifier);
  if (!match) return undefined;
  const attempt = Number(match[1]);
  return attempt >= 2 && exportAttemptIdentifier(baseIdentifier, attempt) === identifier ? attempt : undefined;
}

/**
 * The name of the export workflow execution for a snapshot event: the export id, so the same event
 * delivered twice starts one execution. Within Step Functions' 80 characters and CloudWatch-safe.
 */
export function executionName(snapshotIdentifier: string, scope?: string): string {
  return assertMeetsConstraint('executionName', exportTaskIdentifier(snapshotIdentifier, scope));
}

/**
 * An RDS-style identifier made from parts: letters, digits and single hyphens, starting with a
 * letter, at most `maxLength` long, ending with a hash of the exact parts (so it is deterministic and
 * distinct even when parts sanitize or truncate alike). The first part's readable text comes first,
 * so a fixed first part (`snaplake-tmp`) stays a prefix IAM policies can match.
 */
export function derivedIdentifier(parts: readonly string[], maxLength: number): string {
  if (!Number.isInteger(maxLength) || maxLength < HASH_LENGTH + 3) throw new SnaplakeError(`derivedIdentifier: maxLength ${maxLength} is too small`);
  const hash = shortHash(parts.join('\u0000'), HASH_LENGTH);
  const readable = parts.map(sanitize).filter((part) => part !== '').join('-');
  const lead = /^[A-Za-z]/.test(readable) ? readable : `s-${readable}`;
  const head = lead.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** Letters and digits kept, every other run of characters becomes one hyphen, none at the ends. */
function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

import { createHash } from 'node:crypto';
import { SnaplakeError } from './errors';

/** StartExportTask accepts 1-60 characters. */
export const MAX_EXPORT_TASK_ID_LENGTH = 60;
const HASH_LENGTH = 8;

/**
 * The export task id for a snapshot: valid for StartExportTask (1-60 letters, digits and hyphens,
 * starting with a letter, no `--`, no trailing `-`), readable (keeps as much of the snapshot name as
 * fits) and deterministic, so a duplicate event for the same snapshot joins the running export
 * instead of starting a second one. A short hash of the exact input keeps ids of different
 * snapshots apart even when their names sanitize or truncate to the same text.
 *
 * @example exportTaskIdentifier('rds:orders-2026-11-21-03-05') // 'rds-orders-2026-11-21-03-05-1a2b3c4d'
 * @throws SnaplakeError when the snapshot identifier is empty.
 */
export function exportTaskIdentifier(snapshotIdentifier: string, prefix?: string): string {
  if (typeof snapshotIdentifier !== 'string' || snapshotIdentifier.trim() === '') {
    throw new SnaplakeError('exportTaskIdentifier: the snapshot identifier is empty');
  }
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw new SnaplakeError('exportTaskIdentifier: the prefix must be a string');
  }
  return derivedIdentifier([prefix ?? '', snapshotIdentifier], MAX_EXPORT_TASK_ID_LENGTH);
}

/**
 * An RDS-style identifier made from parts: letters, digits and single hyphens, starting with a
 * letter, at most `maxLength` long, ending with a hash of the exact parts (so it is deterministic and
 * distinct even when parts sanitize or truncate alike).
 */
export function derivedIdentifier(parts: readonly string[], maxLength: number): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, HASH_LENGTH);
  const readable = parts.map(sanitize).filter((part) => part !== '').join('-');
  const lead = /^[A-Za-z]/.test(readable) ? readable : `s-${readable}`;
  const head = lead.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** Letters and digits kept, every other run of characters becomes one hyphen, none at the ends. */
function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

import { SnaplakeError } from './errors';
import { derivedIdentifier } from './export-id';
import { assertMeetsConstraint, IDENTIFIER_CONSTRAINTS } from './identifiers';

/** Tag on every copy snaplake makes: only copies carrying it are ever deleted by retention. */
export const DR_COPY_TAG = 'snaplake:dr-copy';
/** Tag on the manual snapshots a DR `snapshotSchedule` makes; they are deleted once their copies are available. */
export const DR_SOURCE_TAG = 'snaplake:dr-source';
/** Every scheduled DR source snapshot's identifier starts with this (IAM policies match it). */
export const DR_SOURCE_PREFIX = 'snaplake-dr-source-';
/** Every copy's identifier starts with this (IAM policies match it; it also covers {@link DR_SOURCE_PREFIX}). */
export const DR_COPY_PREFIX = 'snaplake-dr-';

/** Snapshot identifiers: 255 characters for a DB snapshot, 63 for a DB cluster snapshot. */
function snapshotIdentifierKind(kind: 'instance' | 'cluster') {
  return kind === 'cluster' ? 'dbClusterSnapshotIdentifier' as const : 'dbSnapshotIdentifier' as const;
}

/**
 * The identifier of a snapshot's copy in another region: valid for CopyDBSnapshot (255 characters)
 * and CopyDBClusterSnapshot (63 characters), readable, and the same for the same snapshot, so a
 * duplicate event finds the copy already there instead of making a second one.
 * @example copySnapshotIdentifier('rds:orders-db-2026-11-21-03-05', 'eu-west-1', 'instance') // 'snaplake-dr-eu-west-1-rds-orders-db-2026-11-21-03-05-<hash>'
 */
export function copySnapshotIdentifier(sourceSnapshotIdentifier: string, sourceRegion: string, kind: 'instance' | 'cluster'): string {
  if (typeof sourceSnapshotIdentifier !== 'string' || sourceSnapshotIdentifier.trim() === '') {
    throw new SnaplakeError('copySnapshotIdentifier: the source snapshot identifier is empty');
  }
  if (typeof sourceRegion !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(sourceRegion)) {
    throw new SnaplakeError(`copySnapshotIdentifier: ${JSON.stringify(sourceRegion)} is not a region`);
  }
  if (kind !== 'instance' && kind !== 'cluster') throw new SnaplakeError(`copySnapshotIdentifier: kind must be instance or cluster, got ${JSON.stringify(kind)}`);
  const rule = snapshotIdentifierKind(kind);
  const id = derivedIdentifier([DR_COPY_PREFIX.slice(0, -1), sourceRegion, sourceSnapshotIdentifier], IDENTIFIER_CONSTRAINTS[rule].maxLength);
  return assertMeetsConstraint(rule, id);
}

/**
 * The manual snapshot a DR `snapshotSchedule` takes of a database at a scheduled time (to the
 * minute): the same for a retried run, so it never makes two; within 63 characters for a cluster.
 */
export function drSourceSnapshotIdentifier(databaseIdentifier: string, scheduledTime: string, kind: 'instance' | 'cluster'): string {
  if (typeof databaseIdentifier !== 'string' || databaseIdentifier === '') throw new SnaplakeError('drSourceSnapshotIdentifier: the database identifier is empty');
  if (typeof scheduledTime !== 'string' || Number.isNaN(new Date(scheduledTime).getTime())) {
    throw new SnaplakeError(`drSourceSnapshotIdentifier: scheduled time ${JSON.stringify(scheduledTime)} is not a date`);
  }
  const minute = new Date(scheduledTime).toISOString().slice(0, 16);
  const rule = snapshotIdentifierKind(kind);
  const id = derivedIdentifier([DR_SOURCE_PREFIX.slice(0, -1), databaseIdentifier.toLowerCase(), minute], IDENTIFIER_CONSTRAINTS[rule].maxLength);
  return assertMeetsConstraint(rule, id);
}

/** A snapshot in a destination region, as DescribeDBSnapshots / DescribeDBClusterSnapshots report it. */
export interface SnapshotCopy {
  readonly identifier: string;
  /** `available`, `creating`, `copying`, `failed`, ... */
  readonly status: string;
  readonly createdAt: Date | string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RetentionPolicy {
  /** Keep the newest N good copies. */
  readonly keepLast?: number;
  /** Keep good copies younger than this many days. */
  readonly maxAgeDays?: number;
}

/**
 * The copies retention deletes, oldest first. A copy is kept when any configured rule keeps it
 * (among the newest `keepLast`, or younger than `maxAgeDays`). Only available copies tagged by
 * snaplake are ever returned; the newest good copy never is, whatever the policy.
 * @throws SnaplakeError for a policy with no rule or a rule that is not a positive whole number.
 */
export function copiesToDelete<T extends SnapshotCopy>(copies: readonly T[], policy: RetentionPolicy, now: Date): T[] {
  const { keepLast, maxAgeDays } = policy;
  if (keepLast === undefined && maxAgeDays === undefined) throw new SnaplakeError('retention policy needs keepLast, maxAgeDays or both');
  for (const [name, value] of [['keepLast', keepLast], ['maxAgeDays', maxAgeDays]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new SnaplakeError(`retention ${name} must be a whole number >= 1, got ${value}`);
  }
  const good = copies
    .filter((c) => c.tags?.[DR_COPY_TAG] === 'true' && c.status === 'available' && !Number.isNaN(timeOf(c)))
    .sort((a, b) => timeOf(b) - timeOf(a) || (a.identifier < b.identifier ? 1 : -1));
  const cutoff = maxAgeDays === undefined ? undefined : now.getTime() - maxAgeDays * 86_400_000;
  return good
    .filter((copy, index) => {
      if (index === 0) return false; // the newest good copy always stays
      const keptByCount = keepLast !== undefined && index < keepLast;
      const keptByAge = cutoff !== undefined && timeOf(copy) >= cutoff;
      return !keptByCount && !keptByAge;
    })
    .reverse();
}

/** Hours since the newest available copy was made, or undefined when there is none. */
export function newestGoodCopyAgeHours(copies: readonly SnapshotCopy[], now: Date): number | undefined {
  const times = copies.filter((c) => c.status === 'available').map(timeOf).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return undefined;
  return (now.getTime() - Math.max(...times)) / 3_600_000;
}

function timeOf(copy: SnapshotCopy): number {
  return new Date(copy.createdAt).getTime();
}

/** Tags on every temporary resource of a Serverless v1 export: only resources carrying both are ever deleted. */
export const TEMPORARY_TAG = 'snaplake:temporary';
export const EXECUTION_TAG = 'snaplake:execution';

/** Every temporary cluster and snapshot of a Serverless v1 export is named with this prefix (IAM policies match it). */
export const TEMPORARY_PREFIX = 'snaplake-tmp-';

/**
 * Names of the temporary cluster and snapshot a Serverless v1 export restores through: valid (cluster
 * and cluster snapshot ids hold at most 63 characters, whatever the length of the execution ARN),
 * readable, and unique per execution, so two databases (or two runs) exporting at once never collide.
 */
export function temporaryResourceNames(
  sourceClusterIdentifier: string, executionId: string,
): { clusterIdentifier: string; snapshotIdentifier: string } {
  if (typeof sourceClusterIdentifier !== 'string' || sourceClusterIdentifier === '') {
    throw new SnaplakeError('temporaryResourceNames: the source cluster identifier is empty');
  }
  if (typeof executionId !== 'string' || executionId === '') throw new SnaplakeError('temporaryResourceNames: the execution id is empty');
  const tmp = TEMPORARY_PREFIX.slice(0, -1);
  return {
    clusterIdentifier: assertMeetsConstraint('dbClusterIdentifier',
      derivedIdentifier([tmp, sourceClusterIdentifier, executionId], IDENTIFIER_CONSTRAINTS.dbClusterIdentifier.maxLength)),
    snapshotIdentifier: assertMeetsConstraint('dbClusterSnapshotIdentifier',
      derivedIdentifier([tmp, sourceClusterIdentifier, executionId, 'snapshot'], IDENTIFIER_CONSTRAINTS.dbClusterSnapshotIdentifier.maxLength)),
  };
}

/** On each DR copy, for people and audits (no policy reads them): the snapshot copied and its database. */
export const SOURCE_ARN_TAG = 'snaplake:source-arn';
export const DATABASE_TAG = 'snaplake:database';
/** On each temporary resource of a Serverless v1 export, for people: the snapshot it was restored from. */
export const SOURCE_SNAPSHOT_TAG = 'snaplake:source-snapshot';

/** Every tag key snaplake puts on RDS resources (checked against RDS's tag key constraint in the tests). */
export const SNAPLAKE_TAG_KEYS: readonly string[] = [
  DR_COPY_TAG, DR_SOURCE_TAG, TEMPORARY_TAG, EXECUTION_TAG, SOURCE_SNAPSHOT_TAG, SOURCE_ARN_TAG, DATABASE_TAG,
];

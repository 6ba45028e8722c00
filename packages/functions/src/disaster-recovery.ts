import { RDSClient, Tag } from '@aws-sdk/client-rds';
import {
  copiesToDelete, copySnapshotIdentifier, DATABASE_TAG, DR_COPY_TAG, DR_SOURCE_PREFIX, DR_SOURCE_TAG, drSourceSnapshotIdentifier,
  embeddedMetricRecord, newestGoodCopyAgeHours, RECOVERY_POINT_METRIC_DEFINITIONS, RECOVERY_POINT_METRICS as METRICS, RetentionPolicy,
  SnapshotCopy, SOURCE_ARN_TAG, tagValue, WORKFLOW_ERRORS,
} from '@snaplake/core';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { log } from './log';
import { writeMetricRecord } from './metrics';
import {
  copyRdsSnapshot, createRdsSnapshot, deleteRdsSnapshot, describeRdsSnapshot, Kind, listRdsSnapshots, SNAPSHOT_ALREADY_EXISTS, SNAPSHOT_NOT_FOUND,
} from './rds-snapshots';
import { resolveSnapshot, ResolvedSnapshot } from './resolve-snapshot';
import { NAMES_IN_STEP_RESULT } from './step-results';

export type { Kind } from './rds-snapshots';

export interface CopyDestination {
  readonly region: string;
  /** The destination region's key (an alias ARN works): the source key cannot be used across regions. */
  readonly kmsKeyArn: string;
}

export interface PlannedCopy {
  readonly sourceArn: string;
  readonly sourceRegion: string;
  readonly kind: Kind;
  readonly databaseIdentifier: string;
  readonly region: string;
  readonly kmsKeyArn: string;
  readonly copyIdentifier: string;
}

export interface CopyPlan {
  readonly snapshot: ResolvedSnapshot;
  readonly copies: PlannedCopy[];
}

/** The database is not in a state to take a snapshot (or the snapshot is not ready to copy): retry later. */
export class NotReadyError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.notReady, message);
  }
}

/** The destination region holds the most manual snapshots allowed: prune, then retry, or alarm. */
export class CopyQuotaExceededError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.copyQuotaExceeded, message);
  }
}

/** RDS refused the copy for a reason a retry will not fix; the message names the key and region when it is the key. */
export class CopyRejectedError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.copyRejected, message);
  }
}

const COPY_TAGS = (plan: Pick<PlannedCopy, 'sourceArn' | 'databaseIdentifier'>): Tag[] => [
  { Key: DR_COPY_TAG, Value: 'true' },
  { Key: SOURCE_ARN_TAG, Value: tagValue(plan.sourceArn) },
  { Key: DATABASE_TAG, Value: tagValue(plan.databaseIdentifier) },
];

/**
 * Resolves the snapshot to copy (or makes a manual snapshot first, for scheduled copies) and plans
 * one copy per destination region, each with its derived identifier and the region's own key.
 */
export async function planCopies(
  rds: RDSClient,
  input: { snapshotArn?: string; createSnapshotOf?: { databaseIdentifier: string; kind: Kind }; scheduledTime?: string },
  settings: { sourceRegion: string; destinations: readonly CopyDestination[] },
): Promise<CopyPlan> {
  let snapshotArn = input?.snapshotArn;
  if (!snapshotArn && input?.createSnapshotOf) {
    snapshotArn = await createSnapshot(rds, input.createSnapshotOf, input.scheduledTime ?? new Date().toISOString());
  }
  if (!snapshotArn) throw new InvalidInputError('planCopies: expected { snapshotArn } or { createSnapshotOf: { databaseIdentifier, kind } }');
  const snapshot = await resolveSnapshot(rds, { snapshotArn });
  return {
    snapshot,
    copies: settings.destinations.map((destination) => ({
      sourceArn: snapshot.arn,
      sourceRegion: settings.sourceRegion,
      kind: snapshot.kind,
      databaseIdentifier: snapshot.databaseIdentifier,
      region: destination.region,
      kmsKeyArn: destination.kmsKeyArn,
      copyIdentifier: copySnapshotIdentifier(snapshot.identifier, settings.sourceRegion, snapshot.kind),
    })),
  };
}

/** Makes the manual snapshot a scheduled copy starts from; a second call for the same time finds it. */
export async function createSnapshot(rds: RDSClient, of: { databaseIdentifier: string; kind: Kind }, scheduledTime: string): Promise<string> {
  const identifier = drSourceSnapshotIdentifier(of.databaseIdentifier, scheduledTime, of.kind);
  const tags: Tag[] = [{ Key: DR_SOURCE_TAG, Value: 'true' }];
  try {
    const created = await createRdsSnapshot(rds, of.kind, { identifier, databaseIdentifier: of.databaseIdentifier, tags });
    return created?.arn ?? fail(`creating snapshot ${identifier} returned no ARN`);
  } catch (error) {
    const name = awsErrorName(error);
    if (SNAPSHOT_ALREADY_EXISTS.includes(name ?? '')) {
      return (await describeRdsSnapshot(rds, of.kind, identifier))?.arn ?? fail(`snapshot ${identifier} exists but cannot be described`);
    }
    if (name === 'InvalidDBInstanceStateFault' || name === 'InvalidDBClusterStateFault') {
      throw new NotReadyError(`${of.kind} ${of.databaseIdentifier} is not available for a snapshot (${name}); retrying later`);
    }
    if (name === 'SnapshotQuotaExceededFault') throw new CopyQuotaExceededError(`the source region holds the most manual snapshots allowed; ${of.databaseIdentifier} was not snapshotted`);
    throw error;
  }
}

/**
 * Deletes the manual snapshot a DR `snapshotSchedule` made, once every copy of it is available: it
 * served only as the copies' source, and kept it would fill the manual-snapshot quota in about 100
 * days. Only a snapshot named snaplake-dr-source-* *and* tagged snaplake:dr-source is ever deleted.
 */
export async function deleteSourceSnapshot(
  rds: RDSClient, snapshot: Pick<ResolvedSnapshot, 'identifier' | 'kind'>,
): Promise<{ deleted: boolean; reason?: string }> {
  if (typeof snapshot?.identifier !== 'string' || (snapshot.kind !== 'instance' && snapshot.kind !== 'cluster')) {
    throw new InvalidInputError('deleteSourceSnapshot: expected the planned snapshot with identifier and kind');
  }
  if (!snapshot.identifier.startsWith(DR_SOURCE_PREFIX)) return { deleted: false, reason: `${snapshot.identifier} is not a DR source snapshot` };
  try {
    const described = await describeRdsSnapshot(rds, snapshot.kind, snapshot.identifier);
    if (described?.tags[DR_SOURCE_TAG] !== 'true') return { deleted: false, reason: `${snapshot.identifier} lacks the ${DR_SOURCE_TAG} tag; left alone` };
    await deleteRdsSnapshot(rds, snapshot.kind, snapshot.identifier);
  } catch (error) {
    // Already gone: a retried step, or deleted by hand.
    if (SNAPSHOT_NOT_FOUND.includes(awsErrorName(error) ?? '')) return { deleted: false, reason: 'already deleted' };
    throw error;
  }
  log.info('DR source snapshot deleted', { identifier: snapshot.identifier });
  return { deleted: true };
}

export interface CopyStatus {
  readonly copyIdentifier: string;
  readonly region: string;
  readonly status: string;
  /** True when the copy already existed (a duplicate event, or a copy in progress) and this call joined it. */
  readonly joined: boolean;
}

/**
 * Copies a snapshot into its destination region with that region's key, copying tags; joins an
 * existing copy. Called with a client of the destination region. (Outside GovCloud, RDS needs no
 * presigned URL for cross-region copies.)
 */
export async function copySnapshot(destination: RDSClient, plan: PlannedCopy): Promise<CopyStatus> {
  if (typeof plan?.sourceArn !== 'string' || typeof plan.copyIdentifier !== 'string' || typeof plan.kmsKeyArn !== 'string') {
    throw new InvalidInputError('copySnapshot: expected a planned copy with sourceArn, copyIdentifier and kmsKeyArn');
  }
  try {
    const status = await copyRdsSnapshot(destination, plan.kind, {
      sourceArn: plan.sourceArn, targetIdentifier: plan.copyIdentifier, kmsKeyId: plan.kmsKeyArn, tags: COPY_TAGS(plan),
    });
    log.info('snapshot copy started', { copyIdentifier: plan.copyIdentifier, region: plan.region });
    return { copyIdentifier: plan.copyIdentifier, region: plan.region, status: status ?? 'creating', joined: false };
  } catch (error) {
    const name = awsErrorName(error);
    if (SNAPSHOT_ALREADY_EXISTS.includes(name ?? '')) {
      const { status } = await describeCopy(destination, plan);
      return { copyIdentifier: plan.copyIdentifier, region: plan.region, status, joined: true };
    }
    if (name === 'InvalidDBSnapshotStateFault' || name === 'InvalidDBClusterSnapshotStateFault') {
      throw new NotReadyError(`snapshot ${plan.sourceArn} cannot be copied yet (${name}); retrying later`);
    }
    if (name === 'SnapshotQuotaExceededFault') throw new CopyQuotaExceededError(`${plan.region} holds the most manual snapshots allowed; ${plan.copyIdentifier} was not copied`);
    if (name === 'KMSKeyNotAccessibleFault') {
      throw new CopyRejectedError(`the KMS key ${plan.kmsKeyArn} in ${plan.region} cannot be used for the copy (${name}): check its key policy and the copy role's grants`);
    }
    if (SNAPSHOT_NOT_FOUND.includes(name ?? '')) {
      throw new CopyRejectedError(`the source snapshot ${plan.sourceArn} no longer exists (${name})`);
    }
    throw error;
  }
}

/** The status of a copy in its destination region. */
export async function describeCopy(destination: RDSClient, plan: Pick<PlannedCopy, 'kind' | 'copyIdentifier' | 'region'>): Promise<CopyStatus> {
  try {
    const status = (await describeRdsSnapshot(destination, plan.kind, plan.copyIdentifier))?.status;
    if (!status) throw new NotReadyError(`copy ${plan.copyIdentifier} is not visible in ${plan.region} yet`);
    return { copyIdentifier: plan.copyIdentifier, region: plan.region, status, joined: false };
  } catch (error) {
    const name = awsErrorName(error);
    if (SNAPSHOT_NOT_FOUND.includes(name ?? '')) throw new NotReadyError(`copy ${plan.copyIdentifier} is not visible in ${plan.region} yet`);
    throw error;
  }
}

/** snaplake's copies of one database in one region, with their tags. */
export async function listCopies(
  destination: RDSClient, database: { databaseIdentifier: string; kind: Kind },
): Promise<(SnapshotCopy & { arn: string })[]> {
  const copies = await listRdsSnapshots(destination, database.kind, { databaseIdentifier: database.databaseIdentifier, type: 'manual' });
  return copies.map((s) => ({ identifier: s.identifier ?? '', arn: s.arn ?? '', status: s.status ?? '', createdAt: s.createdAt ?? new Date(NaN), tags: s.tags }));
}

export interface PruneResult {
  readonly region: string;
  /** The copies deleted: the first {@link NAMES_IN_STEP_RESULT} (a changed retention can let hundreds go at once). */
  readonly deleted: string[];
  readonly deletedCount: number;
  readonly newestCopyAgeHours?: number;
}

/** Deletes the copies retention lets go (only snaplake's tagged copies, never the last good one) and reports the newest copy's age. */
export async function pruneCopies(
  destination: RDSClient, input: { databaseIdentifier: string; kind: Kind; region: string }, policy: RetentionPolicy, now: Date = new Date(),
): Promise<PruneResult> {
  const copies = await listCopies(destination, input);
  const doomed = copiesToDelete(copies, policy, now);
  for (const copy of doomed) {
    try {
      await deleteRdsSnapshot(destination, input.kind, copy.identifier);
    } catch (error) {
      // Already gone (another run pruned it): nothing to do.
      if (!SNAPSHOT_NOT_FOUND.includes(awsErrorName(error) ?? '')) throw error;
    }
  }
  const remaining = copies.filter((c) => !doomed.includes(c) && c.tags[DR_COPY_TAG] === 'true');
  const deleted = doomed.map((c) => c.identifier);
  log.info('copies pruned', { databaseIdentifier: input.databaseIdentifier, region: input.region, deleted: deleted.slice(0, 1000), deletedCount: deleted.length });
  return {
    region: input.region,
    deleted: deleted.slice(0, NAMES_IN_STEP_RESULT),
    deletedCount: deleted.length,
    newestCopyAgeHours: newestGoodCopyAgeHours(remaining, now),
  };
}

/** Age of the newest good copy per database and region, as CloudWatch embedded metrics (a missing copy counts as very old). */
export async function reportRecoveryPoints(
  clientFor: (region: string) => RDSClient, databases: readonly { databaseIdentifier: string; kind: Kind }[], regions: readonly string[],
  namespace: string, now: Date = new Date(), emit: (line: string) => void = writeMetricRecord,
): Promise<{ databaseIdentifier: string; region: string; ageHours: number }[]> {
  const results = [];
  for (const database of databases) {
    for (const region of regions) {
      const copies = (await listCopies(clientFor(region), database)).filter((c) => c.tags[DR_COPY_TAG] === 'true');
      const ageHours = newestGoodCopyAgeHours(copies, now) ?? NO_COPY_AGE_HOURS;
      const dimensions = { [METRICS.databaseDimension]: database.databaseIdentifier, [METRICS.regionDimension]: region };
      const value = Number(ageHours.toFixed(2));
      emit(embeddedMetricRecord(namespace, dimensions, [{ metric: RECOVERY_POINT_METRIC_DEFINITIONS.newestCopyAgeHours, value }], now));
      results.push({ databaseIdentifier: database.databaseIdentifier, region, ageHours });
    }
  }
  return results;
}

/** Reported as the age when a region holds no good copy at all, so the recovery-point alarm fires. */
export const NO_COPY_AGE_HOURS = 100_000;

function fail(message: string): never {
  throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, message);
}

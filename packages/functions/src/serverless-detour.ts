import {
  DeleteDBClusterCommand, DescribeDBClustersCommand, paginateDescribeDBClusters, RDSClient, RestoreDBClusterFromSnapshotCommand, Tag,
} from '@aws-sdk/client-rds';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { EXECUTION_TAG, SOURCE_SNAPSHOT_TAG, TEMPORARY_TAG, tagValue, temporaryResourceNames, WORKFLOW_ERRORS } from '@snaplake/core';
import { NotReadyError } from './disaster-recovery';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { log } from './log';
import { createRdsSnapshot, deleteRdsSnapshot, describeRdsSnapshot, listRdsSnapshots, tagsOf } from './rds-snapshots';
import { ResolvedSnapshot } from './resolve-snapshot';

/** Where the temporary cluster of a Serverless v1 export runs: from the stage config, never hard-coded. */
export interface RestoreSettings {
  /** Provisioned engine version to restore to, per engine (`aurora-postgresql`, `aurora-mysql`). */
  readonly engineVersions: Readonly<Record<string, string>>;
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  readonly kmsKeyArn?: string;
}

export interface TemporaryResources {
  readonly clusterIdentifier: string;
  readonly snapshotIdentifier: string;
  /** Set once the temporary snapshot exists: what the export reads. */
  readonly snapshotArn?: string;
  readonly status: string;
}

const tags = (executionArn: string, source: ResolvedSnapshot): Tag[] => [
  { Key: TEMPORARY_TAG, Value: 'true' },
  { Key: EXECUTION_TAG, Value: tagValue(executionArn) },
  { Key: SOURCE_SNAPSHOT_TAG, Value: tagValue(source.arn) },
];

/** Restores a Serverless v1 snapshot to a temporary provisioned cluster (no instance needed), tagged as this execution's. */
export async function restoreTemporaryCluster(
  rds: RDSClient, input: { snapshot: ResolvedSnapshot; executionArn: string }, settings: RestoreSettings,
): Promise<TemporaryResources> {
  if (input?.snapshot?.kind !== 'cluster' || typeof input.executionArn !== 'string') {
    throw new InvalidInputError('restoreTemporaryCluster: expected a resolved cluster snapshot and the execution ARN');
  }
  const names = temporaryResourceNames(input.snapshot.databaseIdentifier, input.executionArn);
  const engineVersion = settings.engineVersions[input.snapshot.engineName];
  if (!engineVersion) {
    throw new WorkflowError(WORKFLOW_ERRORS.restoreNotConfigured, `no provisioned engine version is configured for ${input.snapshot.engineName} (serverlessV1Restore.engineVersions)`);
  }
  try {
    await rds.send(new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: names.clusterIdentifier,
      SnapshotIdentifier: input.snapshot.arn,
      Engine: input.snapshot.engineName,
      EngineVersion: engineVersion,
      EngineMode: 'provisioned',
      DBSubnetGroupName: settings.subnetGroupName,
      VpcSecurityGroupIds: [...settings.securityGroupIds],
      KmsKeyId: settings.kmsKeyArn,
      Tags: tags(input.executionArn, input.snapshot),
    }));
  } catch (error) {
    // A retried step finds its own cluster already being restored.
    if (awsErrorName(error) !== 'DBClusterAlreadyExistsFault') throw error;
  }
  log.info('temporary cluster restoring', { clusterIdentifier: names.clusterIdentifier });
  return { ...names, status: 'creating' };
}

/** The status of the temporary cluster (`available` once restored). */
export async function checkTemporaryCluster(rds: RDSClient, temporary: TemporaryResources): Promise<TemporaryResources> {
  const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: temporary.clusterIdentifier }))).DBClusters?.[0];
  if (!cluster) throw new NotReadyError(`temporary cluster ${temporary.clusterIdentifier} is not visible yet`);
  return { ...temporary, status: cluster.Status ?? 'unknown' };
}

/** Takes the manual snapshot of the temporary cluster that the export reads. */
export async function snapshotTemporaryCluster(
  rds: RDSClient, input: { snapshot: ResolvedSnapshot; temporary: TemporaryResources; executionArn: string },
): Promise<TemporaryResources> {
  try {
    const created = await createRdsSnapshot(rds, 'cluster', {
      identifier: input.temporary.snapshotIdentifier,
      databaseIdentifier: input.temporary.clusterIdentifier,
      tags: tags(input.executionArn, input.snapshot),
    });
    return { ...input.temporary, snapshotArn: created?.arn, status: created?.status ?? 'creating' };
  } catch (error) {
    if (awsErrorName(error) !== 'DBClusterSnapshotAlreadyExistsFault') throw error;
    return checkTemporarySnapshot(rds, input.temporary);
  }
}

/** The status of the temporary snapshot (`available` once taken), with its ARN. */
export async function checkTemporarySnapshot(rds: RDSClient, temporary: TemporaryResources): Promise<TemporaryResources> {
  const snapshot = await describeRdsSnapshot(rds, 'cluster', temporary.snapshotIdentifier);
  if (!snapshot) throw new NotReadyError(`temporary snapshot ${temporary.snapshotIdentifier} is not visible yet`);
  return { ...temporary, snapshotArn: snapshot.arn, status: snapshot.status ?? 'unknown' };
}

/**
 * Deletes this execution's temporary snapshot and cluster, on success and on every failure path.
 * Only resources tagged temporary *and* with this execution are deleted; anything else is left alone.
 */
export async function cleanUpTemporary(
  rds: RDSClient, input: { temporary: TemporaryResources; executionArn: string },
): Promise<{ deleted: string[]; refused: string[] }> {
  const deleted: string[] = [];
  const refused: string[] = [];
  const ours = (t: Record<string, string>) => t[TEMPORARY_TAG] === 'true' && t[EXECUTION_TAG] === tagValue(input.executionArn);
  const snapshot = await describeOrUndefined(() => describeRdsSnapshot(rds, 'cluster', input.temporary.snapshotIdentifier));
  if (snapshot && ours(snapshot.tags)) {
    await ignoreNotFound(() => deleteRdsSnapshot(rds, 'cluster', input.temporary.snapshotIdentifier));
    deleted.push(input.temporary.snapshotIdentifier);
  } else if (snapshot) {refused.push(input.temporary.snapshotIdentifier);}
  const clusterRequest = new DescribeDBClustersCommand({ DBClusterIdentifier: input.temporary.clusterIdentifier });
  const cluster = (await describeOrUndefined(() => rds.send(clusterRequest)))?.DBClusters?.[0];
  if (cluster && ours(tagsOf(cluster.TagList))) {
    const deletion = new DeleteDBClusterCommand({ DBClusterIdentifier: input.temporary.clusterIdentifier, SkipFinalSnapshot: true });
    await ignoreNotFound(() => rds.send(deletion));
    deleted.push(input.temporary.clusterIdentifier);
  } else if (cluster) {refused.push(input.temporary.clusterIdentifier);}
  if (refused.length > 0) log.warn('temporary resources not deleted: not tagged as this execution\'s', { refused });
  return { deleted, refused };
}

/**
 * Scheduled: deletes temporary clusters and snapshots older than `maxAgeHours` whose execution is no
 * longer running (orphans of a crash or a cleanup that failed), and reports what it deleted. With
 * `stateMachineName`, resources of another workflow (another stage in the same account and region)
 * are left to that stage's sweeper: this one may not even read their executions.
 */
export async function sweepTemporary(
  rds: RDSClient, sfn: SFNClient, maxAgeHours: number, now: Date = new Date(), stateMachineName?: string,
): Promise<{ deleted: string[]; othersLeft: string[] }> {
  const cutoff = now.getTime() - maxAgeHours * 3_600_000;
  const deleted: string[] = [];
  const othersLeft: string[] = [];
  // arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>
  const ours = (executionArn: string | undefined) => stateMachineName === undefined || executionArn?.split(':')[6] === stateMachineName;
  const running = async (executionArn: string | undefined) => {
    if (!executionArn) return false;
    const described = await describeOrUndefined(() => sfn.send(new DescribeExecutionCommand({ executionArn })), ['ExecutionDoesNotExist']);
    return described?.status === 'RUNNING';
  };
  for (const s of await listRdsSnapshots(rds, 'cluster', { type: 'manual' })) {
    const t = s.tags;
    if (t[TEMPORARY_TAG] !== 'true' || (s.createdAt?.getTime() ?? now.getTime()) > cutoff) continue;
    if (!ours(t[EXECUTION_TAG])) {
      othersLeft.push(s.identifier ?? '');
      continue;
    }
    if (await running(t[EXECUTION_TAG])) continue;
    await ignoreNotFound(() => deleteRdsSnapshot(rds, 'cluster', s.identifier ?? ''));
    deleted.push(s.identifier ?? '');
  }
  for await (const page of paginateDescribeDBClusters({ client: rds }, {})) {
    for (const c of page.DBClusters ?? []) {
      const t = tagsOf(c.TagList);
      if (t[TEMPORARY_TAG] !== 'true' || (c.ClusterCreateTime?.getTime() ?? now.getTime()) > cutoff) continue;
      if (!ours(t[EXECUTION_TAG])) {
        othersLeft.push(c.DBClusterIdentifier ?? '');
        continue;
      }
      if (await running(t[EXECUTION_TAG])) continue;
      await ignoreNotFound(() => rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: c.DBClusterIdentifier, SkipFinalSnapshot: true })));
      deleted.push(c.DBClusterIdentifier ?? '');
    }
  }
  log.info('temporary resources swept', { deleted, othersLeft });
  return { deleted, othersLeft };
}

const NOT_FOUND = ['DBClusterNotFoundFault', 'DBClusterSnapshotNotFoundFault'];

async function describeOrUndefined<T>(call: () => Promise<T>, notFound: string[] = NOT_FOUND): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (notFound.includes(awsErrorName(error) ?? '')) return undefined;
    throw error;
  }
}

async function ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    // Already gone, or already being deleted by an earlier attempt: the goal is met either way.
    if (!NOT_FOUND.includes(awsErrorName(error) ?? '') && awsErrorName(error) !== 'InvalidDBClusterStateFault') throw error;
  }
}

// One adapter over RDS's two snapshot APIs: DB snapshots (instances) and DB cluster snapshots
// (Aurora). Callers say which kind and get the same fields back, so no workflow step repeats an
// instance branch and a cluster branch.

import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DBClusterSnapshot,
  DBSnapshot,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBSnapshots,
  RDSClient,
  Tag,
} from '@aws-sdk/client-rds';

/** A DB instance (DB snapshots) or an Aurora DB cluster (DB cluster snapshots). */
export type Kind = 'instance' | 'cluster';

/** A DB snapshot or DB cluster snapshot, its fields named alike for both kinds. */
export interface RdsSnapshot {
  readonly kind: Kind;
  readonly identifier?: string;
  readonly arn?: string;
  /** The DB instance or DB cluster the snapshot is of. */
  readonly databaseIdentifier?: string;
  readonly engine?: string;
  /** A cluster snapshot's engine mode (`serverless` for Aurora Serverless v1); undefined for an instance. */
  readonly engineMode?: string;
  /** `available`, `creating`, `copying`, `failed` ... */
  readonly status?: string;
  readonly createdAt?: Date;
  /** An instance snapshot copy's source creation time; undefined for a cluster. */
  readonly originalCreatedAt?: Date;
  readonly tags: Record<string, string>;
}

/** The fault names RDS answers for a snapshot that does not exist, per kind. */
export const SNAPSHOT_NOT_FOUND = ['DBSnapshotNotFoundFault', 'DBClusterSnapshotNotFoundFault'];
/** The fault names for a snapshot identifier that is taken. */
export const SNAPSHOT_ALREADY_EXISTS = ['DBSnapshotAlreadyExistsFault', 'DBClusterSnapshotAlreadyExistsFault'];

export function tagsOf(list: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
}

function fromInstance(s: DBSnapshot): RdsSnapshot {
  return {
    kind: 'instance',
    identifier: s.DBSnapshotIdentifier,
    arn: s.DBSnapshotArn,
    databaseIdentifier: s.DBInstanceIdentifier,
    engine: s.Engine,
    status: s.Status,
    createdAt: s.SnapshotCreateTime,
    originalCreatedAt: s.OriginalSnapshotCreateTime,
    tags: tagsOf(s.TagList),
  };
}

function fromCluster(s: DBClusterSnapshot): RdsSnapshot {
  return {
    kind: 'cluster',
    identifier: s.DBClusterSnapshotIdentifier,
    arn: s.DBClusterSnapshotArn,
    databaseIdentifier: s.DBClusterIdentifier,
    engine: s.Engine,
    engineMode: s.EngineMode,
    status: s.Status,
    createdAt: s.SnapshotCreateTime,
    tags: tagsOf(s.TagList),
  };
}

/** The snapshot of that identifier (or ARN), undefined when RDS lists none; RDS's not-found fault is thrown as is. */
export async function describeRdsSnapshot(rds: RDSClient, kind: Kind, identifier: string): Promise<RdsSnapshot | undefined> {
  if (kind === 'instance') {
    const found = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }))).DBSnapshots?.[0];
    return found && fromInstance(found);
  }
  const found = (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }))).DBClusterSnapshots?.[0];
  return found && fromCluster(found);
}

/** Every snapshot of one type, all pages: of one database, or (with no database) of the account and region. */
export async function listRdsSnapshots(
  rds: RDSClient, kind: Kind, filter: { databaseIdentifier?: string; type: 'automated' | 'manual' },
): Promise<RdsSnapshot[]> {
  const snapshots: RdsSnapshot[] = [];
  if (kind === 'instance') {
    const pages = paginateDescribeDBSnapshots({ client: rds }, { DBInstanceIdentifier: filter.databaseIdentifier, SnapshotType: filter.type });
    for await (const page of pages) snapshots.push(...(page.DBSnapshots ?? []).map(fromInstance));
  } else {
    const pages = paginateDescribeDBClusterSnapshots({ client: rds }, { DBClusterIdentifier: filter.databaseIdentifier, SnapshotType: filter.type });
    for await (const page of pages) snapshots.push(...(page.DBClusterSnapshots ?? []).map(fromCluster));
  }
  return snapshots;
}

/** Takes a manual snapshot of a database; returns it as RDS describes it right after (status `creating`). */
export async function createRdsSnapshot(
  rds: RDSClient, kind: Kind, request: { identifier: string; databaseIdentifier: string; tags: Tag[] },
): Promise<RdsSnapshot | undefined> {
  if (kind === 'instance') {
    const created = await rds.send(new CreateDBSnapshotCommand({
      DBSnapshotIdentifier: request.identifier, DBInstanceIdentifier: request.databaseIdentifier, Tags: request.tags,
    }));
    return created.DBSnapshot && fromInstance(created.DBSnapshot);
  }
  const created = await rds.send(new CreateDBClusterSnapshotCommand({
    DBClusterSnapshotIdentifier: request.identifier, DBClusterIdentifier: request.databaseIdentifier, Tags: request.tags,
  }));
  return created.DBClusterSnapshot && fromCluster(created.DBClusterSnapshot);
}

/**
 * Copies a snapshot (by ARN, from any region) into the client's region under a new identifier,
 * encrypted with `kmsKeyId`, copying its tags and adding `tags`. Returns the copy's status.
 */
export async function copyRdsSnapshot(
  rds: RDSClient, kind: Kind, request: { sourceArn: string; targetIdentifier: string; kmsKeyId: string; tags: Tag[] },
): Promise<string | undefined> {
  const common = { KmsKeyId: request.kmsKeyId, CopyTags: true, Tags: request.tags };
  if (kind === 'instance') {
    return (await rds.send(new CopyDBSnapshotCommand({
      ...common, SourceDBSnapshotIdentifier: request.sourceArn, TargetDBSnapshotIdentifier: request.targetIdentifier,
    }))).DBSnapshot?.Status;
  }
  return (await rds.send(new CopyDBClusterSnapshotCommand({
    ...common, SourceDBClusterSnapshotIdentifier: request.sourceArn, TargetDBClusterSnapshotIdentifier: request.targetIdentifier,
  }))).DBClusterSnapshot?.Status;
}

/** Deletes a manual snapshot; RDS's faults (not found, wrong state) are thrown as they are. */
export async function deleteRdsSnapshot(rds: RDSClient, kind: Kind, identifier: string): Promise<void> {
  if (kind === 'instance') await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
  else await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier }));
}

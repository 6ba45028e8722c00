import {
  DBClusterSnapshot, DBSnapshot, DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, RDSClient,
} from '@aws-sdk/client-rds';
import { exportTaskIdentifier, latestSnapshot, SourceEngine, WORKFLOW_ERRORS } from '@snaplake/core';
import { awsErrorName, ExportRejectedError, InvalidInputError, WorkflowError } from './errors';

/** What the workflow is asked to export: one snapshot by ARN, or the latest available one of a database. */
export type ResolveSnapshotInput =
  | { readonly snapshotArn: string }
  | { readonly databaseIdentifier: string; readonly kind: 'instance' | 'cluster' };

export interface ResolvedSnapshot {
  readonly arn: string;
  readonly identifier: string;
  readonly kind: 'instance' | 'cluster';
  /** The DB instance or cluster the snapshot is of. */
  readonly databaseIdentifier: string;
  /** `postgres` or `mysql`: decides the type mapping of the catalog. */
  readonly engine: SourceEngine;
  /** The engine as RDS names it, such as `aurora-postgresql`. */
  readonly engineName: string;
  /** `serverless` for an Aurora Serverless v1 cluster snapshot, which must be restored before it can be exported. */
  readonly engineMode: string;
  /** `available`, `creating`, ...: the workflow waits while `creating`. */
  readonly status: string;
  readonly snapshotTime: string;
  readonly exportTaskIdentifier: string;
  /** The database's `exportOnly` list from the stage configuration; empty exports everything. */
  readonly exportOnly: string[];
}

/** No snapshot matches: a wrong ARN, a deleted snapshot, or a database with no available automated snapshot. */
export class SnapshotNotFoundError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.snapshotNotFound, message);
  }
}

const SNAPSHOT_ARN = /^arn:[\w-]+:rds:[\w-]+:\d{12}:(snapshot|cluster-snapshot):(.+)$/;

/** Finds the snapshot to export and everything the later steps need to know about it. */
export async function resolveSnapshot(
  rds: RDSClient, input: ResolveSnapshotInput, exportIdPrefix?: string, options: ResolveOptions = {},
): Promise<ResolvedSnapshot> {
  const resolved = await resolve(rds, input, exportIdPrefix, options);
  return { ...resolved, exportOnly: [...(options.exportScopes?.[resolved.databaseIdentifier] ?? [])] };
}

export interface ResolveOptions {
  readonly allowServerlessV1?: boolean;
  /** `exportOnly` per database identifier; a database not listed is exported whole. */
  readonly exportScopes?: Readonly<Record<string, readonly string[]>>;
}

async function resolve(
  rds: RDSClient, input: ResolveSnapshotInput, exportIdPrefix: string | undefined, options: ResolveOptions,
): Promise<Omit<ResolvedSnapshot, 'exportOnly'>> {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError(`resolveSnapshot: expected { snapshotArn } or { databaseIdentifier, kind }, got ${JSON.stringify(input)}`);
  if ('snapshotArn' in input && input.snapshotArn !== undefined) {
    const match = typeof input.snapshotArn === 'string' ? SNAPSHOT_ARN.exec(input.snapshotArn) : null;
    if (!match) throw new InvalidInputError(`resolveSnapshot: snapshotArn ${JSON.stringify(input.snapshotArn)} is not a DB snapshot or DB cluster snapshot ARN`);
    const [, type, identifier] = match as unknown as [string, string, string];
    return type === 'snapshot'
      ? fromInstanceSnapshot(await describeOne(rds, 'instance', identifier), exportIdPrefix)
      : fromClusterSnapshot(await describeOne(rds, 'cluster', identifier), exportIdPrefix, options.allowServerlessV1);
  }
  if ('databaseIdentifier' in input && typeof input.databaseIdentifier === 'string' && input.databaseIdentifier !== '') {
    if (input.kind !== 'instance' && input.kind !== 'cluster') {
      throw new InvalidInputError(`resolveSnapshot: kind must be 'instance' or 'cluster', got ${JSON.stringify(input.kind)}`);
    }
    return input.kind === 'instance'
      ? fromInstanceSnapshot(await latestInstanceSnapshot(rds, input.databaseIdentifier), exportIdPrefix)
      : fromClusterSnapshot(await latestClusterSnapshot(rds, input.databaseIdentifier), exportIdPrefix, options.allowServerlessV1);
  }
  throw new InvalidInputError(`resolveSnapshot: expected { snapshotArn } or { databaseIdentifier, kind }, got ${JSON.stringify(input)}`);
}

async function describeOne(rds: RDSClient, kind: 'instance', identifier: string): Promise<DBSnapshot>;
async function describeOne(rds: RDSClient, kind: 'cluster', identifier: string): Promise<DBClusterSnapshot>;
async function describeOne(rds: RDSClient, kind: 'instance' | 'cluster', identifier: string): Promise<DBSnapshot | DBClusterSnapshot> {
  try {
    const found = kind === 'instance'
      ? (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }))).DBSnapshots?.[0]
      : (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }))).DBClusterSnapshots?.[0];
    if (!found) throw new SnapshotNotFoundError(`${kind} snapshot ${identifier} was not found`);
    return found;
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'DBSnapshotNotFoundFault' || name === 'DBClusterSnapshotNotFoundFault') {
      throw new SnapshotNotFoundError(`${kind} snapshot ${identifier} does not exist (${name})`);
    }
    throw error;
  }
}

async function latestInstanceSnapshot(rds: RDSClient, db: string): Promise<DBSnapshot> {
  const all: DBSnapshot[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: db, SnapshotType: 'automated', Marker: marker }));
    all.push(...(page.DBSnapshots ?? []));
    marker = page.Marker;
  } while (marker);
  const latest = latestSnapshot(all.map((s) => ({ snapshot: s, identifier: s.DBSnapshotIdentifier ?? '', arn: s.DBSnapshotArn ?? '', status: s.Status ?? '', createdAt: s.SnapshotCreateTime })));
  if (!latest) throw new SnapshotNotFoundError(`DB instance ${db} has no available automated snapshot`);
  return latest.snapshot;
}

async function latestClusterSnapshot(rds: RDSClient, cluster: string): Promise<DBClusterSnapshot> {
  const all: DBClusterSnapshot[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: cluster, SnapshotType: 'automated', Marker: marker }));
    all.push(...(page.DBClusterSnapshots ?? []));
    marker = page.Marker;
  } while (marker);
  const latest = latestSnapshot(all.map((s) => ({ snapshot: s, identifier: s.DBClusterSnapshotIdentifier ?? '', arn: s.DBClusterSnapshotArn ?? '', status: s.Status ?? '', createdAt: s.SnapshotCreateTime })));
  if (!latest) throw new SnapshotNotFoundError(`DB cluster ${cluster} has no available automated snapshot`);
  return latest.snapshot;
}

function fromInstanceSnapshot(s: DBSnapshot, prefix?: string): Omit<ResolvedSnapshot, 'exportOnly'> {
  const identifier = required(s.DBSnapshotIdentifier, 'DBSnapshotIdentifier');
  return {
    arn: required(s.DBSnapshotArn, 'DBSnapshotArn'),
    identifier,
    kind: 'instance',
    databaseIdentifier: required(s.DBInstanceIdentifier, 'DBInstanceIdentifier'),
    engine: engineFamily(s.Engine, identifier),
    engineName: s.Engine ?? '',
    engineMode: 'provisioned',
    status: s.Status ?? 'unknown',
    snapshotTime: (s.SnapshotCreateTime ?? s.OriginalSnapshotCreateTime)?.toISOString() ?? '',
    exportTaskIdentifier: exportTaskIdentifier(identifier, prefix),
  };
}

function fromClusterSnapshot(s: DBClusterSnapshot, prefix?: string, allowServerlessV1 = false): Omit<ResolvedSnapshot, 'exportOnly'> {
  const identifier = required(s.DBClusterSnapshotIdentifier, 'DBClusterSnapshotIdentifier');
  if (s.EngineMode === 'serverless' && !allowServerlessV1) {
    throw new ExportRejectedError(`cluster snapshot ${identifier} is of an Aurora Serverless v1 cluster, whose snapshots RDS cannot export; configure serverlessV1Restore for the stage to export it through a temporary cluster`);
  }
  return {
    arn: required(s.DBClusterSnapshotArn, 'DBClusterSnapshotArn'),
    identifier,
    kind: 'cluster',
    databaseIdentifier: required(s.DBClusterIdentifier, 'DBClusterIdentifier'),
    engine: engineFamily(s.Engine, identifier),
    engineName: s.Engine ?? '',
    engineMode: s.EngineMode ?? 'provisioned',
    status: s.Status ?? 'unknown',
    snapshotTime: s.SnapshotCreateTime?.toISOString() ?? '',
    exportTaskIdentifier: exportTaskIdentifier(identifier, prefix),
  };
}

function engineFamily(engine: string | undefined, identifier: string): SourceEngine {
  if (engine?.includes('postgres')) return 'postgres';
  if (engine?.includes('mysql') || engine?.includes('mariadb')) return 'mysql';
  throw new ExportRejectedError(`snapshot ${identifier} is of engine ${JSON.stringify(engine)}; snaplake exports PostgreSQL, MySQL and MariaDB snapshots`);
}

function required(value: string | undefined, field: string): string {
  if (!value) throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, `RDS returned a snapshot without ${field}`);
  return value;
}

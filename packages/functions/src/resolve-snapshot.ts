import { RDSClient } from '@aws-sdk/client-rds';
import { exportTaskIdentifier, latestSnapshot, SourceEngine, WORKFLOW_ERRORS } from '@snaplake/core';
import { awsErrorName, ExportRejectedError, InvalidInputError, WorkflowError } from './errors';
import { describeRdsSnapshot, Kind, listRdsSnapshots, RdsSnapshot, SNAPSHOT_NOT_FOUND } from './rds-snapshots';

/** What the workflow is asked to export: one snapshot by ARN, or the latest available one of a database. */
export type ResolveSnapshotInput =
  | { readonly snapshotArn: string }
  | { readonly databaseIdentifier: string; readonly kind: Kind };

export interface ResolvedSnapshot {
  readonly arn: string;
  readonly identifier: string;
  readonly kind: Kind;
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
    return fromSnapshot(await describeOne(rds, type === 'snapshot' ? 'instance' : 'cluster', identifier), exportIdPrefix, options.allowServerlessV1);
  }
  if ('databaseIdentifier' in input && typeof input.databaseIdentifier === 'string' && input.databaseIdentifier !== '') {
    if (input.kind !== 'instance' && input.kind !== 'cluster') {
      throw new InvalidInputError(`resolveSnapshot: kind must be 'instance' or 'cluster', got ${JSON.stringify(input.kind)}`);
    }
    return fromSnapshot(await latestAutomatedSnapshot(rds, input.kind, input.databaseIdentifier), exportIdPrefix, options.allowServerlessV1);
  }
  throw new InvalidInputError(`resolveSnapshot: expected { snapshotArn } or { databaseIdentifier, kind }, got ${JSON.stringify(input)}`);
}

async function describeOne(rds: RDSClient, kind: Kind, identifier: string): Promise<RdsSnapshot> {
  try {
    const found = await describeRdsSnapshot(rds, kind, identifier);
    if (!found) throw new SnapshotNotFoundError(`${kind} snapshot ${identifier} was not found`);
    return found;
  } catch (error) {
    const name = awsErrorName(error);
    if (SNAPSHOT_NOT_FOUND.includes(name ?? '')) throw new SnapshotNotFoundError(`${kind} snapshot ${identifier} does not exist (${name})`);
    throw error;
  }
}

async function latestAutomatedSnapshot(rds: RDSClient, kind: Kind, databaseIdentifier: string): Promise<RdsSnapshot> {
  const all = await listRdsSnapshots(rds, kind, { databaseIdentifier, type: 'automated' });
  const latest = latestSnapshot(all.map((s) => ({ snapshot: s, identifier: s.identifier ?? '', arn: s.arn ?? '', status: s.status ?? '', createdAt: s.createdAt })));
  if (!latest) throw new SnapshotNotFoundError(`DB ${kind} ${databaseIdentifier} has no available automated snapshot`);
  return latest.snapshot;
}

function fromSnapshot(s: RdsSnapshot, prefix: string | undefined, allowServerlessV1 = false): Omit<ResolvedSnapshot, 'exportOnly'> {
  const identifier = required(s.identifier, 'identifier');
  if (s.engineMode === 'serverless' && !allowServerlessV1) {
    throw new ExportRejectedError(`cluster snapshot ${identifier} is of an Aurora Serverless v1 cluster, whose snapshots RDS cannot export; configure serverlessV1Restore for the stage to export it through a temporary cluster`);
  }
  return {
    arn: required(s.arn, 'ARN'),
    identifier,
    kind: s.kind,
    databaseIdentifier: required(s.databaseIdentifier, s.kind === 'instance' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier'),
    engine: engineFamily(s.engine, identifier),
    engineName: s.engine ?? '',
    engineMode: s.engineMode ?? 'provisioned',
    status: s.status ?? 'unknown',
    snapshotTime: (s.createdAt ?? s.originalCreatedAt)?.toISOString() ?? '',
    exportTaskIdentifier: exportTaskIdentifier(identifier, prefix),
  };
}

function engineFamily(engine: string | undefined, identifier: string): SourceEngine {
  if (engine?.includes('postgres')) return 'postgres';
  if (engine?.includes('mysql') || engine?.includes('mariadb')) return 'mysql';
  throw new ExportRejectedError(`snapshot ${identifier} is of engine ${JSON.stringify(engine)}; snaplake exports PostgreSQL, MySQL and MariaDB snapshots`);
}

function required(value: string | undefined, field: string): string {
  if (!value) throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, `RDS returned a snapshot without its ${field}`);
  return value;
}

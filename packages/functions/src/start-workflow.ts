import { DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createdSnapshotOf, DR_SOURCE_PREFIX, executionName as executionNameOf, InvalidEventError, parseRdsEvent } from '@snaplake/core';
import { awsErrorName } from './errors';
import { log } from './log';

/** A database whose every snapshot is exported, as configured for the stage. */
export interface WatchedDatabase {
  readonly identifier: string;
  readonly kind: 'instance' | 'cluster';
  readonly includeAwsBackupSnapshots: boolean;
}

export type StartWorkflowResult =
  | { readonly started: true; readonly executionName: string; readonly snapshotArn: string }
  | { readonly started: false; readonly reason: string };

/**
 * Turns an RDS "snapshot created" event into one workflow execution. The execution is named after the
 * snapshot, so the same event delivered twice (or by EventBridge and SNS) starts one execution.
 * Events of other databases, and other events, are ignored with a reason.
 */
export async function startWorkflow(
  clients: { rds: RDSClient; sfn: SFNClient }, event: unknown,
  settings: { stateMachineArn: string; databases: readonly WatchedDatabase[]; exportIdScope?: string },
): Promise<StartWorkflowResult> {
  let parsed;
  try {
    parsed = parseRdsEvent(event);
  } catch (error) {
    // A malformed event is dropped with a warning: retrying it cannot help, and it holds no data to lose.
    if (error instanceof InvalidEventError) return ignored(`not an RDS event: ${error.message}`);
    throw error;
  }
  const snapshot = createdSnapshotOf(parsed);
  if (!snapshot) return ignored(`${parsed.eventId} does not announce a created snapshot`);
  // Made by a DR snapshotSchedule only to be copied, then deleted: the same data as the database's own snapshots.
  if (snapshot.snapshotIdentifier.startsWith(DR_SOURCE_PREFIX)) {
    return ignored(`snapshot ${snapshot.snapshotIdentifier} is a disaster-recovery source snapshot, made to be copied and then deleted; it is not exported`);
  }
  const database = await databaseOf(clients.rds, snapshot.kind, snapshot.snapshotIdentifier);
  if (database === undefined) return ignored(`snapshot ${snapshot.snapshotIdentifier} no longer exists`);
  const watched = settings.databases.find((d) => d.identifier === database && d.kind === snapshot.kind);
  if (!watched) return ignored(`snapshot ${snapshot.snapshotIdentifier} is of ${snapshot.kind} ${database}, which this stage does not export on every snapshot`);
  if (snapshot.origin === 'aws-backup' && !watched.includeAwsBackupSnapshots) {
    return ignored(`snapshot ${snapshot.snapshotIdentifier} was made by AWS Backup and includeAwsBackupSnapshots is off for ${database}`);
  }
  const executionName = executionNameOf(snapshot.snapshotIdentifier, settings.exportIdScope);
  try {
    await clients.sfn.send(new StartExecutionCommand({
      stateMachineArn: settings.stateMachineArn,
      name: executionName,
      input: JSON.stringify({ snapshotArn: snapshot.snapshotArn, trigger: 'event' }),
    }));
  } catch (error) {
    if (awsErrorName(error) === 'ExecutionAlreadyExists') return ignored(`execution ${executionName} already exists: a duplicate event`);
    throw error;
  }
  log.info('workflow started', { executionName, snapshotArn: snapshot.snapshotArn, database });
  return { started: true, executionName, snapshotArn: snapshot.snapshotArn };
}

async function databaseOf(rds: RDSClient, kind: 'instance' | 'cluster', snapshotIdentifier: string): Promise<string | undefined> {
  try {
    if (kind === 'instance') {
      return (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotIdentifier }))).DBSnapshots?.[0]?.DBInstanceIdentifier;
    }
    const clusterSnapshots = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotIdentifier }));
    return clusterSnapshots.DBClusterSnapshots?.[0]?.DBClusterIdentifier;
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'DBSnapshotNotFoundFault' || name === 'DBClusterSnapshotNotFoundFault') return undefined;
    throw error;
  }
}

function ignored(reason: string): StartWorkflowResult {
  log.warn('event ignored', { reason });
  return { started: false, reason };
}

import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig } from '../aws-clients';
import { isRecord, jsonEnv, listOf, optionalEnv, requiredEnv } from '../env';
import { startWorkflow, StartWorkflowResult, WatchedDatabase } from '../start-workflow';

const rds = new RDSClient(clientConfig());
const sfn = new SFNClient(clientConfig());

const isWatchedDatabase = (value: unknown): value is WatchedDatabase => isRecord(value) && typeof value.identifier === 'string'
  && (value.kind === 'instance' || value.kind === 'cluster') && typeof value.includeAwsBackupSnapshots === 'boolean';

function watchedDatabases(): WatchedDatabase[] {
  return jsonEnv('WATCHED_DATABASES', { expected: 'a list of { identifier, kind: instance | cluster, includeAwsBackupSnapshots }', matches: listOf(isWatchedDatabase) });
}

/** EventBridge target: start one export workflow per created snapshot of a watched database. */
export async function handler(event: unknown): Promise<StartWorkflowResult> {
  return startWorkflow({ rds, sfn }, event, {
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'), databases: watchedDatabases(), exportIdScope: optionalEnv('EXPORT_ID_SCOPE'),
  });
}

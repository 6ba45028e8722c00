import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig } from '../aws-clients';
import { optionalEnv, requiredEnv } from '../env';
import { jsonVariable } from '../environment';
import { startWorkflow, StartWorkflowResult, WatchedDatabase } from '../start-workflow';

const rds = new RDSClient(clientConfig());
const sfn = new SFNClient(clientConfig());

function watchedDatabases(): WatchedDatabase[] {
  return jsonVariable('WATCHED_DATABASES');
}

/** EventBridge target: start one export workflow per created snapshot of a watched database. */
export async function handler(event: unknown): Promise<StartWorkflowResult> {
  return startWorkflow({ rds, sfn }, event, {
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'), databases: watchedDatabases(), exportIdScope: optionalEnv('EXPORT_ID_SCOPE'),
  });
}

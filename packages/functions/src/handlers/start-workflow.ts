import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';
import { startWorkflow, StartWorkflowResult, WatchedDatabase } from '../start-workflow';

const rds = new RDSClient({});
const sfn = new SFNClient({});

function watchedDatabases(): WatchedDatabase[] {
  try {
    return JSON.parse(requiredEnv('WATCHED_DATABASES')) as WatchedDatabase[];
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`WATCHED_DATABASES is not JSON: ${(error as Error).message}`);
  }
}

/** EventBridge target: start one export workflow per created snapshot of a watched database. */
export async function handler(event: unknown): Promise<StartWorkflowResult> {
  return startWorkflow({ rds, sfn }, event, {
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'), databases: watchedDatabases(), exportIdScope: process.env.EXPORT_ID_SCOPE || undefined,
  });
}

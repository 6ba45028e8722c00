import { AthenaClient } from '@aws-sdk/client-athena';
import { clientConfig } from '../aws-clients';
import { optionalEnv, requiredEnv } from '../env';
import { ScheduledRun, startScheduledQuery, StartedRun } from '../scheduled-query-steps';

const athena = new AthenaClient(clientConfig());

/** Step Functions task: start one run of a scheduled query. */
export async function handler(run: ScheduledRun): Promise<StartedRun> {
  return startScheduledQuery(athena, run, {
    resultsBucket: requiredEnv('RESULTS_BUCKET_NAME'),
    defaultWorkgroup: requiredEnv('WORKGROUP'),
    resultsKmsKeyArn: optionalEnv('RESULTS_KMS_KEY_ARN'),
  });
}

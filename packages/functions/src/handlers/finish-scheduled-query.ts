import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../aws-clients';
import { requiredEnv } from '../env';
import { finishScheduledQuery, FinishedRun } from '../scheduled-query-steps';

const s3 = new S3Client(clientConfig());

/** Step Functions task: record a run's metrics and keep its result as latest.csv when asked. */
export async function handler(input: Parameters<typeof finishScheduledQuery>[1]): Promise<FinishedRun> {
  return finishScheduledQuery(s3, input, { resultsBucket: requiredEnv('RESULTS_BUCKET_NAME'), namespace: requiredEnv('METRICS_NAMESPACE') });
}

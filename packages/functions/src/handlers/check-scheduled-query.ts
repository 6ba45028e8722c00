import { AthenaClient } from '@aws-sdk/client-athena';
import { clientConfig } from '../aws-clients';
import { CheckedRun, checkScheduledQuery } from '../scheduled-query-steps';

const athena = new AthenaClient(clientConfig());

/** Step Functions task: check a running scheduled query and say how long to wait before the next check. */
export async function handler(input: { queryExecutionId: string; check?: number }): Promise<CheckedRun> {
  return checkScheduledQuery(athena, input);
}

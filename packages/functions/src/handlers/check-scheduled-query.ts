import { AthenaClient } from '@aws-sdk/client-athena';
import { CheckedRun, checkScheduledQuery } from '../scheduled-query-steps';

const athena = new AthenaClient({});

/** Step Functions task: check a running scheduled query and say how long to wait before the next check. */
export async function handler(input: { queryExecutionId: string; check?: number }): Promise<CheckedRun> {
  return checkScheduledQuery(athena, input);
}

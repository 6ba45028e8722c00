import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { CopyPlan, deleteSourceSnapshot, planCopies } from '../disaster-recovery';
import { requiredEnv } from '../env';
import { jsonVariable } from '../environment';

const rds = new RDSClient(clientConfig());

type PlanInput = Parameters<typeof planCopies>[1] | { deleteSource: Parameters<typeof deleteSourceSnapshot>[1] };

/**
 * Step Functions task: the snapshot to copy (made first on a schedule) and one planned copy per
 * destination region; with `deleteSource`, the scheduled source snapshot once its copies are available.
 */
export async function handler(input: PlanInput): Promise<CopyPlan | Awaited<ReturnType<typeof deleteSourceSnapshot>>> {
  if (input && 'deleteSource' in input) return deleteSourceSnapshot(rds, input.deleteSource);
  const destinations = jsonVariable('COPY_DESTINATIONS');
  return planCopies(rds, input as Parameters<typeof planCopies>[1], { sourceRegion: requiredEnv('AWS_REGION'), destinations });
}

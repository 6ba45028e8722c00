import { RDSClient } from '@aws-sdk/client-rds';
import { CopyDestination, CopyPlan, deleteSourceSnapshot, planCopies } from '../disaster-recovery';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';

const rds = new RDSClient({});

type PlanInput = Parameters<typeof planCopies>[1] | { deleteSource: Parameters<typeof deleteSourceSnapshot>[1] };

/**
 * Step Functions task: the snapshot to copy (made first on a schedule) and one planned copy per
 * destination region; with `deleteSource`, the scheduled source snapshot once its copies are available.
 */
export async function handler(input: PlanInput): Promise<CopyPlan | Awaited<ReturnType<typeof deleteSourceSnapshot>>> {
  if (input && 'deleteSource' in input) return deleteSourceSnapshot(rds, input.deleteSource);
  let destinations: CopyDestination[];
  try {
    destinations = JSON.parse(requiredEnv('COPY_DESTINATIONS')) as CopyDestination[];
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`COPY_DESTINATIONS is not JSON: ${(error as Error).message}`);
  }
  return planCopies(rds, input as Parameters<typeof planCopies>[1], { sourceRegion: requiredEnv('AWS_REGION'), destinations });
}

import { RDSClient } from '@aws-sdk/client-rds';
import { CopyDestination, CopyPlan, planCopies } from '../disaster-recovery';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';

const rds = new RDSClient({});

/** Step Functions task: the snapshot to copy (made first on a schedule) and one planned copy per destination region. */
export async function handler(input: Parameters<typeof planCopies>[1]): Promise<CopyPlan> {
  let destinations: CopyDestination[];
  try {
    destinations = JSON.parse(requiredEnv('COPY_DESTINATIONS')) as CopyDestination[];
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`COPY_DESTINATIONS is not JSON: ${(error as Error).message}`);
  }
  return planCopies(rds, input, { sourceRegion: requiredEnv('AWS_REGION'), destinations });
}

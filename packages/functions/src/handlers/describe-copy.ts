import { CopyStatus, describeCopy, PlannedCopy } from '../disaster-recovery';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: the status of a copy in its destination region. */
export async function handler(plan: PlannedCopy): Promise<CopyStatus> {
  return describeCopy(rdsClientFor(plan.region), plan);
}

import { copySnapshot, CopyStatus, PlannedCopy } from '../disaster-recovery';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: start (or join) the copy of a snapshot in one destination region. */
export async function handler(plan: PlannedCopy): Promise<CopyStatus> {
  return copySnapshot(rdsClientFor(plan.region), plan);
}

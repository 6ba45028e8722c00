import { PlannedCopy, pruneCopies, PruneResult } from '../disaster-recovery';
import { optionalIntegerVariable } from '../environment';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: apply the retention policy to snaplake's copies of one database in one region. */
export async function handler(plan: PlannedCopy): Promise<PruneResult> {
  const keepLast = optionalIntegerVariable('KEEP_LAST');
  const maxAgeDays = optionalIntegerVariable('MAX_AGE_DAYS');
  return pruneCopies(rdsClientFor(plan.region), plan, { keepLast, maxAgeDays });
}

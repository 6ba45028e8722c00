import { PlannedCopy, pruneCopies, PruneResult } from '../disaster-recovery';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: apply the retention policy to snaplake's copies of one database in one region. */
export async function handler(plan: PlannedCopy): Promise<PruneResult> {
  const keepLast = process.env.KEEP_LAST ? Number(process.env.KEEP_LAST) : undefined;
  const maxAgeDays = process.env.MAX_AGE_DAYS ? Number(process.env.MAX_AGE_DAYS) : undefined;
  return pruneCopies(rdsClientFor(plan.region), plan, { keepLast, maxAgeDays });
}

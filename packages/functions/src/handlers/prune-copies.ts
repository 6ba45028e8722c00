import { PlannedCopy, pruneCopies, PruneResult } from '../disaster-recovery';
import { optionalIntegerEnv } from '../env';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: apply the retention policy to snaplake's copies of one database in one region. */
export async function handler(plan: PlannedCopy): Promise<PruneResult> {
  // The bounds of the stage config's disasterRecovery.retention (keepLast, maxAgeDays).
  const keepLast = optionalIntegerEnv('KEEP_LAST', { min: 1, max: 1000 });
  const maxAgeDays = optionalIntegerEnv('MAX_AGE_DAYS', { min: 1, max: 3650 });
  return pruneCopies(rdsClientFor(plan.region), plan, { keepLast, maxAgeDays });
}

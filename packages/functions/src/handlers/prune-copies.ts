import { SETTING_BOUNDS } from '@snaplake/core';
import { PlannedCopy, pruneCopies, PruneResult } from '../disaster-recovery';
import { optionalIntegerEnv } from '../env';
import { rdsClientFor } from '../regional-clients';

/** Step Functions task: apply the retention policy to snaplake's copies of one database in one region. */
export async function handler(plan: PlannedCopy): Promise<PruneResult> {
  const keepLast = optionalIntegerEnv('KEEP_LAST', SETTING_BOUNDS.keepLast);
  const maxAgeDays = optionalIntegerEnv('MAX_AGE_DAYS', SETTING_BOUNDS.maxAgeDays);
  return pruneCopies(rdsClientFor(plan.region), plan, { keepLast, maxAgeDays });
}

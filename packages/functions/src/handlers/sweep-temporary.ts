import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { requiredEnv } from '../env';
import { sweepTemporary } from '../serverless-detour';

const rds = new RDSClient({});
const sfn = new SFNClient({});

/** Scheduled: delete temporary clusters and snapshots left by executions that ended without cleaning up. */
export async function handler() {
  return sweepTemporary(rds, sfn, Number(requiredEnv('SWEEP_AFTER_HOURS')), new Date(), process.env.STATE_MACHINE_NAME || undefined);
}

import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SETTING_BOUNDS } from '@snaplake/core';
import { clientConfig } from '../aws-clients';
import { integerEnv, optionalEnv } from '../env';
import { sweepTemporary } from '../serverless-detour';

const rds = new RDSClient(clientConfig());
const sfn = new SFNClient(clientConfig());

/** Scheduled: delete temporary clusters and snapshots left by executions that ended without cleaning up. */
export async function handler() {
  const sweepAfterHours = integerEnv('SWEEP_AFTER_HOURS', SETTING_BOUNDS.sweepAfterHours);
  return sweepTemporary(rds, sfn, sweepAfterHours, new Date(), optionalEnv('STATE_MACHINE_NAME'));
}

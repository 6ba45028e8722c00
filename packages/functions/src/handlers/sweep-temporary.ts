import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig } from '../aws-clients';
import { optionalEnv } from '../env';
import { integerVariable } from '../environment';
import { sweepTemporary } from '../serverless-detour';

const rds = new RDSClient(clientConfig());
const sfn = new SFNClient(clientConfig());

/** Scheduled: delete temporary clusters and snapshots left by executions that ended without cleaning up. */
export async function handler() {
  const sweepAfterHours = integerVariable('SWEEP_AFTER_HOURS');
  return sweepTemporary(rds, sfn, sweepAfterHours, new Date(), optionalEnv('STATE_MACHINE_NAME'));
}

import { reportRecoveryPoints } from '../disaster-recovery';
import { requiredEnv } from '../env';
import { jsonVariable } from '../environment';
import { rdsClientFor } from '../regional-clients';

/** Scheduled: emit the age of the newest good copy per database and region, for the recovery-point alarms. */
export async function handler() {
  const databases = jsonVariable('COPIED_DATABASES');
  const regions = jsonVariable('DESTINATION_REGIONS');
  return reportRecoveryPoints(rdsClientFor, databases, regions, requiredEnv('METRICS_NAMESPACE'));
}

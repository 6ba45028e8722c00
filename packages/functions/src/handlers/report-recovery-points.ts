import { Kind, reportRecoveryPoints } from '../disaster-recovery';
import { requiredEnv } from '../env';
import { rdsClientFor } from '../regional-clients';

/** Scheduled: emit the age of the newest good copy per database and region, for the recovery-point alarms. */
export async function handler() {
  const databases = JSON.parse(requiredEnv('COPIED_DATABASES')) as { databaseIdentifier: string; kind: Kind }[];
  const regions = JSON.parse(requiredEnv('DESTINATION_REGIONS')) as string[];
  return reportRecoveryPoints(rdsClientFor, databases, regions, requiredEnv('METRICS_NAMESPACE'));
}

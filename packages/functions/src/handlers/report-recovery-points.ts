import { Kind, reportRecoveryPoints } from '../disaster-recovery';
import { isStringList, jsonEnv, listOf, requiredEnv } from '../env';
import { rdsClientFor } from '../regional-clients';

const isCopiedDatabase = (value: unknown): value is { databaseIdentifier: string; kind: Kind } =>
  typeof value === 'object' && value !== null
  && typeof (value as { databaseIdentifier?: unknown }).databaseIdentifier === 'string'
  && ['instance', 'cluster'].includes((value as { kind?: unknown }).kind as string);

/** Scheduled: emit the age of the newest good copy per database and region, for the recovery-point alarms. */
export async function handler() {
  const databases = jsonEnv('COPIED_DATABASES', { expected: 'a list of { databaseIdentifier, kind: instance | cluster }', matches: listOf(isCopiedDatabase) });
  const regions = jsonEnv('DESTINATION_REGIONS', { expected: 'a list of region names', matches: isStringList });
  return reportRecoveryPoints(rdsClientFor, databases, regions, requiredEnv('METRICS_NAMESPACE'));
}

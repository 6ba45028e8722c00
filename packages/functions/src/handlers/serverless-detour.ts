import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { isRecord, isString, isStringList, jsonEnv, recordOf } from '../env';
import { InvalidInputError } from '../errors';
import { ResolvedSnapshot } from '../resolve-snapshot';
import {
  checkTemporaryCluster,
  checkTemporarySnapshot,
  cleanUpTemporary,
  restoreTemporaryCluster,
  RestoreSettings,
  snapshotTemporaryCluster,
  TemporaryResources,
} from '../serverless-detour';

const rds = new RDSClient(clientConfig());

const isRestoreSettings = (value: unknown): value is RestoreSettings => isRecord(value) && recordOf(isString)(value.engineVersions)
  && isString(value.subnetGroupName) && isStringList(value.securityGroupIds) && (value.kmsKeyArn === undefined || isString(value.kmsKeyArn));

type DetourInput =
  | { step: 'restore'; snapshot: ResolvedSnapshot; executionArn: string }
  | { step: 'check-cluster' | 'check-snapshot'; temporary: TemporaryResources }
  | { step: 'snapshot'; snapshot: ResolvedSnapshot; temporary: TemporaryResources; executionArn: string }
  | { step: 'clean-up'; temporary: TemporaryResources; executionArn: string };

/** Step Functions tasks of the Aurora Serverless v1 detour, one function for its steps (they share one role). */
export async function handler(input: DetourInput) {
  switch (input?.step) {
    case 'restore':
      return restoreTemporaryCluster(rds, input, jsonEnv('RESTORE_SETTINGS', {
        expected: '{ engineVersions: { <engine>: <version> }, subnetGroupName, securityGroupIds: [...], kmsKeyArn? }', matches: isRestoreSettings,
      }));
    case 'check-cluster':
      return checkTemporaryCluster(rds, input.temporary);
    case 'snapshot':
      return snapshotTemporaryCluster(rds, input);
    case 'check-snapshot':
      return checkTemporarySnapshot(rds, input.temporary);
    case 'clean-up':
      return cleanUpTemporary(rds, input);
    default:
      throw new InvalidInputError(`serverless-detour: unknown step ${JSON.stringify((input as { step?: unknown })?.step)}`);
  }
}

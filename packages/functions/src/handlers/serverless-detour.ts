import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { jsonVariable } from '../environment';
import { InvalidInputError } from '../errors';
import { ResolvedSnapshot } from '../resolve-snapshot';
import {
  checkTemporaryCluster,
  checkTemporarySnapshot,
  cleanUpTemporary,
  restoreTemporaryCluster,
  snapshotTemporaryCluster,
  TemporaryResources,
} from '../serverless-detour';

const rds = new RDSClient(clientConfig());

type DetourInput =
  | { step: 'restore'; snapshot: ResolvedSnapshot; executionArn: string }
  | { step: 'check-cluster' | 'check-snapshot'; temporary: TemporaryResources }
  | { step: 'snapshot'; snapshot: ResolvedSnapshot; temporary: TemporaryResources; executionArn: string }
  | { step: 'clean-up'; temporary: TemporaryResources; executionArn: string };

/** Step Functions tasks of the Aurora Serverless v1 detour, one function for its steps (they share one role). */
export async function handler(input: DetourInput) {
  switch (input?.step) {
    case 'restore':
      return restoreTemporaryCluster(rds, input, jsonVariable('RESTORE_SETTINGS'));
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

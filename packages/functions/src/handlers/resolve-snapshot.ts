import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { optionalEnv } from '../env';
import { optionalJsonVariable } from '../environment';
import { resolveSnapshot, ResolveSnapshotInput, ResolvedSnapshot } from '../resolve-snapshot';

const rds = new RDSClient(clientConfig());

/** Step Functions task: find the snapshot to export (or the latest of a database) and its export id. */
export async function handler(input: ResolveSnapshotInput): Promise<ResolvedSnapshot> {
  // EXPORT_SCOPES: `{ "<database identifier>": ["shop", "shop.public.orders"] }`, set by the stack from `exportOnly`.
  const exportScopes = optionalJsonVariable('EXPORT_SCOPES') ?? {};
  return resolveSnapshot(rds, input, optionalEnv('EXPORT_ID_PREFIX'), {
    allowServerlessV1: optionalEnv('SERVERLESS_V1_RESTORE') === 'on',
    exportScopes,
  });
}

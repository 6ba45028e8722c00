import { RDSClient } from '@aws-sdk/client-rds';
import { InvalidInputError } from '../errors';
import { resolveSnapshot, ResolveSnapshotInput, ResolvedSnapshot } from '../resolve-snapshot';

const rds = new RDSClient({});
const exportScopes = parseScopes(process.env.EXPORT_SCOPES);

/** Step Functions task: find the snapshot to export (or the latest of a database) and its export id. */
export async function handler(input: ResolveSnapshotInput): Promise<ResolvedSnapshot> {
  return resolveSnapshot(rds, input, process.env.EXPORT_ID_PREFIX || undefined, {
    allowServerlessV1: process.env.SERVERLESS_V1_RESTORE === 'on',
    exportScopes,
  });
}

/** EXPORT_SCOPES: `{ "<database identifier>": ["shop", "shop.public.orders"] }`, set by the stack from `exportOnly`. */
function parseScopes(text: string | undefined): Record<string, string[]> {
  if (!text) return {};
  const scopes = JSON.parse(text) as unknown;
  if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes)) throw new InvalidInputError('EXPORT_SCOPES must be a JSON object of lists');
  return scopes as Record<string, string[]>;
}

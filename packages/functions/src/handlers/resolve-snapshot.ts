import { RDSClient } from '@aws-sdk/client-rds';
import { resolveSnapshot, ResolveSnapshotInput, ResolvedSnapshot } from '../resolve-snapshot';

const rds = new RDSClient({});

/** Step Functions task: find the snapshot to export (or the latest of a database) and its export id. */
export async function handler(input: ResolveSnapshotInput): Promise<ResolvedSnapshot> {
  return resolveSnapshot(rds, input, process.env.EXPORT_ID_PREFIX || undefined, { allowServerlessV1: process.env.SERVERLESS_V1_RESTORE === 'on' });
}

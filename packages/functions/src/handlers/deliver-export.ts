import { S3Client } from '@aws-sdk/client-s3';
import { DeliveryTarget, deliverExport } from '../deliver-export';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';
import { exportRootKey } from '../export-files';

const s3 = new S3Client({});

/** Step Functions task: copy a complete, catalogued export to the partner configured for its database (if any). */
export async function handler(input: { exportTaskIdentifier: string; databaseIdentifier: string }) {
  let deliveries: Record<string, DeliveryTarget>;
  try {
    deliveries = JSON.parse(requiredEnv('DELIVERIES')) as Record<string, DeliveryTarget>;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`DELIVERIES is not JSON: ${(error as Error).message}`);
  }
  const target = deliveries[input?.databaseIdentifier];
  if (!target) return { delivered: false, reason: `no delivery is configured for ${input?.databaseIdentifier}` };
  const sourcePrefix = exportRootKey(process.env.EXPORT_PREFIX ?? '', input.exportTaskIdentifier);
  const result = await deliverExport(s3, { sourceBucket: requiredEnv('EXPORT_BUCKET_NAME'), sourcePrefix }, {
    ...target,
    destinationPrefix: `${target.destinationPrefix.replace(/\/+$/, '')}/${input.exportTaskIdentifier}`,
  });
  return { delivered: true, destination: target.destination, ...result };
}

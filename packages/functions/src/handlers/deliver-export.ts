import { copyObjects, DeliveryTarget, deliveryS3Client, listObjects, verifyDelivery } from '../deliver-export';
import { optionalEnv, requiredEnv } from '../env';
import { jsonVariable, optionalIntegerVariable } from '../environment';
import { InvalidInputError } from '../errors';
import { exportRootKey } from '../export-files';
import { log } from '../log';

const s3 = deliveryS3Client();

interface ExportRef {
  readonly exportTaskIdentifier: string;
  readonly databaseIdentifier: string;
}

/** One batch of a large delivery, as a Distributed Map hands it over (S3 listing items). */
interface Batch {
  readonly Items: readonly { Key: string; Size: number; Etag?: string; ETag?: string }[];
  readonly BatchInput: ExportRef & { sourcePrefix: string };
}

function deliveries(): Record<string, DeliveryTarget> {
  return jsonVariable('DELIVERIES');
}

function targetFor(ref: ExportRef): DeliveryTarget | undefined {
  const target = deliveries()[ref?.databaseIdentifier];
  return target && { ...target, destinationPrefix: `${target.destinationPrefix.replace(/\/+$/, '')}/${ref.exportTaskIdentifier}` };
}

/**
 * Step Functions tasks of the delivery to a partner. `plan` delivers a small export at once (and
 * verifies it) or hands a large one to a Distributed Map; each map batch copies its items; `verify`
 * checks the whole delivery at the end.
 */
export async function handler(input: (ExportRef & { step?: 'plan' | 'verify' }) | Batch) {
  const bucket = requiredEnv('EXPORT_BUCKET_NAME');
  if ('Items' in input) {
    const target = targetFor(input.BatchInput);
    if (!target) throw new InvalidInputError(`no delivery is configured for ${input.BatchInput?.databaseIdentifier}`);
    const objects = input.Items.map((item) => ({ key: item.Key, size: item.Size, etag: item.ETag ?? item.Etag ?? '' }));
    return copyObjects(s3, bucket, input.BatchInput.sourcePrefix, objects, target, { findDelivered: 'head' });
  }
  const target = targetFor(input);
  if (!target) return { mode: 'none', reason: `no delivery is configured for ${input?.databaseIdentifier}` };
  const sourcePrefix = exportRootKey(optionalEnv('EXPORT_PREFIX') ?? '', input.exportTaskIdentifier);
  const objects = await listObjects(s3, bucket, sourcePrefix);
  if (input.step === 'verify') {
    await verifyDelivery(s3, sourcePrefix, objects, target);
    return { mode: 'verified', objects: objects.length };
  }
  if (objects.length > (optionalIntegerVariable('INLINE_MAX_OBJECTS') ?? 5000)) {
    log.info('delivery handed to batches', { objects: objects.length, destination: target.destination });
    return { mode: 'distributed', sourcePrefix, objects: objects.length };
  }
  const result = await copyObjects(s3, bucket, sourcePrefix, objects, target);
  await verifyDelivery(s3, sourcePrefix, objects, target);
  return { mode: 'inline', destination: target.destination, objects: objects.length, ...result };
}

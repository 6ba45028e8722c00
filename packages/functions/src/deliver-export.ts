import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  S3ClientConfig,
  paginateListObjectsV2,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { copyPartRanges, deliveredKey, MAX_SINGLE_COPY_BYTES, missingObjects, ObjectSummary, WORKFLOW_ERRORS } from '@snaplake/core';
import { clientConfig } from './aws-clients';
import { mapWithConcurrency } from './concurrency';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { log } from './log';

/**
 * The S3 client of deliveries. A partner bucket named in another region answers 301 PermanentRedirect
 * (or 400 with its region); the client follows it to the bucket's region instead of failing, so a
 * bucket in any region works by name.
 */
export function deliveryS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client(clientConfig({ followRegionRedirects: true, ...config }));
}

export interface SourceObject extends ObjectSummary {
  readonly etag: string;
}

export interface DeliveryTarget {
  /** The partner's bucket name, or an S3 access point ARN. */
  readonly destination: string;
  readonly destinationPrefix: string;
  /** Encrypt delivered objects with this key of the partner (SSE-KMS). */
  readonly kmsKeyArn?: string;
  /** The destination enforces bucket-owner ownership: send no ACL. */
  readonly bucketOwnerEnforced?: boolean;
}

export interface CopyOptions {
  /** Copies in flight at once. @default 32 */
  readonly concurrency?: number;
  /** Objects larger than this are copied in parts. @default 5 GiB (S3's CopyObject limit) */
  readonly multipartThreshold?: number;
  /** @default 512 MiB */
  readonly partSize?: number;
  /**
   * How to find objects already delivered: `list` the destination prefix once (a whole delivery), or
   * `head` each object (a batch of a large delivery, where listing everything per batch would cost more).
   * @default 'list'
   */
  readonly findDelivered?: 'list' | 'head';
}

export interface DeliveryResult {
  readonly copied: number;
  /** Already in the destination with the same size and source ETag (a resumed run). */
  readonly skipped: number;
  readonly bytes: number;
}

/** The destination lacks objects after the copy: the message lists them (the first 20). */
export class DeliveryIncompleteError extends WorkflowError {
  constructor(readonly missing: ObjectSummary[]) {
    super(WORKFLOW_ERRORS.deliveryIncomplete, `${missing.length} object(s) missing or of another size in the destination: ${missing.slice(0, 20).map((o) => o.key).join(', ')}`);
  }
}

/** Metadata key holding the source ETag, so a rerun recognizes objects it already copied (multipart copies get new ETags). */
const SOURCE_ETAG = 'snaplake-source-etag';

/** Every object under a prefix, with size and ETag. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<SourceObject[]> {
  const objects: SourceObject[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) objects.push({ key: o.Key ?? '', size: o.Size ?? 0, etag: o.ETag ?? '' });
  }
  return objects;
}

/**
 * Copies objects server-side into the target (CopyObject, or UploadPartCopy above the threshold),
 * with bounded concurrency and retries on throttling and 5xx. Objects already delivered with the same
 * size and source ETag are skipped, so a rerun resumes. Only reads the source: never deletes or
 * changes it.
 */
export async function copyObjects(
  s3: S3Client, sourceBucket: string, sourcePrefix: string, objects: readonly SourceObject[], target: DeliveryTarget, options: CopyOptions = {},
): Promise<DeliveryResult> {
  if (typeof target?.destination !== 'string' || target.destination === '') throw new InvalidInputError('copyObjects: the destination bucket or access point is missing');
  // One listing of the destination tells which objects may already be there; only those get a HeadObject.
  const prefix = target.destinationPrefix.replace(/^\/+|\/+$/g, '');
  const present = options.findDelivered === 'head'
    ? undefined
    : new Map((await listObjects(s3, target.destination, prefix === '' ? '' : `${prefix}/`)).map((o) => [o.key, o]));
  const results = await mapWithConcurrency(objects, options.concurrency ?? 32, async (object) => {
    const key = deliveredKey(object.key, sourcePrefix, target.destinationPrefix);
    const existing = present ? present.get(key) : object;
    if (existing && existing.size === object.size && await alreadyDelivered(s3, target.destination, key, object)) {
      return { copied: 0, skipped: 1, bytes: 0 };
    }
    if (object.size > (options.multipartThreshold ?? MAX_SINGLE_COPY_BYTES)) {
      await copyInParts(s3, sourceBucket, object, target, key, options);
    } else {
      await s3.send(new CopyObjectCommand({
        ...writeSettings(target, object),
        Key: key,
        CopySource: copySource(sourceBucket, object.key),
        MetadataDirective: 'REPLACE',
      }));
    }
    return { copied: 1, skipped: 0, bytes: object.size };
  });
  const total = (field: keyof DeliveryResult) => results.reduce((sum, r) => sum + r[field], 0);
  return { copied: total('copied'), skipped: total('skipped'), bytes: total('bytes') };
}

/** Delivery succeeds only when the destination holds every source object with the same size. */
export async function verifyDelivery(
  s3: S3Client, sourcePrefix: string, objects: readonly SourceObject[], target: DeliveryTarget,
): Promise<void> {
  const expected = objects.map((o) => ({ key: deliveredKey(o.key, sourcePrefix, target.destinationPrefix), size: o.size }));
  const prefix = target.destinationPrefix.replace(/^\/+|\/+$/g, '');
  const present = await listObjects(s3, target.destination, prefix === '' ? '' : `${prefix}/`);
  const missing = missingObjects(expected, present);
  if (missing.length > 0) throw new DeliveryIncompleteError(missing);
}

async function alreadyDelivered(s3: S3Client, bucket: string, key: string, object: SourceObject): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength === object.size && head.Metadata?.[SOURCE_ETAG] === object.etag;
  } catch (error) {
    const name = awsErrorName(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) return false;
    throw error;
  }
}

function writeSettings(target: DeliveryTarget, object: SourceObject) {
  return {
    Bucket: target.destination,
    Metadata: { [SOURCE_ETAG]: object.etag },
    ...(target.bucketOwnerEnforced ? {} : { ACL: 'bucket-owner-full-control' as const }),
    ...(target.kmsKeyArn ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: target.kmsKeyArn } : {}),
  };
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

async function copyInParts(
  s3: S3Client, sourceBucket: string, object: SourceObject, target: DeliveryTarget, key: string, options: CopyOptions,
): Promise<void> {
  const created = await s3.send(new CreateMultipartUploadCommand({ ...writeSettings(target, object), Key: key }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, `CreateMultipartUpload returned no UploadId for ${key}`);
  try {
    const ranges = copyPartRanges(object.size, options.partSize ?? 512 * 1024 ** 2);
    const parts = await mapWithConcurrency(ranges, 4, async (range, index) => {
      const part = await s3.send(new UploadPartCopyCommand({
        Bucket: target.destination,
        Key: key,
        UploadId: uploadId,
        PartNumber: index + 1,
        CopySource: copySource(sourceBucket, object.key),
        CopySourceRange: `bytes=${range.first}-${range.last}`,
      }));
      return { PartNumber: index + 1, ETag: part.CopyPartResult?.ETag };
    });
    const complete = new CompleteMultipartUploadCommand({
      Bucket: target.destination, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts },
    });
    await s3.send(complete);
  } catch (error) {
    // Leave no half-written upload behind (it would be billed); the next run copies the object again.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: target.destination, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}

/** Copies a whole export's prefix into the target and verifies it: the delivery step of the workflow. */
export async function deliverExport(
  s3: S3Client, input: { sourceBucket: string; sourcePrefix: string }, target: DeliveryTarget, options: CopyOptions = {},
): Promise<DeliveryResult & { objects: number }> {
  if (typeof input?.sourceBucket !== 'string' || typeof input.sourcePrefix !== 'string' || !input.sourcePrefix.endsWith('/')) {
    throw new InvalidInputError('deliverExport: expected { sourceBucket, sourcePrefix } with a prefix ending in /');
  }
  const objects = await listObjects(s3, input.sourceBucket, input.sourcePrefix);
  const result = await copyObjects(s3, input.sourceBucket, input.sourcePrefix, objects, target, options);
  await verifyDelivery(s3, input.sourcePrefix, objects, target);
  log.info('export delivered', { destination: target.destination, objects: objects.length, ...result });
  return { ...result, objects: objects.length };
}

import { SnaplakeError } from './errors';

/** S3's largest single-request copy (CopyObject); larger objects are copied in parts. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const MAX_PARTS = 10_000;
const MIN_PART_BYTES = 5 * 1024 ** 2;

/** The byte ranges of a multipart copy (`bytes=first-last`), growing the part size when 10,000 parts would not hold the object. */
export function copyPartRanges(size: number, partSize: number): { first: number; last: number }[] {
  if (!Number.isSafeInteger(size) || size < 1) throw new SnaplakeError(`copyPartRanges: size must be a whole number of bytes >= 1, got ${size}`);
  if (!Number.isSafeInteger(partSize) || partSize < 1) throw new SnaplakeError(`copyPartRanges: part size must be a whole number of bytes >= 1, got ${partSize}`);
  const effective = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const ranges = [];
  for (let first = 0; first < size; first += effective) ranges.push({ first, last: Math.min(first + effective, size) - 1 });
  return ranges;
}

/** The minimum part size S3 accepts for every part but the last. */
export const MIN_COPY_PART_BYTES = MIN_PART_BYTES;

/** Where a source object lands: the destination prefix replaces the source prefix, the rest of the key is kept. */
export function deliveredKey(sourceKey: string, sourcePrefix: string, destinationPrefix: string): string {
  if (!sourceKey.startsWith(sourcePrefix)) throw new SnaplakeError(`deliveredKey: ${JSON.stringify(sourceKey)} is not under ${JSON.stringify(sourcePrefix)}`);
  const rest = sourceKey.slice(sourcePrefix.length).replace(/^\/+/, '');
  const prefix = destinationPrefix.replace(/^\/+|\/+$/g, '');
  return prefix === '' ? rest : `${prefix}/${rest}`;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
}

/** Source objects the destination lacks, or holds with another size: what makes a delivery incomplete. */
export function missingObjects(source: readonly ObjectSummary[], destination: readonly ObjectSummary[]): ObjectSummary[] {
  const sizes = new Map(destination.map((o) => [o.key, o.size]));
  return source.filter((o) => sizes.get(o.key) !== o.size);
}

/**
 * The ARNs a delivery writes to: the partner's bucket (or access point) and the objects under the
 * prefix. `partition` names the partition of a bucket given by name (`aws`, `aws-cn`, or a CDK token);
 * an access point ARN carries its own.
 */
export function deliveryDestinationArns(destination: string, prefix: string, partition: string): { container: string; objects: string } {
  const cleanPrefix = prefix.replace(/^\/+|\/+$/g, '');
  const accessPoint = destination.startsWith('arn:');
  const container = accessPoint ? destination : `arn:${partition}:s3:::${destination}`;
  return { container, objects: `${container}${accessPoint ? '/object' : ''}/${cleanPrefix ? `${cleanPrefix}/` : ''}*` };
}

export interface PartnerPolicyOptions {
  /** The partner's bucket name, or an S3 access point ARN. */
  readonly destination: string;
  /** Prefix deliveries are written under. */
  readonly prefix: string;
  /** ARN of snaplake's delivery role, in the exporting account. */
  readonly deliveryRoleArn: string;
  /** The partner's KMS key, when the bucket encrypts with one. */
  readonly kmsKeyArn?: string;
  /** The bucket enforces bucket-owner ownership, so deliveries send no ACL. @default false */
  readonly bucketOwnerEnforced?: boolean;
}

/**
 * The statements the partner adds to its bucket (or access point) policy, and to its KMS key policy,
 * so snaplake's delivery role can write there the first time: cross-account copies that end in
 * AccessDenied are the classic failure of this job.
 */
export function partnerPolicies(options: PartnerPolicyOptions): { bucketPolicyStatements: object[]; keyPolicyStatements: object[] } {
  const { destination, deliveryRoleArn } = options;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(deliveryRoleArn)) throw new SnaplakeError(`partnerPolicies: ${JSON.stringify(deliveryRoleArn)} is not an IAM role ARN`);
  const accessPoint = /^arn:aws[a-z-]*:s3:[a-z0-9-]+:\d{12}:accesspoint\/[a-z0-9-]+$/.test(destination);
  if (!accessPoint && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(destination)) {
    throw new SnaplakeError(`partnerPolicies: ${JSON.stringify(destination)} is neither a bucket name nor an access point ARN`);
  }
  // The partner's bucket is in the delivery role's partition: IAM principals never cross partitions.
  const { container, objects } = deliveryDestinationArns(destination, options.prefix, deliveryRoleArn.split(':')[1]!);
  const principal = { AWS: deliveryRoleArn };
  const bucketPolicyStatements = [
    {
      Sid: 'SnaplakeDeliveryList',
      Effect: 'Allow',
      Principal: principal,
      // No s3:prefix condition: HeadObject of a key not delivered yet answers 404 only to a caller with
      // s3:ListBucket, and a HeadObject request has no prefix (403 would fail the first large delivery).
      Action: 's3:ListBucket',
      Resource: container,
    },
    {
      Sid: 'SnaplakeDeliveryWrite',
      Effect: 'Allow',
      Principal: principal,
      Action: ['s3:PutObject', ...(options.bucketOwnerEnforced ? [] : ['s3:PutObjectAcl']), 's3:GetObject', 's3:AbortMultipartUpload'],
      Resource: objects,
    },
  ];
  const keyPolicyStatements = options.kmsKeyArn ? [{
    Sid: 'SnaplakeDeliveryEncrypt', Effect: 'Allow', Principal: principal, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
  }] : [];
  return { bucketPolicyStatements, keyPolicyStatements };
}

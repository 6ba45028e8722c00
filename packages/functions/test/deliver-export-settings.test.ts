import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { copyObjects } from '../src';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1' });
const object = { key: 'exports/e1/shop/public.orders/1/part 0.parquet', size: 100, etag: '"abc"' };
const notFound = Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3.on(HeadObjectCommand).rejects(notFound);
  s3.on(CopyObjectCommand).resolves({});
});

test('copies with bucket-owner-full-control and the partner\'s KMS key, recording the source ETag', async () => {
  await copyObjects(client, 'exports-bucket', 'exports/e1/', [object], { destination: 'partner-lake', destinationPrefix: 'in', kmsKeyArn: 'arn:aws:kms:eu-west-1:2:key/k' });
  expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
    Bucket: 'partner-lake',
    Key: 'in/shop/public.orders/1/part 0.parquet',
    CopySource: 'exports-bucket/exports/e1/shop/public.orders/1/part%200.parquet',
    MetadataDirective: 'REPLACE',
    Metadata: { 'snaplake-source-etag': '"abc"' },
    ACL: 'bucket-owner-full-control',
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: 'arn:aws:kms:eu-west-1:2:key/k',
  });
});

test('sends no ACL when the destination enforces bucket ownership', async () => {
  await copyObjects(client, 'b', 'exports/e1/', [object], { destination: 'partner-lake', destinationPrefix: '', bucketOwnerEnforced: true });
  expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input.ACL).toBeUndefined();
});

test('an access point ARN is used as the destination bucket', async () => {
  const ap = 'arn:aws:s3:eu-west-1:222222222222:accesspoint/snaplake-in';
  await copyObjects(client, 'b', 'exports/e1/', [object], { destination: ap, destinationPrefix: '' });
  expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input.Bucket).toBe(ap);
});

test('a failed multipart copy is aborted, leaving no billed half-upload', async () => {
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCopyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  s3.on(AbortMultipartUploadCommand).resolves({});
  await expect(copyObjects(client, 'b', 'exports/e1/', [{ ...object, size: 20 }], { destination: 'p', destinationPrefix: '' }, { multipartThreshold: 10, partSize: 8 }))
    .rejects.toMatchObject({ name: 'AccessDenied' });
  expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({ Bucket: 'p', Key: 'shop/public.orders/1/part 0.parquet', UploadId: 'u1' });
});

test('access denied on the destination fails at once, without retries', async () => {
  s3.on(CopyObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
  await expect(copyObjects(client, 'b', 'exports/e1/', [object], { destination: 'p', destinationPrefix: '' }))
    .rejects.toMatchObject({ name: 'AccessDenied' });
  expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
});

test('an object absent from the destination listing is copied without a HeadObject', async () => {
  await copyObjects(client, 'b', 'exports/e1/', [object], { destination: 'p', destinationPrefix: '' });
  expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
});

test('a batch of a large delivery checks each object with HeadObject instead of listing the destination', async () => {
  await copyObjects(client, 'b', 'exports/e1/', [object], { destination: 'p', destinationPrefix: '' }, { findDelivered: 'head' });
  expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
});

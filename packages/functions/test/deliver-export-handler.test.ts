import { CopyObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { quietLogs } from './quiet-logs';
import { handler } from '../src/handlers/deliver-export';

const s3 = mockClient(S3Client);
const ref = { exportTaskIdentifier: 'e1', databaseIdentifier: 'orders-db' };
const objects = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `exports/e1/shop/t/1/part-${i}.parquet`, Size: 10, ETag: `"${i}"` }));

beforeAll(quietLogs);
beforeEach(() => {
  s3.reset();
  process.env.EXPORT_BUCKET_NAME = 'exports-bucket';
  process.env.EXPORT_PREFIX = 'exports';
  process.env.INLINE_MAX_OBJECTS = '3';
  process.env.DELIVERIES = JSON.stringify({ 'orders-db': { destination: 'partner-lake', destinationPrefix: 'in', bucketOwnerEnforced: true } });
  s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
  s3.on(CopyObjectCommand).resolves({});
});

test('a database without a delivery is skipped', async () => {
  await expect(handler({ ...ref, databaseIdentifier: 'other' })).resolves.toMatchObject({ mode: 'none' });
  expect(s3.calls()).toHaveLength(0);
});

test('a small export is delivered and verified at once, under <prefix>/<export id>/', async () => {
  s3.on(ListObjectsV2Command, { Bucket: 'exports-bucket' }).resolves({ Contents: objects(2) });
  s3.on(ListObjectsV2Command, { Bucket: 'partner-lake' }).resolvesOnce({ Contents: [] }).resolves({ Contents: objects(2).map((o) => ({ ...o, Key: o.Key.replace('exports/e1/', 'in/e1/') })) });
  await expect(handler(ref)).resolves.toMatchObject({ mode: 'inline', objects: 2, copied: 2 });
  expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input.Key).toBe('in/e1/shop/t/1/part-0.parquet');
});

test('a large export is handed to the Distributed Map, which copies it batch by batch', async () => {
  s3.on(ListObjectsV2Command, { Bucket: 'exports-bucket' }).resolves({ Contents: objects(5) });
  await expect(handler(ref)).resolves.toEqual({ mode: 'distributed', sourcePrefix: 'exports/e1/', objects: 5 });
  expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  const batch = { Items: objects(2).map(({ Key, Size, ETag }) => ({ Key, Size, Etag: ETag })), BatchInput: { ...ref, sourcePrefix: 'exports/e1/' } };
  await expect(handler(batch)).resolves.toMatchObject({ copied: 2 });
});

test('verify fails with the missing objects listed', async () => {
  s3.on(ListObjectsV2Command, { Bucket: 'exports-bucket' }).resolves({ Contents: objects(2) });
  s3.on(ListObjectsV2Command, { Bucket: 'partner-lake' }).resolves({ Contents: [] });
  await expect(handler({ ...ref, step: 'verify' })).rejects.toMatchObject({ name: 'DeliveryIncomplete', message: expect.stringContaining('2 object(s) missing') });
});

import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DeliveryIncompleteError, deliverExport, listObjects, verifyDelivery } from '../src';
import { LocalS3, startLocalS3 } from './local-s3';
import { quietLogs } from './quiet-logs';

const source = 'snaplake-exports';
const partner = 'partner-lake';
const exportPrefix = 'exports/rds-orders-1a2b3c4d/';
const target = { destination: partner, destinationPrefix: 'from-acme/rds-orders-1a2b3c4d', bucketOwnerEnforced: true };
let s3: LocalS3;
let setupRequests = 0;
const big = Buffer.alloc(12 * 1024 * 1024 + 17, 7);

beforeAll(async () => {
  quietLogs();
  s3 = await startLocalS3([source, partner]);
  await s3.put(source, `${exportPrefix}export_info_rds-orders-1a2b3c4d.json`, '{"status":"COMPLETE"}');
  for (let t = 0; t < 12; t++) {
    for (let p = 0; p < 10; p++) {
      await s3.put(source, `${exportPrefix}shop/public.table_${t}/${1 + (p % 3)}/part-0000${p}.gz.parquet`, `table ${t} part ${p} `.repeat(50));
    }
  }
  await s3.put(source, `${exportPrefix}shop/public.big/1/part-00000.gz.parquet`, big);
  await s3.put(source, 'exports/another-export/x.parquet', 'not delivered');
  setupRequests = s3.requests.length;
}, 60_000);
afterAll(async () => s3.stop());

async function body(bucket: string, key: string): Promise<Buffer> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

describe('deliverExport against a local S3 server', () => {
  let sourceBefore: Awaited<ReturnType<typeof listObjects>>;

  test('copies every object of the export, nested prefixes and a multipart-sized object, then verifies', async () => {
    sourceBefore = await listObjects(s3.client, source, exportPrefix);
    const options = { multipartThreshold: 8 * 1024 * 1024, partSize: 5 * 1024 * 1024 };
    const result = await deliverExport(s3.client, { sourceBucket: source, sourcePrefix: exportPrefix }, target, options);
    expect(result).toEqual({ copied: 122, skipped: 0, objects: 122, bytes: sourceBefore.reduce((sum, o) => sum + o.size, 0) });
    const delivered = await listObjects(s3.client, partner, 'from-acme/');
    expect(delivered.map((o) => o.key)).toContain('from-acme/rds-orders-1a2b3c4d/shop/public.table_11/2/part-00004.gz.parquet');
    expect(delivered).toHaveLength(122);
    expect((await body(partner, 'from-acme/rds-orders-1a2b3c4d/shop/public.big/1/part-00000.gz.parquet')).equals(big)).toBe(true);
    expect(s3.requests.some((r) => r.startsWith('PUT') && /partNumber=3/.test(r))).toBe(true);
  }, 60_000);

  test('never deletes or changes the source', async () => {
    const after = await listObjects(s3.client, source, exportPrefix);
    expect(after).toEqual(sourceBefore);
    // After the test's own uploads, nothing but reads reached the source bucket.
    const writesToSource = s3.requests.slice(setupRequests).filter((r) => /^(PUT|POST|DELETE) \/snaplake-exports\//.test(r));
    expect(writesToSource).toEqual([]);
    expect(s3.requests.slice(setupRequests).some((r) => /^(GET|HEAD) \/snaplake-exports/.test(r))).toBe(true);
  });

  test('a rerun skips what was delivered, and copies only what is missing', async () => {
    await expect(deliverExport(s3.client, { sourceBucket: source, sourcePrefix: exportPrefix }, target))
      .resolves.toMatchObject({ copied: 0, skipped: 122 });
    await s3.client.send(new DeleteObjectCommand({ Bucket: partner, Key: 'from-acme/rds-orders-1a2b3c4d/shop/public.table_3/1/part-00000.gz.parquet' }));
    await expect(deliverExport(s3.client, { sourceBucket: source, sourcePrefix: exportPrefix }, target))
      .resolves.toMatchObject({ copied: 1, skipped: 121 });
  }, 60_000);

  test('a destination missing objects fails verification with the list of what is missing', async () => {
    await s3.client.send(new DeleteObjectCommand({ Bucket: partner, Key: 'from-acme/rds-orders-1a2b3c4d/shop/public.table_7/2/part-00001.gz.parquet' }));
    const objects = await listObjects(s3.client, source, exportPrefix);
    const error = await verifyDelivery(s3.client, exportPrefix, objects, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryIncompleteError);
    expect((error as Error).message).toBe('1 object(s) missing or of another size in the destination: from-acme/rds-orders-1a2b3c4d/shop/public.table_7/2/part-00001.gz.parquet');
  });

  test('throttling (503 SlowDown) is retried and the delivery completes', async () => {
    const fresh = { ...target, destinationPrefix: 'throttled' };
    s3.throttleNextWrites(5);
    await expect(deliverExport(s3.client, { sourceBucket: source, sourcePrefix: exportPrefix }, fresh, { concurrency: 4 }))
      .resolves.toMatchObject({ copied: 122 });
    expect(s3.requests.filter((r) => r.startsWith('PUT /partner-lake/throttled/')).length).toBeGreaterThan(122);
  }, 60_000);

  test('a connection the server resets (ECONNRESET) is retried by the SDK and the delivery completes', async () => {
    const fresh = { ...target, destinationPrefix: 'reset' };
    s3.resetNextRequests(3);
    await expect(deliverExport(s3.client, { sourceBucket: source, sourcePrefix: exportPrefix }, fresh, { concurrency: 4 }))
      .resolves.toMatchObject({ copied: 122 });
  }, 60_000);

  test('a source prefix without a trailing slash is refused (it could match other exports)', async () => {
    await expect(deliverExport(s3.client, { sourceBucket: source, sourcePrefix: 'exports/rds-orders' }, target)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});

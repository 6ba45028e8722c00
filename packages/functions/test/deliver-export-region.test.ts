// A partner bucket named in another region: S3 answers 301 PermanentRedirect with the bucket's region
// (x-amz-bucket-region). The delivery client follows it (issue 14, "To settle").
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { deliveryS3Client } from '../src';

const LISTING = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>partner</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>';
const REDIRECT = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>';

let server: Server;
let endpoint: string;
const regions: string[] = [];

beforeAll(async () => {
  // Answers as S3 does for a bucket in us-east-2: a request signed for another region is redirected.
  server = createServer((req: IncomingMessage, res) => {
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? 'none';
    regions.push(region);
    req.resume();
    if (region !== 'us-east-2') {
      res.writeHead(301, { 'x-amz-bucket-region': 'us-east-2', 'content-type': 'application/xml' }).end(REDIRECT);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(LISTING);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => regions.splice(0));

const config = () => ({
  region: 'eu-west-1', endpoint: endpoint, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

test('the delivery client follows S3\'s redirect to a partner bucket in another region', async () => {
  const listing = await deliveryS3Client(config()).send(new ListObjectsV2Command({ Bucket: 'partner', Prefix: 'from-acme/' }));
  expect(listing.KeyCount).toBe(0);
  expect(regions).toEqual(['eu-west-1', 'us-east-2']);
});

test('a plain client fails on the same redirect (what the delivery did before)', async () => {
  await expect(new S3Client(config()).send(new ListObjectsV2Command({ Bucket: 'partner' }))).rejects.toMatchObject({ name: 'PermanentRedirect' });
});

// A real S3-compatible server (s3rver) on loopback for tests that list, read and copy objects.
// In front of it, a small proxy on loopback adds what s3rver lacks (UploadPartCopy, done as a ranged
// read plus UploadPart) and can answer some requests with 503 SlowDown, to inject throttling.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../src';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

export interface LocalS3 {
  readonly client: S3Client;
  /** Requests the proxy saw, as `METHOD path`. */
  readonly requests: string[];
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  /** Answer the next `count` write requests (PUT) with 503 SlowDown. */
  throttleNextWrites(count: number): void;
  /** Drop the connection of the next `count` requests without an answer (the client sees ECONNRESET), as a busy server may. */
  resetNextRequests(count: number): void;
  stop(): Promise<void>;
}

export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    port: 0, address: '127.0.0.1', silent: true, directory, allowMismatchedSignatures: true, configureBuckets: buckets.map((name) => ({ name })),
  });
  const backend: AddressInfo = await server.run();
  let throttled = 0;
  let resets = 0;
  const requests: string[] = [];

  const forward = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const forwardedHeaders = { ...headers, 'host': `127.0.0.1:${backend.port}`, 'content-length': String(body.length) };
      const req = request({ host: '127.0.0.1', port: backend.port, method, path, headers: forwardedHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    requests.push(`${req.method} ${url}`);
    if (resets > 0) {
      resets--;
      req.socket.destroy();
      return;
    }
    if (req.method === 'PUT' && throttled > 0) {
      throttled--;
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    const copySource = req.headers['x-amz-copy-source'];
    if (req.method === 'PUT' && /[?&]uploadId=/.test(url) && typeof copySource === 'string') {
      const source = await forward('GET', `/${decodeURIComponent(copySource).replace(/^\//, '')}`, { range: String(req.headers['x-amz-copy-source-range'] ?? '') }, Buffer.alloc(0));
      const headers = { ...req.headers };
      delete headers['x-amz-copy-source'];
      delete headers['x-amz-copy-source-range'];
      const part = await forward('PUT', url, headers, source.body);
      res.writeHead(part.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><CopyPartResult><ETag>${part.headers.etag}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`);
      return;
    }
    const answer = await forward(req.method ?? 'GET', url, req.headers, body);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
  const proxy: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  // Built as the functions build theirs: the SDK retries throttling (the proxy's 503 SlowDown) and a
  // connection the busy local server reset (ECONNRESET), as it would against S3.
  const client = new S3Client(clientConfig({
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  }));
  return {
    client,
    requests,
    put: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    throttleNextWrites: (count) => {
      throttled = count;
    },
    resetNextRequests: (count) => {
      resets = count;
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

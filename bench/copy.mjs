// bench/copy: copy 2,000 objects of 64 KB between two buckets of a local S3 server (s3rver on
// loopback) with snaplake's copy engine and, side by side, with `aws s3 cp --recursive` (Debian's
// awscli) against the same server. Reports objects/s for both and the ratio. Target: at least 2x.
// Needs /usr/bin/aws (apt-get install awscli) for the comparison; without it only the engine is measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { copyObjects, listObjects, mapWithConcurrency } from '@snaplake/functions';
import { option, report } from './lib.mjs';

const require = createRequire(new URL('../packages/functions/package.json', import.meta.url));
const count = option('objects', 2000);
const awsCli = ['/usr/bin/aws', 'aws'].find((cli) => spawnSync(cli, ['--version']).status === 0);

// The server runs in a process of its own, so neither copier shares its event loop with it.
const directory = mkdtempSync(join(tmpdir(), 'bench-copy-'));
const serverScript = `
  const S3rver = require(${JSON.stringify(require.resolve('s3rver'))});
  new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)}, allowMismatchedSignatures: true,
    configureBuckets: [{ name: 'bench-source' }, { name: 'bench-engine' }, { name: 'bench-cli' }] })
    .run().then((address) => console.log(address.port));`;
const server = spawn(process.execPath, ['--openssl-legacy-provider', '-e', serverScript], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))));
const endpoint = `http://127.0.0.1:${port}`;
const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
try {
  const body = Buffer.alloc(64 * 1024, 1);
  await mapWithConcurrency(Array.from({ length: count }, (_, i) => i), 32, (i) =>
    s3.send(new PutObjectCommand({ Bucket: 'bench-source', Key: `export/db/schema.table_${i % 40}/${1 + (i % 3)}/part-${i}.parquet`, Body: body })));

  const objects = await listObjects(s3, 'bench-source', 'export/');
  let started = performance.now();
  const target = { destination: 'bench-engine', destinationPrefix: 'in', bucketOwnerEnforced: true };
  const result = await copyObjects(s3, 'bench-source', 'export/', objects, target, { concurrency: option('concurrency', 32) });
  const engineSeconds = (performance.now() - started) / 1000;

  let cliSeconds;
  if (awsCli) {
    started = performance.now();
    // Asynchronous: the S3 server runs in this process and must keep answering while the CLI copies.
    const cli = await new Promise((resolve) => {
      const child = spawn(awsCli, ['--endpoint-url', endpoint, 's3', 'cp', 's3://bench-source/export/', 's3://bench-cli/in/', '--recursive', '--only-show-errors'], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      child.on('close', (status) => resolve({ status, stderr }));
    });
    cliSeconds = (performance.now() - started) / 1000;
    if (cli.status !== 0) throw new Error(`aws s3 cp failed: ${cli.stderr}`);
    const copiedByCli = (await listObjects(s3, 'bench-cli', 'in/')).length;
    if (copiedByCli !== count) throw new Error(`aws s3 cp copied ${copiedByCli} of ${count} objects`);
  }
  const engineRate = count / engineSeconds;
  const cliRate = cliSeconds === undefined ? undefined : count / cliSeconds;
  report('copy', {
    objects: count, objectKB: 64, copied: result.copied,
    engineSeconds: Number(engineSeconds.toFixed(2)), engineObjectsPerSecond: Math.round(engineRate),
    awsCli: awsCli ? spawnSync(awsCli, ['--version']).stdout.toString().trim() : 'not installed',
    cliSeconds: cliSeconds === undefined ? null : Number(cliSeconds.toFixed(2)), cliObjectsPerSecond: cliRate === undefined ? null : Math.round(cliRate),
    ratio: cliRate === undefined ? null : Number((engineRate / cliRate).toFixed(2)), target: 2,
  });
} finally {
  s3.destroy();
  server.kill();
  if (existsSync(directory)) rmSync(directory, { recursive: true, force: true });
}

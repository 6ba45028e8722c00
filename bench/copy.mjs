// bench/copy: copy 2,000 objects of 64 KB between two buckets of a local S3 server (s3rver), reached
// through a loopback proxy that adds a fixed latency to every request (default 30 ms: real S3
// answers a CopyObject in tens of milliseconds), with snaplake's copy engine and with
// `aws s3 cp --recursive` at its default settings, alternately, 3 runs each. Reports the medians,
// objects/s and the ratio. Target: the engine at least 2x the AWS CLI.
// The proxy spreads requests over `--servers` s3rver processes sharing one directory (default 2, one per
// core here): one s3rver process handles about 350 requests/s, which would otherwise cap the engine.
// Usage: node bench/copy.mjs [--objects 2000] [--latency 30] [--runs 3] [--concurrency 32] [--servers 2]
// Needs the AWS CLI (`aws` on the PATH: pip's awscli or Debian's) for the comparison; without it only
// the engine is measured.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { copyObjects, listObjects, mapWithConcurrency } from '@snaplake/functions';
import { median, option, report } from './lib.mjs';

const require = createRequire(new URL('../packages/functions/package.json', import.meta.url));
const count = option('objects', 2000);
const latencyMs = process.argv.includes('--latency') ? Number(process.argv[process.argv.indexOf('--latency') + 1]) : 30;
const runs = option('runs', 3);
const concurrency = option('concurrency', 32);
const serverCount = option('servers', 2);
const awsCli = ['aws', '/usr/bin/aws'].find((cli) => spawnSync(cli, ['--version']).status === 0);

/** Starts a process that prints the port it listens on, and returns the port. */
async function startProcess(args, env = process.env) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

// The server and the proxy run in processes of their own, so neither copier shares an event loop with them.
const directory = mkdtempSync(join(tmpdir(), 'bench-copy-'));
const buckets = ['bench-source', 'bench-engine', 'bench-cli'];
const serverScript = `
  const S3rver = require(${JSON.stringify(require.resolve('s3rver'))});
  new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)}, allowMismatchedSignatures: true,
    configureBuckets: ${JSON.stringify(buckets.map((name) => ({ name })))} })
    .run().then((address) => console.log(address.port));`;
// One process first, so that the buckets exist before the others start on the same directory.
const servers = [await startProcess(['--openssl-legacy-provider', '-e', serverScript])];
while (servers.length < serverCount) servers.push(await startProcess(['--openssl-legacy-provider', '-e', serverScript]));
const server = servers[0];
const proxy = await startProcess([new URL('latency-proxy.mjs', import.meta.url).pathname, String(latencyMs), ...servers.map((s) => String(s.port))]);
const endpoint = `http://127.0.0.1:${proxy.port}`;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
const direct = new S3Client({ endpoint: `http://127.0.0.1:${server.port}`, forcePathStyle: true, region: 'us-east-1', credentials });

async function engineRun(run) {
  const objects = await listObjects(direct, 'bench-source', 'export/');
  const started = performance.now();
  const result = await copyObjects(s3, 'bench-source', 'export/', objects, { destination: 'bench-engine', destinationPrefix: `run-${run}`, bucketOwnerEnforced: true }, { concurrency });
  const seconds = (performance.now() - started) / 1000;
  if (result.copied !== count) throw new Error(`the engine copied ${result.copied} of ${count} objects`);
  return seconds;
}

async function cliRun(run) {
  const started = performance.now();
  const cli = await new Promise((resolve) => {
    const child = spawn(awsCli, ['--endpoint-url', endpoint, 's3', 'cp', 's3://bench-source/export/', `s3://bench-cli/run-${run}/`, '--recursive', '--only-show-errors'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (status) => resolve({ status, stderr }));
  });
  const seconds = (performance.now() - started) / 1000;
  if (cli.status !== 0) throw new Error(`aws s3 cp failed: ${cli.stderr}`);
  const copied = (await listObjects(direct, 'bench-cli', `run-${run}/`)).length;
  if (copied !== count) throw new Error(`aws s3 cp copied ${copied} of ${count} objects`);
  return seconds;
}

try {
  const body = Buffer.alloc(64 * 1024, 1);
  await mapWithConcurrency(Array.from({ length: count }, (_, i) => i), 32, (i) =>
    direct.send(new PutObjectCommand({ Bucket: 'bench-source', Key: `export/db/schema.table_${i % 40}/${1 + (i % 3)}/part-${i}.parquet`, Body: body })));

  // Alternately, so that a change in the machine's load touches both alike; each run copies to a fresh prefix.
  const engineSeconds = [];
  const cliSeconds = [];
  for (let run = 1; run <= runs; run++) {
    engineSeconds.push(await engineRun(run));
    if (awsCli) cliSeconds.push(await cliRun(run));
    for (const bucket of ['bench-engine', 'bench-cli']) rmSync(join(directory, bucket, `run-${run}`), { recursive: true, force: true });
  }
  const engineRate = count / median(engineSeconds);
  const cliRate = awsCli ? count / median(cliSeconds) : undefined;
  report('copy', {
    objects: count, objectKB: 64, latencyMs, runs, engineConcurrency: concurrency, servers: serverCount,
    engineSeconds: engineSeconds.map((s) => Number(s.toFixed(2))), engineObjectsPerSecond: Math.round(engineRate),
    awsCli: awsCli ? spawnSync(awsCli, ['--version']).stdout.toString().trim() || spawnSync(awsCli, ['--version']).stderr.toString().trim() : 'not installed',
    cliSeconds: cliSeconds.map((s) => Number(s.toFixed(2))), cliObjectsPerSecond: cliRate === undefined ? null : Math.round(cliRate),
    ratio: cliRate === undefined ? null : Number((engineRate / cliRate).toFixed(2)), target: 2,
    withinTarget: cliRate === undefined ? null : engineRate / cliRate >= 2,
  });
} finally {
  s3.destroy();
  direct.destroy();
  proxy.child.kill();
  for (const { child } of servers) child.kill();
  rmSync(directory, { recursive: true, force: true });
}

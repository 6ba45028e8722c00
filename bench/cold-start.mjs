// bench/cold-start: for each bundled handler, its size and its module init time: the bundle loaded in
// a fresh Node process, minus an empty Node start (`initMs`, Lambda's init phase). A handler may load
// its SDK clients on the first invocation instead: `coldMs` also loads every SDK package the bundle
// requires, which is what a cold request pays in all, before its first AWS call.
// Targets: no bundle over 300 KB minified; init under 80 ms over an empty Node start.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, option, report } from './lib.mjs';

const runs = option('runs', 15);
const distDir = fileURLToPath(new URL('../packages/functions/dist/', import.meta.url));
const env = { ...process.env, AWS_REGION: 'eu-west-1', NODE_OPTIONS: '' };

function timeNode(script) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', script], { env, stdio: 'pipe' });
    if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

const emptyMs = timeNode('');
for (const handler of readdirSync(distDir).sort()) {
  const bundle = join(distDir, handler, 'index.js');
  const sizeKB = statSync(bundle).size / 1024;
  const loadMs = timeNode(`const m = require(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') process.exit(1);`);
  const sdkPackages = [...new Set([...readFileSync(bundle, 'utf8').matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))];
  const coldLoadMs = timeNode(`require(${JSON.stringify(bundle)}); for (const p of ${JSON.stringify(sdkPackages)}) require(require.resolve(p, { paths: [${JSON.stringify(join(distDir, handler))}] }));`);
  const initMs = loadMs - emptyMs;
  report('cold-start', {
    handler, bundleKB: Number(sizeKB.toFixed(1)), initMs: Math.round(initMs), coldMs: Math.round(coldLoadMs - emptyMs), sdkPackages, emptyNodeMs: Math.round(emptyMs), runs,
    sizeTargetKB: 300, initTargetMs: 80, withinTarget: sizeKB <= 300 && initMs < 80,
  });
}

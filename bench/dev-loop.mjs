// bench/dev-loop: `npm test` from a cold Nx cache; `nx affected -t test` after a one-line change in
// packages/connector/src; and a fully cached re-run of `npm test`.
// Targets: the affected run under 35% of the full run; the cached re-run under 5 s.
// It edits packages/connector/src/index.ts for the affected run and restores it, whatever happens.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { report } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false' };

function timed(command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'pipe', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return (Date.now() - started) / 1000;
}

timed('npx', ['nx', 'reset']);
const coldSeconds = timed('npm', ['test', '--silent']);

const file = `${root}packages/connector/src/index.ts`;
const original = readFileSync(file, 'utf8');
let affectedSeconds;
try {
  writeFileSync(file, `${original}// bench: a one-line change\n`);
  affectedSeconds = timed('npx', ['nx', 'affected', '-t', 'test', '--base=HEAD', '--outputStyle=static']);
} finally {
  writeFileSync(file, original);
}
timed('npm', ['test', '--silent']); // the restored source is built and tested once more
const cachedSeconds = timed('npm', ['test', '--silent']);

report('dev-loop', {
  coldTestSeconds: Number(coldSeconds.toFixed(1)),
  affectedConnectorChangeSeconds: Number(affectedSeconds.toFixed(1)),
  affectedShareOfFull: Number((affectedSeconds / coldSeconds).toFixed(2)),
  cachedTestSeconds: Number(cachedSeconds.toFixed(1)),
  targets: { affectedShareOfFull: 0.35, cachedTestSeconds: 5 },
  withinTarget: affectedSeconds / coldSeconds < 0.35 && cachedSeconds < 5,
});

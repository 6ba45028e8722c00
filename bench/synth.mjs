// bench/synth: wall time of `npm run synth` for all stages (packages already built, as in a dev loop).
// Target: under 30 s.
import { spawnSync } from 'node:child_process';
import { median, option, report } from './lib.mjs';

const runs = option('runs', 3);
const root = new URL('..', import.meta.url).pathname;
const times = [];
for (let i = 0; i < runs; i++) {
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'synth', '--silent'], { cwd: root, stdio: 'pipe', env: { ...process.env, NX_DAEMON: 'false' } });
  if (result.status !== 0) throw new Error(`npm run synth failed:\n${result.stdout}\n${result.stderr}`);
  times.push((Date.now() - started) / 1000);
}
report('synth', { runs, wallTimeSeconds: Number(median(times).toFixed(1)), targetSeconds: 30, withinTarget: median(times) < 30 });

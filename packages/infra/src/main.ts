// `npm run synth` (node lib/main.js): see synth.ts. Exit code 0: synthesized with no cdk-nag finding;
// 1: a finding, or an invalid config or query, the error being the last line printed.
import { runSynth } from './synth';

process.exitCode = runSynth();

// What `npm run synth` does: synthesizes every stage into cdk.out with no AWS credentials, checks each
// stack with cdk-nag (AwsSolutions), prints stage, stack, deploy selector, resource count and findings,
// then the commands that bootstrap and deploy what was synthesized.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SnaplakeError } from '@snaplake/core';
import { Stack } from 'aws-cdk-lib';
import { buildApp } from './app';
import { configPath, loadSnaplakeConfig, queriesDirectory, REPOSITORY_ROOT } from './config';
import { nagFindings, stacksIn } from './nag';
import { nextSteps } from './next-steps';

/** Where synth writes and what it reads; tests give their own. */
export interface SynthOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The cloud assembly folder; emptied first unless `cdk` chose it (CDK_OUTDIR). @default packages/infra/cdk.out */
  readonly outdir?: string;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/**
 * Synthesizes the configured app and returns the exit code: 0 when every stack synthesized with no
 * unacknowledged cdk-nag finding, 1 otherwise, the error being the last line written to `err`
 * (`synth failed: my.config.json: stages[0].region: ...`).
 */
export function runSynth(options: SynthOptions = {}): number {
  const out = options.out ?? console.log;
  const err = options.err ?? console.error;
  try {
    return synth(options.env ?? process.env, options.outdir, out, err);
  } catch (error) {
    if (!(error instanceof SnaplakeError)) throw error;
    err(`synth failed: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

function synth(env: NodeJS.ProcessEnv, givenOutdir: string | undefined, out: (line: string) => void, err: (line: string) => void): number {
  const file = configPath(env);
  const config = loadSnaplakeConfig(file);
  const queriesDir = queriesDirectory(file, env);
  // `cdk` sets CDK_OUTDIR and owns that folder; any other is emptied first, so that no stage removed
  // from the config leaves a stale assembly behind.
  const outdir = env.CDK_OUTDIR ?? givenOutdir ?? join(__dirname, '..', 'cdk.out');
  if (env.CDK_OUTDIR === undefined) rmSync(outdir, { recursive: true, force: true });
  const { app, stages, oidcStacks } = buildApp(config, outdir, { queriesDir, queriesShownFrom: REPOSITORY_ROOT });
  const rows: { stage: string; stack: Stack; findings: number }[] = [];
  const findings: string[] = [];
  const check = (stage: string, stack: Stack) => {
    const stackFindings = nagFindings(stack);
    for (const f of stackFindings) findings.push(`${stack.stackName} ${f.resource}: ${f.rule} ${f.description}`);
    rows.push({ stage, stack, findings: stackFindings.length });
  };
  for (const stage of stages) for (const stack of stacksIn(stage)) check(stage.stageName, stack);
  for (const stack of oidcStacks) check('-', stack);
  const assembly = app.synth();
  const artifacts = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)];
  printTable(out, ['stage', 'stack', 'deploy selector', 'resources', 'nag findings'], rows.map(({ stage, stack, findings: count }) => {
    const artifact = artifacts.find((a) => a.hierarchicalId === stack.node.path);
    return [stage, stack.stackName, stack.node.path, String(Object.keys(artifact?.template?.Resources ?? {}).length), String(count)];
  }));
  const shownAssembly = relative(REPOSITORY_ROOT, assembly.directory);
  out(`\nconfig: ${relative(REPOSITORY_ROOT, file)}; queries: ${queriesDir ? relative(REPOSITORY_ROOT, queriesDir) || '.' : 'none'}; cloud assembly: ${shownAssembly}`);
  if (findings.length > 0) {
    for (const finding of findings) err(finding);
    err(`synth failed: ${findings.length} unacknowledged cdk-nag finding(s): fix them or acknowledge each with a reason`);
    return 1;
  }
  out(`\n${nextSteps(config, shownAssembly).join('\n')}`);
  return 0;
}

function printTable(out: (line: string) => void, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out(line(row));
}

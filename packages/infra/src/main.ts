// `npm run synth`: synthesizes every stage into cdk.out with no AWS credentials, checks each stack
// with cdk-nag (AwsSolutions), prints stage, stack, resource count and findings, then the commands
// that bootstrap and deploy what was synthesized. Exit code 0: synthesized, no finding; 1: a finding
// or an invalid config or query (the error is the last line printed).
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SnaplakeError } from '@snaplake/core';
import { Stack } from 'aws-cdk-lib';
import { buildApp } from './app';
import { configPath, loadSnaplakeConfig, queriesDirectory, REPOSITORY_ROOT } from './config';
import { nagFindings, stacksIn } from './nag';
import { nextSteps } from './next-steps';

function main(): number {
  const file = configPath();
  const config = loadSnaplakeConfig(file);
  const queriesDir = queriesDirectory(file);
  // `cdk` sets CDK_OUTDIR and owns that folder; our own cdk.out is emptied so that no stage removed
  // from the config leaves a stale assembly behind.
  const outdir = process.env.CDK_OUTDIR ?? join(__dirname, '..', 'cdk.out');
  if (process.env.CDK_OUTDIR === undefined) rmSync(outdir, { recursive: true, force: true });
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
  printTable(['stage', 'stack', 'deploy selector', 'resources', 'nag findings'], rows.map(({ stage, stack, findings: count }) => {
    const artifact = artifacts.find((a) => a.hierarchicalId === stack.node.path);
    return [stage, stack.stackName, stack.node.path, String(Object.keys(artifact?.template?.Resources ?? {}).length), String(count)];
  }));
  const shownAssembly = relative(REPOSITORY_ROOT, assembly.directory);
  console.log(`\nconfig: ${relative(REPOSITORY_ROOT, file)}; queries: ${queriesDir ? relative(REPOSITORY_ROOT, queriesDir) || '.' : 'none'}; cloud assembly: ${shownAssembly}`);
  if (findings.length > 0) {
    for (const finding of findings) console.error(finding);
    console.error(`synth failed: ${findings.length} unacknowledged cdk-nag finding(s): fix them or acknowledge each with a reason`);
    return 1;
  }
  console.log(`\n${nextSteps(config, shownAssembly).join('\n')}`);
  return 0;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof SnaplakeError)) throw error;
  // One line, last: the file, the field and the problem.
  console.error(`synth failed: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
  process.exitCode = 1;
}

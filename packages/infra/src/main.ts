// `npm run synth`: synthesizes every stage into cdk.out with no AWS credentials, checks each stack
// with cdk-nag (AwsSolutions) and prints stage, stack, resource count and findings.
import { join } from 'node:path';
import { SnaplakeError } from '@snaplake/core';
import { Stack } from 'aws-cdk-lib';
import { buildApp } from './app';
import { loadSnaplakeConfig } from './config';
import { nagFindings, stacksIn } from './nag';

function main(): number {
  const config = loadSnaplakeConfig();
  const { app, stages, oidcStacks } = buildApp(config, process.env.CDK_OUTDIR ?? join(__dirname, '..', 'cdk.out'));
  const rows: string[][] = [];
  let findings = 0;
  const check = (stageName: string, stack: Stack) => {
    const stackFindings = nagFindings(stack);
    findings += stackFindings.length;
    for (const f of stackFindings) console.error(`${stack.stackName} ${f.resource}: ${f.rule} ${f.description}`);
    rows.push([stageName, stack.stackName, '', String(stackFindings.length)]);
  };
  for (const stage of stages) for (const stack of stacksIn(stage)) check(stage.stageName, stack);
  for (const stack of oidcStacks) check(`(account ${stack.account})`, stack);
  const assembly = app.synth();
  for (const row of rows) {
    const artifact = row[0]!.startsWith('(account')
      ? assembly.stacks.find((s) => s.stackName === row[1] && s.environment.account === row[0]!.slice(9, -1))
      : assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks).find((s) => s.stackName === row[1]);
    row[2] = String(Object.keys(artifact?.template?.Resources ?? {}).length);
  }
  printTable(['stage', 'stack', 'resources', 'nag findings'], rows);
  console.log(`cloud assembly: ${assembly.directory}`);
  if (findings > 0) {
    console.error(`${findings} unacknowledged cdk-nag finding(s): fix them or acknowledge each with a reason`);
    return 1;
  }
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
  if (error instanceof SnaplakeError) {
    console.error(`synth failed: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}

// The fixture apps of the tests, each synthesized once per test run and shared by every test file:
// `synthesized('minimal').template('Dev/ExportPipeline')`. A fixture app is a folder of
// test/fixtures with a `snaplake.config.json` and, optionally, a `queries` folder: the tests never read
// the example config or queries, which a user replaces. See test/fixtures/README.md.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { NagFinding } from '../src';
import { SYNTH_DIR_VARIABLE } from './global-setup';

export const FIXTURES_DIR = join(__dirname, 'fixtures');

/** One stack of a synthesized fixture app. */
export interface SynthesizedStack {
  /** The construct path, which is also the `cdk deploy` selector: `Prod/Storage`, `GithubOidc-333333333333`. */
  readonly id: string;
  readonly stackName: string;
  /** The stage's construct id (`Prod`), or undefined for a stack outside any stage. */
  readonly stage: string | undefined;
  readonly account: string;
  readonly region: string;
  /** Ids of the stacks this one must be deployed after. */
  readonly dependencies: string[];
  /** The CloudFormation template, as deployed. */
  readonly template: any;
  /** cdk-nag AwsSolutions findings nobody acknowledged, checked before synthesis (as `npm run synth` does). */
  readonly nagFindings: NagFinding[];
}

/** A cdk-nag acknowledgement: where it sits, the rule, and why. */
export interface Acknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** What the harness keeps of one synthesized fixture app. */
interface Synthesis {
  readonly stacks: SynthesizedStack[];
  readonly acknowledgements: Acknowledgement[];
  /** Where the cloud assembly is, for a test that reads it with the CDK's own tools. */
  readonly assemblyDir: string;
}

export class SynthesizedApp {
  readonly stacks: readonly SynthesizedStack[];
  readonly acknowledgements: readonly Acknowledgement[];
  readonly assemblyDir: string;
  private readonly templates = new Map<string, Template>();

  constructor(readonly name: string, synthesis: Synthesis) {
    this.stacks = synthesis.stacks;
    this.acknowledgements = synthesis.acknowledgements;
    this.assemblyDir = synthesis.assemblyDir;
  }

  /** A stack by construct path (`Prod/Storage`) or by stack name when only one stack has it. */
  stack(idOrName: string): SynthesizedStack {
    const byId = this.stacks.find((s) => s.id === idOrName);
    if (byId) return byId;
    const byName = this.stacks.filter((s) => s.stackName === idOrName);
    if (byName.length === 1) return byName[0]!;
    throw new Error(`fixture app '${this.name}' has ${byName.length === 0 ? 'no' : 'several'} stack '${idOrName}'; its stacks: ${this.stacks.map((s) => s.id).join(', ')}`);
  }

  /** The stacks of one stage (`Prod`), in synthesis order. */
  stacksOf(stage: string): SynthesizedStack[] {
    return this.stacks.filter((s) => s.stage === stage);
  }

  /** The template of a stack, for `aws-cdk-lib/assertions`. */
  template(idOrName: string): Template {
    const stack = this.stack(idOrName);
    let template = this.templates.get(stack.id);
    if (!template) {
      template = Template.fromJSON(stack.template);
      this.templates.set(stack.id, template);
    }
    return template;
  }
}

const loaded = new Map<string, SynthesizedApp>();

/**
 * The fixture app `test/fixtures/<name>`, synthesized. The first test file of the run that asks for it
 * synthesizes it (other Jest workers wait for it); every later call reads the result.
 */
export function synthesized(name: string): SynthesizedApp {
  let app = loaded.get(name);
  if (!app) {
    app = new SynthesizedApp(name, readOrSynthesize(name));
    loaded.set(name, app);
  }
  return app;
}

/** The names of every fixture app (the folders of test/fixtures with a config). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter((name) => existsSync(fixtureConfigPath(name))).sort();
}

/** The path of a fixture app's config file. */
export function fixtureConfigPath(name: string): string {
  return join(FIXTURES_DIR, name, 'snaplake.config.json');
}

function runDir(): string {
  // Without the global setup (a tool running one file on its own), this process keeps its own folder.
  process.env[SYNTH_DIR_VARIABLE] ??= mkdtempSync(join(tmpdir(), 'snaplake-test-synth-'));
  return process.env[SYNTH_DIR_VARIABLE]!;
}

function readOrSynthesize(name: string): Synthesis {
  if (!existsSync(fixtureConfigPath(name))) throw new Error(`no fixture app '${name}': ${fixtureConfigPath(name)} does not exist`);
  const dir = join(runDir(), name);
  const result = join(dir, 'result.json');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(result)) return readResult(result);
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (fd === undefined) {
      // Another worker is synthesizing this app: wait for its result, or take over if it died.
      if (!holderAlive(lock)) rmSync(lock, { force: true });
      else sleep(50);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (!existsSync(result)) writeResult(result, synthesize(name, dir));
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

function readResult(file: string): Synthesis {
  const result = JSON.parse(readFileSync(file, 'utf8')) as Synthesis | { error: string };
  if ('error' in result) throw new Error(result.error);
  return result;
}

function writeResult(file: string, result: Synthesis | { error: string }): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(result));
  renameSync(`${file}.tmp`, file);
}

function holderAlive(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(lock, 'utf8')), 0);
    return true;
  } catch (error) {
    // No pid written yet (the holder is between create and write), or a process we may not signal.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Where the CDK's App reads context from (as `cdk synth` passes it). */
const CONTEXT_VARIABLE = 'CDK_CONTEXT_JSON';

/**
 * What synthesis writes beyond the templates and that no test reads (~10% of the time of synthesizing
 * the fixture apps): a copy of each function bundle in the assembly (its asset manifest names the
 * bundle where it is), and stack traces and logical ids in the assembly's metadata. The templates, the
 * asset hashes and the cdk-nag findings are the same.
 */
const UNREAD_OUTPUT_OFF = {
  'aws:cdk:disable-asset-staging': true,
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-logicalId-metadata': true,
};

/**
 * Builds the app from the fixture's config and queries, runs cdk-nag on every stack before synthesis
 * (as `npm run synth` does), collects the acknowledgements and synthesizes. An app that fails to build
 * is recorded as its error, which every test asking for it then reports.
 */
function synthesize(name: string, dir: string): Synthesis | { error: string } {
  // Loaded here, not at the top: a test file that reads an app another file synthesized never loads the app's code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const infra = require('../src') as typeof import('../src');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Stage, Validations } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const queriesDir = join(FIXTURES_DIR, name, 'queries');
  const assemblyDir = join(dir, 'assembly');
  mkdirSync(dir, { recursive: true });
  const validation = process.env.CDK_VALIDATION;
  const context = process.env[CONTEXT_VARIABLE];
  try {
    const config = infra.loadSnaplakeConfig(fixtureConfigPath(name));
    process.env[CONTEXT_VARIABLE] = JSON.stringify({ ...(context ? JSON.parse(context) : {}), ...UNREAD_OUTPUT_OFF });
    const { app } = infra.buildApp(config, assemblyDir, { queriesDir: existsSync(queriesDir) ? queriesDir : undefined });
    const stacks = infra.stacksIn(app);
    const findings = new Map(stacks.map((stack) => [stack.node.path, infra.nagFindings(stack)]));
    const acknowledgements: Acknowledgement[] = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        const rules = Object.entries(entry.data as Record<string, string>);
        for (const [rule, reason] of rules) acknowledgements.push({ path: construct.node.path, rule, reason });
      }
    }
    // CloudFormation's template validator (WebAssembly, ~4 s to start per process) runs in `npm run synth`, not here.
    process.env.CDK_VALIDATION = 'false';
    const assembly = app.synth();
    const artifacts = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)];
    const idOf = new Map(artifacts.map((a) => [a.id, a.hierarchicalId]));
    return {
      assemblyDir,
      acknowledgements,
      stacks: stacks.map((stack) => {
        const artifact = artifacts.find((a) => a.hierarchicalId === stack.node.path)!;
        return {
          id: stack.node.path,
          stackName: stack.stackName,
          stage: Stage.of(stack) === app ? undefined : Stage.of(stack)!.node.id,
          account: stack.account,
          region: stack.region,
          dependencies: artifact.dependencies.map((d) => idOf.get(d.id)).filter((id): id is string => id !== undefined),
          template: artifact.template,
          nagFindings: findings.get(stack.node.path)!,
        };
      }),
    };
  } catch (error) {
    return { error: `fixture app '${name}' (${fixtureConfigPath(name)}) could not be synthesized: ${(error as Error).stack ?? error}` };
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
    if (context === undefined) delete process.env[CONTEXT_VARIABLE];
    else process.env[CONTEXT_VARIABLE] = context;
  }
}

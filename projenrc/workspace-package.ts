import { javascript, ProjenrcFile, typescript } from 'projen';

/** What every package of the workspace shares. */
export interface Workspace {
  readonly root: typescript.TypeScriptProject;
  readonly typescriptVersion: string;
  readonly jestVersion: string;
  /** `@types/node@^<major>`. */
  readonly nodeTypes: string;
  /** The GitHub repository package.json links point at, if known. */
  readonly repository?: { readonly owner: string; readonly repository: string };
}

/** A package's own settings: its dependencies, and Jest settings added to the shared ones. */
export interface PackageOptions {
  readonly deps?: string[];
  readonly devDeps?: string[];
  readonly peerDeps?: string[];
  readonly jestConfig?: javascript.JestConfigOptions;
}

/** Which files Jest compiles: TypeScript, with swc. */
const TYPESCRIPT_FILES = '^.+\\.ts$';

/**
 * The PATH every projen task runs with: the node_modules/.bin of the task's folder and of each folder
 * above it (the package's, the root's), then the caller's PATH; so a task finds jest, tsc, nx... however
 * projen is started (`npm run`, `npx projen`, `node_modules/.bin/projen`, a global projen). projen's own
 * value asks npx for it (`npx -c "node --print process.env.PATH"`), ~0.4 s per task, so per Nx target;
 * node alone is ~0.05 s.
 */
export const TASK_PATH = `$(node --print "module.paths.map((p) => require('path').join(p, '.bin')).concat(process.env.PATH).join(require('path').delimiter)")`;

/**
 * `packages/<name>`, published as `@snaplake/<name>`: strict TypeScript from tsconfig.base.json,
 * Jest on swc, ESLint, no install of its own (one `npm ci` at the root installs every package).
 */
export class WorkspacePackage extends typescript.TypeScriptProject {
  constructor(workspace: Workspace, name: string, description: string, options: PackageOptions = {}) {
    const github = workspace.repository && `https://github.com/${workspace.repository.owner}/${workspace.repository.repository}`;
    super({
      ...(github ? {
        repository: `git+${github}.git`,
        repositoryDirectory: `packages/${name}`,
        homepage: `${github}/tree/main/packages/${name}#readme`,
        bugsUrl: `${github}/issues`,
      } : {}),
      parent: workspace.root,
      outdir: `packages/${name}`,
      name: `@snaplake/${name}`,
      description,
      defaultReleaseBranch: 'main',
      packageManager: javascript.NodePackageManager.NPM,
      typescriptVersion: workspace.typescriptVersion,
      minNodeVersion: '20.0.0',
      licensed: true,
      license: 'Apache-2.0',
      copyrightOwner: 'snaplake contributors',
      // Strict settings live in tsconfig.base.json; a package's tsconfig says where its sources are (and
      // projen adds rootDir and outDir). No other defaults: see defaultTypeScriptCompilerOptions.
      tsconfig: {
        extends: javascript.TypescriptConfigExtends.fromPaths(['../../tsconfig.base.json']),
        compilerOptions: { types: ['jest', 'node'] },
      },
      // Tests run on swc (fast, no type check; `compile` type-checks), never accept a new snapshot
      // unasked (`test:update` does), and leave a report the root sums up (scripts/run-tests.mjs).
      jestOptions: {
        jestVersion: workspace.jestVersion,
        configFilePath: 'jest.config.json',
        junitReporting: false,
        updateSnapshot: javascript.UpdateSnapshot.NEVER,
        passWithNoTests: false,
        extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json'],
        jestConfig: {
          collectCoverage: false,
          transform: { [TYPESCRIPT_FILES]: new javascript.Transform('@swc/jest') },
          ...options.jestConfig,
        },
      },
      // The same pattern as the swc transform, which replaces projen's ts-jest transform there.
      tsJestOptions: { transformPattern: TYPESCRIPT_FILES },
      eslintOptions: { dirs: ['src'], devdirs: ['test'], commandOptions: { fix: false } },
      sampleCode: false,
      projenrcTs: false,
      deps: options.deps,
      peerDeps: options.peerDeps,
      devDeps: [workspace.nodeTypes, ...options.devDeps ?? []],
    });
    // Added once projen's ESLint has added these plugins unversioned: the versions stick.
    // @swc/core is pinned to a release whose every platform binary the registry serves: `npm ci` needs them all in the lock file.
    this.addDevDeps('@swc/core@1.16.18', '@swc/jest@^0.2.39', 'eslint-import-resolver-typescript@^4.4.5', 'eslint-plugin-import@^2.32.0');
    new RootProjenrc(this);
    // The tasks find their tools without npx (TASK_PATH).
    this.tasks.addEnvironment('PATH', TASK_PATH);
    // One `npm ci` at the root installs every package; projen must not run installs per package.
    this.tasks.tryFind('install')?.reset();
    this.tasks.tryFind('install:ci')?.reset();
    // swc compiles the tests: projen's ts-jest is not needed.
    this.deps.removeDependency('ts-jest');

    // Jest writes its report into test-reports/ but does not create the folder.
    for (const task of [this.testTask, this.tasks.tryFind('test:update')!]) task.prependExec('mkdir -p test-reports');
    // Lint is a target of its own (Nx caches it apart): the test task does not run ESLint too.
    const eslintStep = this.testTask.steps.findIndex((step) => step.spawn === 'eslint');
    if (eslintStep >= 0) this.testTask.removeStep(eslintStep);
    // The AWS SDK warns, once per test file, that its releases after January 2027 need Node 22. The
    // Lambdas run Node 24 and CI uses .nvmrc (24); on an older local Node, `npm test` says so once
    // (scripts/run-tests.mjs), not 16 times. The variable is the SDK's own switch (@aws-sdk/core).
    this.testTask.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    this.addTask('lint').spawn(this.tasks.tryFind('eslint')!);
    // Nx runs build, test and lint as separate cached targets, so its `build` only compiles
    // (projen's own build task is locked and would run the tests too).
    this.package.setScript('build', 'projen compile');
    // A package ships its compiled code and typings only (plus README, LICENSE and package.json).
    this.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts']);
  }

  /** None of projen's defaults: every compiler setting comes from tsconfig.base.json, which the package's tsconfig extends. */
  protected override defaultTypeScriptCompilerOptions(): javascript.TypeScriptCompilerOptions {
    return {};
  }
}

/** Packages are defined in the root's .projenrc.ts: their generated files' markers say so. */
class RootProjenrc extends ProjenrcFile {
  readonly filePath = '../../.projenrc.ts';
  override preSynthesize(): void {}
}

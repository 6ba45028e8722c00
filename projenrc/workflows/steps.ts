// Building blocks shared by the workflows: pinned actions, set-up steps, the AWS role steps.

/** Third-party actions, pinned to a full commit SHA; the version is written as a comment. */
export const ACTIONS = {
  checkout: { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { uses: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  nxSetShas: { uses: 'nrwl/nx-set-shas@afb73a62d26e41464e9254689e1fd6122ee683c1', version: 'v5.0.1' },
  uploadArtifact: { uses: 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { uses: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  awsCredentials: { uses: 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3' },
  githubScript: { uses: 'actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd', version: 'v8.0.0' },
} as const;

/** The example config; a team names its own with the repository variable `SNAPLAKE_CONFIG`. */
export const EXAMPLE_CONFIG = 'packages/infra/snaplake.config.json';
/** One concurrency group for every workflow that deploys: runs queue in order, none is cancelled midway. */
export const DEPLOY_CONCURRENCY = { 'group': 'snaplake-deploy', 'cancel-in-progress': false };
/** The cloud assembly the pull-request and deploy workflows upload, and where jobs put it back. */
export const ASSEMBLY = { name: 'cloud-assembly', path: 'packages/infra/cdk.out' };
export const ON_MAIN = "github.ref == 'refs/heads/main'";

export interface DeliveryStage {
  /** Lowercase stage name: the GitHub environment and the variable suffix (`DIFF_ROLE_ARN_PROD`). */
  readonly name: string;
  /** The CDK stage construct id, such as `Prod`: `cdk deploy 'Prod/*'`. */
  readonly stageId: string;
  readonly account: string;
  readonly region: string;
}

export interface DeliveryOptions {
  readonly stages: readonly DeliveryStage[];
  /** Packages released on their own, with whether they are published to npm. */
  readonly packages: readonly { readonly name: string; readonly publish: boolean }[];
  /** CDK bootstrap qualifier of the stages. @default 'hnb659fds' */
  readonly bootstrapQualifier?: string;
}

export type Step = Record<string, unknown>;
export type Job = Record<string, unknown>;
export type Workflow = Record<string, unknown>;

export const use = (action: { uses: string }, inputs?: Record<string, unknown>, name?: string): Step =>
  ({ ...(name ? { name } : {}), uses: action.uses, ...(inputs ? { with: inputs } : {}) });

/**
 * Every workflow's environment: Nx without daemon or cloud, and the config in use, relative to the
 * repository root (`vars.SNAPLAKE_CONFIG`, else the example).
 */
export const WORKFLOW_ENV = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  SNAPLAKE_CONFIG: `\${{ github.workspace }}/\${{ vars.SNAPLAKE_CONFIG || '${EXAMPLE_CONFIG}' }}`,
};

export interface SetupOptions {
  /** A commit other than the workflow's own. */
  readonly ref?: string;
  readonly fullHistory?: boolean;
  /** Configure npm for publishing to the npm registry. */
  readonly npmRegistry?: boolean;
}

/** Checkout (no token kept in .git/config), the Node version of `.nvmrc`, `npm ci`. */
export function setup(options: SetupOptions = {}): Step[] {
  return [
    use(ACTIONS.checkout, {
      ...(options.ref ? { ref: options.ref } : {}),
      ...(options.fullHistory ? { 'fetch-depth': 0 } : {}),
      'persist-credentials': false,
    }),
    use(ACTIONS.setupNode, {
      'node-version-file': '.nvmrc',
      'cache': 'npm',
      ...(options.npmRegistry ? { 'registry-url': 'https://registry.npmjs.org' } : {}),
    }),
    { name: 'Install', run: 'npm ci' },
  ];
}

export function assumeRole(roleArn: string, region: string, sessionName: string, name: string): Step {
  return use(ACTIONS.awsCredentials, { 'role-to-assume': roleArn, 'aws-region': region, 'role-session-name': sessionName }, name);
}

/** A `run` step in bash with `-eo pipefail`, so `cmd | tee file` fails when cmd fails. */
export function bash(name: string, run: string, extra: Step = {}): Step {
  return { name, ...extra, shell: 'bash', run };
}

/** The ARN of a stage's CDK lookup role in its own region (read-only; the drift check runs as it). */
export function lookupRoleArn(stage: DeliveryStage, qualifier = 'hnb659fds'): string {
  return `arn:aws:iam::${stage.account}:role/cdk-${qualifier}-lookup-role-${stage.account}-${stage.region}`;
}

export const upper = (stage: DeliveryStage) => stage.name.toUpperCase();

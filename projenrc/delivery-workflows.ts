// The GitHub Actions workflows of snaplake, as data: .projenrc.ts writes them to .github/workflows,
// and the delivery tests render them again to catch a hand-edited (drifted) workflow.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

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

export interface DeliveryStage {
  /** Lowercase stage name: the GitHub environment and the variable suffix (`DIFF_ROLE_ARN_PROD`). */
  readonly name: string;
  /** The CDK stage construct id, such as `Prod`: `cdk deploy 'Prod/*'`. */
  readonly stageId: string;
}

export interface DeliveryOptions {
  readonly stages: readonly DeliveryStage[];
  /** Packages released on their own, with whether they are published to npm. */
  readonly packages: readonly { readonly name: string; readonly publish: boolean }[];
  readonly nodeVersion: string;
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;
export type Workflow = Record<string, unknown>;

const use = (action: { uses: string }, inputs?: Record<string, unknown>, name?: string): Step =>
  ({ ...(name ? { name } : {}), uses: action.uses, ...(inputs ? { with: inputs } : {}) });

function setup(nodeVersion: string, fullHistory = false, npmRegistry = false): Step[] {
  return [
    use(ACTIONS.checkout, fullHistory ? { 'fetch-depth': 0 } : undefined),
    use(ACTIONS.setupNode, { 'node-version': nodeVersion, 'cache': 'npm', ...(npmRegistry ? { 'registry-url': 'https://registry.npmjs.org' } : {}) }),
    { name: 'Install', run: 'npm ci' },
  ];
}

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

/** Pull requests: affected checks, synth with cdk-nag, and `cdk diff` per stage as one updated comment each. */
export function pullRequestWorkflow(options: DeliveryOptions): Workflow {
  const verify: Job = {
    'name': 'Lint, test and build what changed; synthesize every stage',
    'runs-on': 'ubuntu-latest',
    'permissions': { 'contents': 'read', 'actions': 'read' },
    'env': NX_ENV,
    'steps': [
      ...setup(options.nodeVersion, true),
      use(ACTIONS.nxSetShas, { 'main-branch-name': 'main' }, 'Find the merge base for nx affected'),
      { name: 'Lint, test and build affected packages', run: 'npx nx affected -t lint test build --outputStyle=static' },
      { name: 'Synthesize every stage with cdk-nag', run: 'npm run synth' },
      use(ACTIONS.uploadArtifact, { 'name': 'cloud-assembly', 'path': 'packages/infra/cdk.out', 'retention-days': 7 }, 'Keep the cloud assembly'),
    ],
  };
  const diffJobs: Record<string, Job> = {};
  for (const stage of options.stages) {
    const suffix = stage.name.toUpperCase();
    diffJobs[`diff-${stage.name}`] = {
      'name': `cdk diff ${stage.name}`,
      'needs': 'verify',
      // A pull request from a fork gets no AWS credentials.
      'if': 'github.event.pull_request.head.repo.full_name == github.repository',
      'runs-on': 'ubuntu-latest',
      'permissions': { 'contents': 'read', 'id-token': 'write', 'pull-requests': 'write' },
      'steps': [
        ...setup(options.nodeVersion),
        use(ACTIONS.downloadArtifact, { name: 'cloud-assembly', path: 'packages/infra/cdk.out' }),
        use(ACTIONS.awsCredentials, {
          'role-to-assume': `\${{ vars.DIFF_ROLE_ARN_${suffix} }}`,
          'aws-region': `\${{ vars.AWS_REGION_${suffix} }}`,
          'role-session-name': `snaplake-diff-${stage.name}`,
        }, 'Assume the read-only diff role'),
        {
          name: 'Diff',
          run: `npx cdk diff --app packages/infra/cdk.out '${stage.stageId}/*' --no-color > diff-${stage.name}.txt 2>&1 || true`,
        },
        use(ACTIONS.githubScript, {
          script: [
            "const { readFileSync } = require('node:fs');",
            "const { diffComment } = require('./scripts/diff-comment.js');",
            `const body = diffComment('${stage.name}', readFileSync('diff-${stage.name}.txt', 'utf8'));`,
            'const { owner, repo } = context.repo;',
            'const issue_number = context.issue.number;',
            'const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });',
            `const previous = comments.find((c) => c.body.includes('<!-- snaplake-diff:${stage.name} -->'));`,
            'if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });',
            'else await github.rest.issues.createComment({ owner, repo, issue_number, body });',
          ].join('\n'),
        }, 'Post or update the diff comment'),
      ],
    };
  }
  return {
    name: 'pull-request',
    on: { pull_request: { branches: ['main'] } },
    permissions: { contents: 'read' },
    concurrency: { 'group': 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true },
    jobs: { verify, ...diffJobs },
  };
}

/** Merges to main: synthesize once, then deploy that same assembly to each stage in order. */
export function deployWorkflow(options: DeliveryOptions): Workflow {
  const jobs: Record<string, Job> = {
    synth: {
      'name': 'Synthesize every stage once',
      'runs-on': 'ubuntu-latest',
      'permissions': { contents: 'read' },
      'env': NX_ENV,
      'steps': [
        ...setup(options.nodeVersion),
        { name: 'Test', run: 'npm test' },
        { name: 'Synthesize with cdk-nag', run: 'npm run synth' },
        use(ACTIONS.uploadArtifact, { 'name': 'cloud-assembly', 'path': 'packages/infra/cdk.out', 'retention-days': 30 }),
      ],
    },
  };
  let previous = 'synth';
  for (const stage of options.stages) {
    jobs[`deploy-${stage.name}`] = {
      'name': `Deploy ${stage.name}`,
      'needs': previous,
      'runs-on': 'ubuntu-latest',
      'environment': stage.name,
      'concurrency': { 'group': `deploy-${stage.name}`, 'cancel-in-progress': false },
      'permissions': { 'contents': 'read', 'id-token': 'write' },
      'steps': [
        ...setup(options.nodeVersion),
        use(ACTIONS.downloadArtifact, { name: 'cloud-assembly', path: 'packages/infra/cdk.out' }),
        use(ACTIONS.awsCredentials, {
          'role-to-assume': '${{ vars.DEPLOY_ROLE_ARN }}',
          'aws-region': '${{ vars.AWS_REGION }}',
          'role-session-name': `snaplake-deploy-${stage.name}`,
        }, `Assume the ${stage.name} deploy role`),
        { name: 'Deploy', run: `npx cdk deploy --app packages/infra/cdk.out '${stage.stageId}/*' --require-approval never --concurrency 2` },
      ],
    };
    previous = `deploy-${stage.name}`;
  }
  return { name: 'deploy', on: { push: { branches: ['main'] }, workflow_dispatch: {} }, permissions: { contents: 'read' }, jobs };
}

/** Per-package releases from conventional commits: tags `<package>@vX.Y.Z`; unchanged packages are skipped. */
export function releaseWorkflow(options: DeliveryOptions): Workflow {
  return {
    name: 'release',
    on: { workflow_run: { workflows: ['deploy'], types: ['completed'], branches: ['main'] }, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    concurrency: { 'group': 'release', 'cancel-in-progress': false },
    jobs: {
      release: {
        'name': 'Release ${{ matrix.package.name }}',
        'if': "github.event_name == 'workflow_dispatch' || github.event.workflow_run.conclusion == 'success'",
        'runs-on': 'ubuntu-latest',
        'permissions': { contents: 'write' },
        'strategy': { 'fail-fast': false, 'max-parallel': 1, 'matrix': { package: options.packages } },
        'env': NX_ENV,
        'steps': [
          ...setup(options.nodeVersion, true, true),
          { name: 'Build', run: 'npx nx run-many -t build --outputStyle=static' },
          {
            name: 'Release when the package changed',
            run: 'node scripts/release.mjs "${{ matrix.package.name }}" ${{ matrix.package.publish && \'--publish\' || \'\' }}',
            env: {
              NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}',
              GIT_AUTHOR_NAME: 'snaplake-release',
              GIT_AUTHOR_EMAIL: 'release@users.noreply.github.com',
              GIT_COMMITTER_NAME: 'snaplake-release',
              GIT_COMMITTER_EMAIL: 'release@users.noreply.github.com',
            },
          },
        ],
      },
    },
  };
}

export function deliveryWorkflows(options: DeliveryOptions): Record<string, Workflow> {
  return {
    'pull-request.yml': pullRequestWorkflow(options),
    'deploy.yml': deployWorkflow(options),
    'release.yml': releaseWorkflow(options),
  };
}

/** YAML of a workflow, each pinned action followed by its version as a comment. */
export function renderWorkflow(workflow: Workflow): string {
  const versions = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.uses, a.version]));
  const yaml = stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false });
  const pinned = yaml.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, prefix: string, ref: string) => {
    const version = versions.get(ref);
    return version ? `${prefix}${ref} # ${version}` : line;
  });
  return `# ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".\n${pinned}`;
}

/** snaplake's delivery: the stages of the committed config, the four packages, Node 20. */
export function snaplakeDeliveryOptions(repositoryRoot: string): DeliveryOptions {
  const config = JSON.parse(readFileSync(join(repositoryRoot, 'packages/infra/snaplake.config.json'), 'utf8')) as { stages: { name: string }[] };
  return {
    stages: config.stages.map(({ name }) => ({ name, stageId: name.charAt(0).toUpperCase() + name.slice(1) })),
    packages: [
      { name: 'core', publish: true },
      { name: 'connector', publish: true },
      { name: 'functions', publish: false },
      { name: 'infra', publish: false },
    ],
    nodeVersion: '20',
  };
}

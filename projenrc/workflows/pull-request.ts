// Pull requests: checks and synth without any AWS credentials; then, from the default branch and
// without running the pull request's code, `cdk diff` of its uploaded assembly per stage.
import { ACTIONS, ASSEMBLY, assumeRole, bash, DeliveryOptions, Job, setup, upper, use, Workflow, WORKFLOW_ENV } from './steps';

/** Lint, test and build what changed, synthesize every stage, keep the assembly. No AWS, no secrets: safe for forks. */
export function pullRequestWorkflow(_options: DeliveryOptions): Workflow {
  const verify: Job = {
    'name': 'Lint, test and build what changed; synthesize every stage',
    'runs-on': 'ubuntu-latest',
    'permissions': { contents: 'read', actions: 'read' },
    'steps': [
      ...setup({ fullHistory: true }),
      use(ACTIONS.nxSetShas, { 'main-branch-name': 'main' }, 'Find the merge base for nx affected'),
      { name: 'Lint, test and build affected packages', run: 'npx nx affected -t lint test build --outputStyle=static' },
      { name: 'Synthesize every stage with cdk-nag', run: 'npm run synth' },
      // SECURITY.md, "How permissions are verified": every request simulated against the stages' policies.
      { name: 'Simulate every AWS request against the policies', run: 'npm run verify-permissions' },
      use(ACTIONS.uploadArtifact, { 'name': ASSEMBLY.name, 'path': ASSEMBLY.path, 'retention-days': 7 }, 'Keep the cloud assembly for the diff'),
    ],
  };
  return {
    name: 'pull-request',
    on: { pull_request: { branches: ['main'] } },
    permissions: { contents: 'read' },
    concurrency: { 'group': 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true },
    env: WORKFLOW_ENV,
    jobs: { verify },
  };
}

const FIND_PULL_REQUEST = [
  '// The pull request whose head is the commit the assembly was built from (for forks too, whose',
  '// workflow_run event lists no pull request).',
  'const run = context.payload.workflow_run;',
  'const { owner, repo } = context.repo;',
  'const pulls = await github.paginate(github.rest.pulls.list, { owner, repo, state: \'open\', head: `${run.head_repository.owner.login}:${run.head_branch}` });',
  'const pull = pulls.find((p) => p.head.sha === run.head_sha);',
  'if (!pull) core.notice(`no open pull request has head ${run.head_sha}: it was updated (its newer run diffs it) or closed`);',
  "core.setOutput('number', pull ? String(pull.number) : '');",
].join('\n');

function commentScript(stage: string): string {
  return [
    "const { readFileSync, existsSync } = require('node:fs');",
    "const { diffComment } = require('./scripts/diff-comment.js');",
    `const output = existsSync('diff-${stage}.txt') ? readFileSync('diff-${stage}.txt', 'utf8') : '';`,
    `const body = diffComment('${stage}', output, { succeeded: process.env.DIFF_OUTCOME === 'success', commit: context.payload.workflow_run.head_sha });`,
    'const { owner, repo } = context.repo;',
    'const issue_number = Number(process.env.PULL_REQUEST);',
    'const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });',
    `const previous = comments.find((c) => c.user.type === 'Bot' && c.body.includes('<!-- snaplake-diff:${stage} -->'));`,
    'if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });',
    'else await github.rest.issues.createComment({ owner, repo, issue_number, body });',
  ].join('\n');
}

/**
 * After `pull-request` succeeds: from the default branch (this workflow file, scripts and CLI as
 * merged, never the pull request's), diff the assembly the pull request uploaded against each stage
 * through the read-only diff role, and post one comment per stage. A failed diff says so and fails.
 */
export function diffWorkflow(options: DeliveryOptions): Workflow {
  const jobs: Record<string, Job> = {
    'pull-request': {
      'name': 'Find the pull request',
      'if': "github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success'",
      'runs-on': 'ubuntu-latest',
      'permissions': { 'pull-requests': 'read' },
      'outputs': { number: '${{ steps.find.outputs.number }}' },
      'steps': [{ ...use(ACTIONS.githubScript, { script: FIND_PULL_REQUEST }, 'Find the pull request of the run'), id: 'find' }],
    },
  };
  for (const stage of options.stages) {
    jobs[`diff-${stage.name}`] = {
      'name': `cdk diff ${stage.name}`,
      'needs': 'pull-request',
      'if': "needs.pull-request.outputs.number != ''",
      'runs-on': 'ubuntu-latest',
      'permissions': { 'contents': 'read', 'actions': 'read', 'id-token': 'write', 'pull-requests': 'write' },
      'steps': [
        ...setup(),
        use(ACTIONS.downloadArtifact, {
          'name': ASSEMBLY.name,
          'path': 'pull-request-assembly',
          'run-id': '${{ github.event.workflow_run.id }}',
          'github-token': '${{ github.token }}',
        }, 'Download the pull request\'s cloud assembly (data only: nothing of it runs)'),
        assumeRole(`\${{ vars.DIFF_ROLE_ARN_${upper(stage)} }}`, `\${{ vars.AWS_REGION_${upper(stage)} }}`, `snaplake-diff-${stage.name}`, 'Assume the read-only diff role'),
        bash('cdk diff through the lookup roles',
          `npx cdk diff --app pull-request-assembly '${stage.stageId}/*' --method template --fail-on never --no-color 2>&1 | tee diff-${stage.name}.txt`,
          { id: 'diff' }),
        {
          ...use(ACTIONS.githubScript, { script: commentScript(stage.name) }, 'Post or update the diff comment, failed or not'),
          if: "${{ !cancelled() && steps.diff.outcome != 'skipped' }}",
          env: { DIFF_OUTCOME: '${{ steps.diff.outcome }}', PULL_REQUEST: '${{ needs.pull-request.outputs.number }}' },
        },
      ],
    };
  }
  return {
    name: 'pull-request-diff',
    on: { workflow_run: { workflows: ['pull-request'], types: ['completed'] } },
    permissions: { contents: 'read' },
    concurrency: {
      'group': 'diff-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}',
      'cancel-in-progress': true,
    },
    env: WORKFLOW_ENV,
    jobs,
  };
}

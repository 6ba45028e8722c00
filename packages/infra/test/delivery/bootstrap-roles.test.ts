// What `cdk deploy` of a stage will assume, read from the synthesized cloud assembly itself (the stack
// artifacts' deploy and lookup roles, the asset manifests' publishing roles), against what the GitHub
// roles of the OIDC stacks may assume. A stage whose stacks span regions (disaster-recovery copies)
// must be deployable from GitHub, and nothing beyond its own roles may be granted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnaplakeConfig } from '@snaplake/core';
import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { loadSnaplakeConfig } from '../../src/config';
import { fixtureConfigPath, synthesized as synthesizedApp } from '../synthesized';

const PARTITION = 'aws';

interface Synthesized {
  config: SnaplakeConfig;
  /** Per stage name: every role ARN the CLI assumes to deploy it. */
  needed: Record<string, { deploy: string[]; lookup: string[] }>;
  /** Per stage name: what its GitHub deploy role may assume; per account: what the diff role may assume. */
  grantedToDeploy: Record<string, string[]>;
  grantedToDiff: Record<string, string[]>;
  trust: Record<string, string>;
  /** The runtime of every Node.js Lambda function of the stages. */
  nodeRuntimes: string[];
}

/** Reads the fixture app's cloud assembly, as `cdk deploy` would. */
function synthesize(fixture: string): Synthesized {
  const config = loadSnaplakeConfig(fixtureConfigPath(fixture));
  const assembly = new CloudAssembly(synthesizedApp(fixture).assemblyDir);
  const needed: Synthesized['needed'] = {};
  const nodeRuntimes: string[] = [];
  for (const stageAssembly of assembly.nestedAssemblies.map((a) => a.nestedAssembly)) {
    const stacks = stageAssembly.artifacts.filter((a): a is CloudFormationStackArtifact => a instanceof CloudFormationStackArtifact);
    nodeRuntimes.push(...stacks.flatMap((s) => Object.values(s.template.Resources as Record<string, any>))
      .filter((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Runtime).startsWith('nodejs')).map((r) => r.Properties.Runtime));
    const lookup = stacks.map((s) => s.lookupRole!.arn);
    const publishing = stageAssembly.artifacts.filter((a) => a.manifest.type === 'cdk:asset-manifest')
      .flatMap((a) => assetRoles(stageAssembly, a.manifest.properties as { file: string }));
    needed[stacks[0]!.hierarchicalId.split('/')[0]!.toLowerCase()] = {
      deploy: sorted([...stacks.map((s) => s.assumeRoleArn!), ...publishing, ...lookup].map(withPartition)),
      lookup: sorted(lookup.map(withPartition)),
    };
  }
  const grantedToDeploy: Record<string, string[]> = {};
  const grantedToDiff: Record<string, string[]> = {};
  const trust: Record<string, string> = {};
  for (const stack of assembly.stacks) {
    const template = stack.template as { Resources: Record<string, any> };
    for (const [logicalId, role] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const name: string = role.Properties.RoleName;
      trust[name] = role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'];
      const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === logicalId));
      const resources = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Resource].flat()).map(resolveJoin);
      if (name.includes('-github-deploy-')) grantedToDeploy[name.split('-github-deploy-')[1]!] = sorted(resources);
      else grantedToDiff[stack.environment.account] = sorted(resources);
    }
  }
  return { config, needed, grantedToDeploy, grantedToDiff, trust, nodeRuntimes };
}

function assetRoles(stageAssembly: CloudAssembly, properties: { file: string }): string[] {
  const manifest = JSON.parse(readFileSync(join(stageAssembly.directory, properties.file), 'utf8'));
  return [...Object.values(manifest.files ?? {}), ...Object.values(manifest.dockerImages ?? {})]
    .flatMap((asset: any) => Object.values(asset.destinations).map((d: any) => d.assumeRoleArn as string));
}
const withPartition = (arn: string) => arn.replace('${AWS::Partition}', PARTITION);
const resolveJoin = (value: any): string => typeof value === 'string' ? value
  : value['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : part.Ref === 'AWS::Partition' ? PARTITION : `<${JSON.stringify(part)}>`)).join('');
const sorted = (values: string[]) => [...new Set(values)].sort();

describe.each([
  ['three stages, two with DR to one other region', 'three-stages'],
  ['DR regions that differ per stage, two stages in one account, an existing OIDC provider', 'dr-regions-differ'],
])('bootstrap roles of %s', (_title, fixture) => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(fixture);
  });

  test('each stage\'s deploy role may assume exactly the roles its cloud assembly needs, in every account and region', () => {
    const { config, needed, grantedToDeploy } = synthesized;
    for (const stage of config.stages) {
      expect({ stage: stage.name, roles: grantedToDeploy[stage.name] }).toEqual({ stage: stage.name, roles: needed[stage.name]!.deploy });
    }
    expect(Object.keys(grantedToDeploy).sort()).toEqual(config.stages.map((s) => s.name).sort());
  });

  test('the needed roles include every DR region of the stage', () => {
    const { config, needed } = synthesized;
    for (const stage of config.stages) {
      for (const region of [stage.region, ...(stage.disasterRecovery?.destinationRegions ?? [])]) {
        for (const kind of ['deploy', 'file-publishing', 'lookup']) {
          expect(needed[stage.name]!.deploy).toContain(`arn:aws:iam::${stage.account}:role/cdk-hnb659fds-${kind}-role-${stage.account}-${region}`);
        }
      }
    }
  });

  test('the diff role of each account may assume exactly the lookup roles of the stages in it', () => {
    const { config, needed, grantedToDiff } = synthesized;
    for (const account of new Set(config.stages.map((s) => s.account))) {
      const lookups = sorted(config.stages.filter((s) => s.account === account).flatMap((s) => needed[s.name]!.lookup));
      expect({ account, roles: grantedToDiff[account] }).toEqual({ account, roles: lookups });
    }
  });

  test('role names come from the project; deploy roles trust only their environment, the diff role only the default branch', () => {
    const { config, trust } = synthesized;
    const repo = `repo:${config.github!.owner}/${config.github!.repository}`;
    for (const stage of config.stages) expect(trust[`${config.project}-github-deploy-${stage.name}`]).toBe(`${repo}:environment:${stage.name}`);
    expect(trust[`${config.project}-github-diff`]).toBe(`${repo}:ref:refs/heads/main`);
  });

  test('every Node.js Lambda runs the Node major of .nvmrc, the one the workflows use', () => {
    const major = readFileSync(join(__dirname, '..', '..', '..', '..', '.nvmrc'), 'utf8').trim();
    expect(synthesized.nodeRuntimes.length).toBeGreaterThan(0);
    expect([...new Set(synthesized.nodeRuntimes)]).toEqual([`nodejs${major}.x`]);
  });
});

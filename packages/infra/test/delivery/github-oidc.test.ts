import { Match } from 'aws-cdk-lib/assertions';
import { synthesized } from '../synthesized';

describe('GithubOidcStack', () => {
  const app = synthesized('github');
  const oidcStacks = () => app.stacks.filter((s) => s.stage === undefined);
  const prod = () => app.template('GithubOidc-333333333333');

  test('one stack per account, each in its own account', () => {
    expect(oidcStacks().map((s) => [s.id, s.stackName, s.account, s.region])).toEqual([
      ['GithubOidc-222222222222', 'snaplake-github-oidc', '222222222222', 'eu-west-1'],
      ['GithubOidc-333333333333', 'snaplake-github-oidc', '333333333333', 'eu-central-1'],
    ]);
  });

  test('creates the native GitHub OIDC provider with the STS audience', () => {
    prod().hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
  });

  test('the deploy role trusts exactly the stage\'s GitHub environment, with the audience checked', () => {
    const roles = prod().findResources('AWS::IAM::Role', { Properties: { RoleName: 'snaplake-github-deploy-prod' } });
    const statement = (Object.values(roles)[0] as any).Properties.AssumeRolePolicyDocument.Statement;
    expect(statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: { Ref: expect.stringMatching(/^GithubProvider/) } },
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/lake:environment:prod' } },
    }]);
    expect(JSON.stringify(statement)).not.toMatch(/StringLike|\*/);
  });

  test('the deploy role may only assume the CDK bootstrap roles of its stage (bootstrap-roles.test.ts checks DR regions)', () => {
    prod().hasResourceProperties('AWS::IAM::Policy', {
      Roles: [Match.objectLike({ Ref: Match.stringLikeRegexp('^Deployprod') })],
      PolicyDocument: {
        Statement: [{
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Resource: ['deploy', 'file-publishing', 'lookup'].map((kind) => ({
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::333333333333:role/cdk-hnb659fds-${kind}-role-333333333333-eu-central-1`]],
          })),
        }],
      },
    });
  });

  test('the diff role trusts the default branch (workflow_run diffs, drift checks) and may only assume the lookup role', () => {
    const template = prod();
    const role = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'snaplake-github-diff' } }))[0] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe('repo:acme/lake:ref:refs/heads/main');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [Match.objectLike({ Ref: Match.stringLikeRegexp('^Diff') })],
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-central-1']] },
        })],
      },
    });
  });

  test('an account that already has GitHub\'s OIDC provider uses it instead of creating a second one', () => {
    const existing = synthesized('github-existing-provider');
    const template = existing.template('GithubOidc-333333333333');
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const role = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'snaplake-github-deploy-prod' } }))[0] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:oidc-provider/token.actions.githubusercontent.com']],
    });
    // The other account still gets its own provider.
    existing.template('GithubOidc-222222222222').resourceCountIs('AWS::IAM::OIDCProvider', 1);
  });

  test('role names come from the project', () => {
    const template = synthesized('full').template('GithubOidc-555555555555');
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName).sort()).toEqual(['acme-github-deploy-live', 'acme-github-diff']);
  });

  test('no OIDC stack without a GitHub repository in the config', () => {
    expect(synthesized('minimal').stacks.filter((s) => s.stage === undefined)).toEqual([]);
  });

  test('has no unacknowledged cdk-nag finding', () => {
    for (const stack of [...oidcStacks(), ...synthesized('github-existing-provider').stacks]) {
      expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
    }
  });
});

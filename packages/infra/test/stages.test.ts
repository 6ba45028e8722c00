import { Match } from 'aws-cdk-lib/assertions';
import { synthesized } from './synthesized';

describe('stages', () => {
  test('every stack of every stage of a config using every feature has no unacknowledged cdk-nag finding', () => {
    const { stacks } = synthesized('full');
    expect(stacks.map((s) => s.stackName)).toEqual(expect.arrayContaining(['acme-live-federated-query', 'acme-qa-export-pipeline', 'acme-live-scheduled-queries']));
    for (const stack of stacks) expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
  });

  test('a stage deploys to its configured account and region with stack names prefixed by project and stage', () => {
    expect(synthesized('minimal').stacksOf('Dev').map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['snaplake-dev-storage', '111111111111', 'eu-west-1'],
      ['snaplake-dev-export-pipeline', '111111111111', 'eu-west-1'],
      ['snaplake-dev-dashboard', '111111111111', 'eu-west-1'],
    ]);
  });

  test('each stage schedules the query files deployed to it, and a stage without any has no scheduled-query stack', () => {
    const full = synthesized('full');
    const schedules = (stack: string) => Object.values(full.template(stack).findResources('AWS::Scheduler::Schedule')).map((r: any) => r.Properties.Name).sort();
    expect(schedules('Qa/ScheduledQueries')).toEqual(['acme-qa-daily_orders']);
    expect(schedules('Live/ScheduledQueries')).toEqual(['acme-live-daily_orders', 'acme-live-live_orders']);
    expect(synthesized('minimal').stacks.map((s) => s.id)).not.toContain('Dev/ScheduledQueries');
  });
});

describe('data lake storage', () => {
  const template = () => synthesized('minimal').template('Dev/Storage');

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
  test('decision (issue 14): the lifecycle expires every export after exportRetentionDays, the newest included (docs/exports.md, "How long exports stay")', () => {
    const buckets = Object.values(template().findResources('AWS::S3::Bucket')) as { Properties: { LifecycleConfiguration?: { Rules: Record<string, unknown>[] } } }[];
    const exportRules = buckets.flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? []).filter((r) => r.ExpirationInDays === 7);
    expect(exportRules).toHaveLength(1);
    // No prefix or tag filter: S3 cannot tell the current export from the others, so none is spared.
    expect(exportRules[0]).not.toHaveProperty('Prefix');
    expect(exportRules[0]).not.toHaveProperty('TagFilters');
  });
});

describe('export pipeline', () => {
  test('the start-export function runs the bundled handler with the bucket, role and key it needs', () => {
    synthesized('minimal').template('Dev/ExportPipeline').hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Environment: { Variables: { EXPORT_BUCKET_NAME: Match.anyValue(), EXPORT_ROLE_ARN: Match.anyValue(), EXPORT_KMS_KEY_ARN: Match.anyValue(), NODE_OPTIONS: '--enable-source-maps' } },
    });
  });
});

describe('federated query', () => {
  test('a stage without federated queries has no federated query stack', () => {
    expect(synthesized('minimal').stacks.map((s) => s.id)).not.toContain('Dev/FederatedQuery');
  });

  test('the connector runs in the imported subnets, reads the named secret, and the analysts role may query it', () => {
    const t = synthesized('federated-queries').template('Prod/FederatedQuery');
    t.hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({ LambdaFunctionName: 'orders-live', SubnetIds: 'subnet-0123abcd,subnet-4567ef01' }),
    });
    t.hasResourceProperties('AWS::Athena::DataCatalog', { Name: 'orders_live', Type: 'LAMBDA' });
    // The README's first-deploy step: allow this output into the database's security group.
    const [groupId] = Object.keys(t.findResources('AWS::EC2::SecurityGroup'));
    t.hasOutput('*', { Value: { 'Fn::GetAtt': [groupId!, 'GroupId'] }, Description: Match.stringLikeRegexp('orders-live connector') });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['data-analysts'],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' }), Match.objectLike({ Action: 'athena:GetDataCatalog' })]) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'secretsmanager:GetSecretValue',
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:athena/orders-readonly-\\?{6}$')])] },
        })]),
      },
    });
  });
});

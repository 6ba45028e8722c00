import { Match } from 'aws-cdk-lib/assertions';
import { synthesized } from './synthesized';

const pipeline = synthesized('two-databases').template('Prod/ExportPipeline');
const storage = synthesized('two-databases').template('Prod/Storage');

function policyStatementsOfFunction(descriptionStart: string): any[] {
  const functions = pipeline.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(`^${descriptionStart}`) } });
  const roleRef = (Object.values(functions)[0] as any).Properties.Role['Fn::GetAtt'][0];
  return Object.values(pipeline.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleRef))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('export triggers', () => {
  test('snapshot-created events (automated and manual) of the watched kinds go to the start-workflow function', () => {
    // This fixture watches only an instance: the function may describe DB snapshots, and only those events reach it.
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.rds'],
        'detail-type': ['RDS DB Snapshot Event'],
        'detail': { EventID: ['RDS-EVENT-0091', 'RDS-EVENT-0042', 'RDS-EVENT-0169', 'RDS-EVENT-0075'] },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 } })],
    });
  });

  test('only databases exported on every snapshot are watched by the event function', () => {
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WATCHED_DATABASES: JSON.stringify([{ identifier: 'orders-db', kind: 'instance', includeAwsBackupSnapshots: false }]) }) },
    });
  });

  test('a scheduled database starts the workflow on its cron with the database as input, retries and a dead-letter queue', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 4 * * ? *)',
      Targets: [Match.objectLike({
        Input: JSON.stringify({ databaseIdentifier: 'billing', kind: 'cluster', trigger: 'schedule' }),
        DeadLetterConfig: Match.anyValue(),
        RetryPolicy: { MaximumRetryAttempts: 8 },
      })],
    });
  });
});

describe('export workflow', () => {
  test('is a standard state machine that logs every event without execution data, is traced and times out after a day', () => {
    pipeline.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const definition = JSON.stringify(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain('\\"TimeoutSeconds\\":86400');
    expect(definition).toContain('\\"Type\\":\\"Wait\\"');
  });

  test('alarms on failed and timed-out executions and on dead-lettered triggers notify the topic', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ApproximateNumberOfMessagesVisible']) {
      pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: Match.stringLikeRegexp('^Notifications') }],
      });
    }
  });

  test('the notification topic is encrypted with a rotating key, TLS only, and emails the configured addresses', () => {
    pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    pipeline.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    pipeline.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'data@example.com' });
  });
});

describe('least privilege', () => {
  test('the catalog function may touch only this stage\'s Glue databases and tables, and read the export bucket', () => {
    const statements = policyStatementsOfFunction('Catalogs a complete export');
    const glue = statements.find((s) => [s.Action].flat().includes('glue:CreateTable'));
    expect(glue.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:catalog']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:database/snaplake_prod_*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:table/snaplake_prod_*/*']] },
    ]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('s3:PutObject');
    expect(actions.filter((a: string) => a.endsWith(':*') || a === '*')).toEqual([]);
  });

  test('the start-export function may pass only the export role, and start exports of snapshots only', () => {
    const statements = policyStatementsOfFunction('Starts the export of one snapshot');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ExportRole/), 'Arn'] } }),
      expect.objectContaining({
        Action: 'rds:StartExportTask',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:333333333333:snapshot:*']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:333333333333:cluster-snapshot:*']] },
        ],
      }),
      expect.objectContaining({ Action: ['kms:CreateGrant', 'kms:DescribeKey'] }),
    ]));
  });

  test('the export role is trusted by the RDS export service only and writes only to the export bucket', () => {
    pipeline.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'export.rds.amazonaws.com' } }] },
    });
  });
});

describe('Athena workgroup', () => {
  test('enforces its configuration, encrypts results with the stage key, uses engine 3 and cuts off runaway scans', () => {
    storage.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'snaplake-prod',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 107374182400,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() }, OutputLocation: Match.anyValue() },
      },
    });
  });
});

describe('catalog: crawler', () => {
  const template = synthesized('crawler').template('Dev/ExportPipeline');

  test('a crawler with encrypted logs, its own role and no managed policy replaces the metadata catalog function', () => {
    template.hasResourceProperties('AWS::Glue::Crawler', {
      Name: 'snaplake-dev-exports',
      CrawlerSecurityConfiguration: 'snaplake-dev-exports-security',
      SchemaChangePolicy: { UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG' },
    });
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: Match.objectLike({ CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: Match.anyValue() } }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'glue.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Catalogs a complete export') }, 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CRAWLER_NAME: 'snaplake-dev-exports' }) } });
  });

  test('the start-crawler function may update and start only the stage crawler', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: ['glue:UpdateCrawler', 'glue:StartCrawler'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:111111111111:crawler/snaplake-dev-exports']] },
    })]));
  });

  test('the crawler stage has no unacknowledged cdk-nag finding', () => {
    for (const stack of synthesized('crawler').stacks) expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
  });
});

test('the export role can use the stage key that encrypts the export bucket', () => {
  const statements = Object.values(pipeline.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith('ExportRole')))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]));
});

test('the workflow can publish to the encrypted notification topic (sns:Publish and the key)', () => {
  const machine = Object.values(pipeline.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const roleRef = machine.Properties.RoleArn['Fn::GetAtt'][0];
  const statements = Object.values(pipeline.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleRef))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  expect(statements).toEqual(expect.arrayContaining([
    expect.objectContaining({ Action: 'sns:Publish' }),
    expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^NotificationsKey/), 'Arn'] } }),
  ]));
});

describe('delivery to a partner', () => {
  const template = synthesized('delivery').template('Prod/ExportPipeline');
  const deliveryStatements = () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'snaplake-prod-delivery' } }))[0]![0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  };

  test('the delivery role only reads the export bucket and only writes under the partner\'s prefix', () => {
    const statements = deliveryStatements();
    const exportBucketWrites = statements.filter((s: any) => [s.Action].flat().some((a: string) => /Put|Delete/.test(a)) && JSON.stringify(s.Resource).includes('ImportValue'));
    expect(exportBucketWrites).toEqual([]);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: expect.arrayContaining(['s3:PutObject', 's3:PutObjectAcl']), Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::partner-lake/from-acme/*']] } }),
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: 'arn:aws:kms:eu-west-1:444444444444:key/0a1b2c3d-1111-2222-3333-444455556666' }),
    ]));
    expect(statements.flatMap((s: any) => [s.Action].flat())).not.toContain('s3:DeleteObject');
  });

  test('the stack outputs the statements the partner must apply, naming the delivery role', () => {
    const output = Object.values(template.findOutputs('*')).find((o: any) => String(o.Description).includes('deliveries of orders-db'));
    const policies = JSON.parse((output as any).Value);
    expect(policies.bucketPolicyStatements[1]).toMatchObject({ Principal: { AWS: 'arn:aws:iam::333333333333:role/snaplake-prod-delivery' }, Resource: 'arn:aws:s3:::partner-lake/from-acme/*' });
    expect(policies.keyPolicyStatements).toHaveLength(1);
  });

  test('the workflow delivers after the catalog, so a partner never receives an export that is not complete', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    const definition = machine.Properties.DefinitionString['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : '"ref"')).join('');
    expect(definition).toMatch(/"Register catalog":\{"Next":"Report export"/);
    expect(definition).toMatch(/"Report export":\{"Next":"Deliver export"/);
    expect(definition).toMatch(/"Deliver export":\{"Next":"Deliver in batches\?"/);
    expect(definition).toMatch(/"Delivered":\{"Type":"Pass","Next":"Notify completed"/);
  });

  test('a large export is delivered by a Distributed Map over the export\'s listing, in batches, then verified', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    const definition = JSON.parse(machine.Properties.DefinitionString['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'ref')).join(''));
    const map = definition.States['Deliver in batches'];
    expect(map).toMatchObject({
      Type: 'Map',
      Next: 'Verify delivery',
      MaxConcurrency: 20,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
      ItemReader: { Parameters: { 'Prefix.$': '$.delivery.sourcePrefix' } },
      ItemBatcher: { MaxItemsPerBatch: 500 },
    });
    expect(definition.States['Deliver in batches?'].Choices[0]).toEqual({ Variable: '$.delivery.mode', StringEquals: 'distributed', Next: 'Deliver in batches' });
  });

  test('the stage has no unacknowledged cdk-nag finding', () => {
    for (const stack of synthesized('delivery').stacks) expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
  });
});

describe('Aurora Serverless v1 detour', () => {
  const template = synthesized('serverless-detour').template('Dev/ExportPipeline');
  const allStatements = () => Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

  test('temporary clusters and snapshots can only be deleted when tagged temporary and named snaplake-tmp-*', () => {
    const deletes = allStatements().filter((s: any) => [s.Action].flat().includes('rds:DeleteDBCluster'));
    expect(deletes.length).toBe(2); // the detour's cleanup and the sweeper
    for (const statement of deletes) {
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/snaplake:temporary': 'true' } });
      expect(JSON.stringify(statement.Resource)).toMatch(/cluster:snaplake-tmp-\*/);
      expect(JSON.stringify(statement.Resource)).not.toMatch(/cluster:\*"/);
    }
  });

  test('restore settings come from the config, and the sweeper runs hourly with the configured age', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RESTORE_SETTINGS: JSON.stringify({ engineVersions: { 'aurora-postgresql': '13.12' }, subnetGroupName: 'private', securityGroupIds: ['sg-0123abcd'] }) }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SWEEP_AFTER_HOURS: '6' }) } });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SERVERLESS_V1_RESTORE: 'on' }) } });
  });

  test('the stage has no unacknowledged cdk-nag finding', () => {
    for (const stack of synthesized('serverless-detour').stacks) expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
  });
});

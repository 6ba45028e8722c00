import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AthenaRdsConnector, AthenaRdsConnectorProps, ConnectorEngine, DatabaseEndpoint, DEFAULT_CONNECTOR_VERSION } from '../src';

const env = { account: '111111111111', region: 'eu-west-1' };

function given(props: Partial<AthenaRdsConnectorProps> = {}, configure?: (stack: Stack, vpc: ec2.Vpc) => Partial<AthenaRdsConnectorProps>) {
  const stack = new Stack(new App(), 'Test', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const extra = configure?.(stack, vpc) ?? {};
  const connector = new AthenaRdsConnector(stack, 'Connector', {
    engine: ConnectorEngine.POSTGRESQL,
    endpoint: DatabaseEndpoint.fromHost('orders.abc.eu-west-1.rds.amazonaws.com'),
    databaseName: 'orders',
    vpc,
    functionName: 'orders-connector',
    ...extra,
    ...props,
  });
  return {
    stack,
    vpc,
    connector,
    // Synthesized on first use, so a test can add grants and groups before looking.
    get template() { return Template.fromStack(stack); },
  };
}

function statementsOf(template: Template, roleLogicalIdPrefix: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(roleLogicalIdPrefix)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('AthenaRdsConnector', () => {
  test('deploys the PostgreSQL application with a pinned version, our role and the non-mux handler', () => {
    const { template } = given();
    template.hasResourceProperties('AWS::Serverless::Application', {
      Location: {
        ApplicationId: 'arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaPostgreSQLConnector',
        SemanticVersion: DEFAULT_CONNECTOR_VERSION,
      },
      Parameters: Match.objectLike({
        LambdaFunctionName: 'orders-connector',
        CompositeHandler: 'PostGreSqlCompositeHandler',
        SpillPrefix: 'athena-spill',
        LambdaTimeout: '900',
        LambdaMemory: '3008',
        LambdaRoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConnectorRole'), 'Arn'] },
        SecretNamePrefix: { 'Fn::Join': Match.anyValue() },
        DefaultConnectionString: {
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^postgres://jdbc:postgresql://orders.abc.eu-west-1.rds.amazonaws.com:5432/orders\\?\\$\\{')])],
        },
      }),
    });
  });

  test('the role can write and read back spill objects under the prefix, and check the spill bucket with HeadBucket', () => {
    const { template } = given();
    const statements = statementsOf(template, 'ConnectorRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ConnectorSpillBucket/), 'Arn'] }, '/athena-spill/*']] } }),
      // HeadBucket is authorized by s3:ListBucket with no s3:prefix in the request: a prefix condition would deny every query.
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ConnectorSpillBucket/), 'Arn'] } },
      expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: expect.stringMatching(/^ConnectorCredentials/) } }),
      expect.objectContaining({ Action: 'athena:GetQueryExecution' }),
    ]));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.endsWith('*'))).toEqual([]);
    expect(actions).not.toContain('s3:ListAllMyBuckets');
    expect(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })).toEqual({});
  });

  test('a connector release older than 2024.32.1, which checks the spill bucket with ListBuckets, also gets s3:ListAllMyBuckets', () => {
    const statements = statementsOf(given({ applicationVersion: '2024.18.2' }).template, 'ConnectorRole');
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Action: 's3:ListAllMyBuckets', Resource: '*' })]));
  });

  test('network-interface actions are limited to the connector\'s VPC; only the Describe actions are on *', () => {
    const statements = statementsOf(given().template, 'ConnectorRole').filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ec2:')));
    const vpcArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:111111111111:vpc/', { Ref: expect.stringMatching(/^Vpc/) }]] };
    for (const statement of statements) {
      const onEverything = [statement.Resource].flat().includes('*');
      if (onEverything) expect(statement.Action).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
      const unconditioned = statement.Condition === undefined;
      if (unconditioned && !onEverything) expect(statement).toEqual(expect.objectContaining({ Action: 'ec2:CreateNetworkInterface' }));
      if (!unconditioned) expect(statement.Condition).toEqual({ ArnEquals: { 'ec2:Vpc': vpcArn } });
    }
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses',
    ]);
  });

  test('the caller granted query access can invoke the connector, read spilled results and read the catalog', () => {
    const { stack, connector } = given();
    const analysts = new iam.Role(stack, 'Analysts', { assumedBy: new iam.AccountRootPrincipal() });
    connector.grantQuery(analysts);
    const statements = statementsOf(Template.fromStack(stack), 'Analysts');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:111111111111:function:orders-connector']] } }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ConnectorSpillBucket/), 'Arn'] }, '/athena-spill/*']] } }),
      expect.objectContaining({ Action: ['s3:ListBucket', 's3:GetBucketLocation'] }),
      expect.objectContaining({ Action: 'athena:GetDataCatalog', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:eu-west-1:111111111111:datacatalog/orders_connector']] } }),
    ]));
  });

  test('a spill bucket with a KMS key gives the connector a data key and decrypt, and the caller decrypt', () => {
    const { stack, connector } = given({}, (s) => ({ spillBucket: new s3.Bucket(s, 'OwnSpill', { encryption: s3.BucketEncryption.KMS }) }));
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    connector.grantQuery(caller);
    const template = Template.fromStack(stack);
    expect(statementsOf(template, 'ConnectorRole')).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]));
    expect(statementsOf(template, 'Caller')).toEqual(expect.arrayContaining([expect.objectContaining({ Action: 'kms:Decrypt' })]));
  });

  test('the created spill bucket is encrypted, private, TLS only, and expires spill objects after a day', () => {
    const { template } = given();
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'athena-spill/', ExpirationInDays: 1 })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the data catalog is a LAMBDA catalog on the connector function that depends on the application', () => {
    const { template } = given({ catalogName: 'orders_live' });
    template.hasResource('AWS::Athena::DataCatalog', {
      Properties: { Name: 'orders_live', Type: 'LAMBDA', Parameters: { function: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:111111111111:function:orders-connector']] } } },
      DependsOn: [Match.stringLikeRegexp('^Connector[0-9A-F]{8}$')],
    });
  });

  test('the security group allows egress only to the database port and HTTPS', () => {
    const { template } = given({ endpoint: DatabaseEndpoint.fromHost('db', 6432) });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Athena connector'),
      SecurityGroupEgress: [
        Match.objectLike({ IpProtocol: 'tcp', FromPort: 6432, ToPort: 6432, CidrIp: { 'Fn::GetAtt': [Match.anyValue(), 'CidrBlock'] } }),
        Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
      ],
    });
  });

  test('connections let the database allow the connector in', () => {
    const { stack, vpc, connector } = given();
    const dbGroup = new ec2.SecurityGroup(stack, 'DbGroup', { vpc });
    dbGroup.connections.allowFrom(connector, ec2.Port.tcp(5432));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbGroup'), 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConnectorSecurityGroup'), 'GroupId'] },
    });
  });

  test('a database construct gives host and port, and the security group follows its port', () => {
    const { template } = given({}, (s, vpc) => ({
      endpoint: DatabaseEndpoint.fromInstance(new rds.DatabaseInstance(s, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, storageEncrypted: true })),
    }));
    template.hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({
        DefaultConnectionString: {
          'Fn::Join': ['', Match.arrayWith([
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint.Address'] },
            ':',
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint.Port'] },
          ])],
        },
      }),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConnectorSecurityGroup'), 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint.Port'] },
      ToPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint.Port'] },
    });
  });

  test('MySQL is queried as lambda:<function>, with no data catalog and no CompositeHandler', () => {
    const { connector, template } = given({ engine: ConnectorEngine.MYSQL });
    expect(connector.catalogName).toBe('lambda:orders-connector');
    template.resourceCountIs('AWS::Athena::DataCatalog', 0);
    template.hasResourceProperties('AWS::Serverless::Application', {
      Location: Match.objectLike({ ApplicationId: Match.stringLikeRegexp('AthenaMySQLConnector$') }),
      Parameters: Match.not(Match.objectLike({ CompositeHandler: Match.anyValue() })),
    });
  });

  test('createVpcEndpoints adds the S3 gateway and Secrets Manager interface endpoints', () => {
    const { template } = given({ createVpcEndpoints: true });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({}) });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.eu-west-1.secretsmanager', PrivateDnsEnabled: true });
  });

  describe('createVpcEndpoints with an imported VPC', () => {
    const imported = (stack: Stack, routeTables?: string[]) => ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123abcd',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'],
      privateSubnetRouteTableIds: routeTables,
    });

    test('adds the S3 gateway endpoint to the route table of each connector subnet', () => {
      const { template } = given({ createVpcEndpoints: true }, (s) => ({ vpc: imported(s, ['rtb-0123abcd', 'rtb-4567ef01']) }));
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', VpcId: 'vpc-0123abcd', RouteTableIds: ['rtb-0123abcd', 'rtb-4567ef01'] });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] });
    });

    test('without route tables fails with the subnets named and the fix', () => {
      expect(() => given({ createVpcEndpoints: true }, (s) => ({ vpc: imported(s) })))
        .toThrow(/createVpcEndpoints needs the route table of each connector subnet .*subnet-0123abcd, subnet-4567ef01 have none: import the VPC with privateSubnetRouteTableIds/);
    });
  });

  test('isolated subnets without endpoints give a synth-time warning', () => {
    const stack = new Stack(new App(), 'Isolated', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new AthenaRdsConnector(stack, 'Connector', {
      engine: ConnectorEngine.POSTGRESQL, endpoint: DatabaseEndpoint.fromHost('db'), databaseName: 'app', vpc, functionName: 'app-connector', vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    Annotations.fromStack(stack).hasWarning('/Isolated/Connector', Match.stringLikeRegexp('cannot reach S3 or Secrets Manager'));
  });

  test('a permissions boundary is applied to the role and passed to the application', () => {
    const { template } = given({}, (s) => ({ permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(s, 'Boundary', 'boundary') }));
    template.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: Match.anyValue() });
    template.hasResourceProperties('AWS::Serverless::Application', { Parameters: Match.objectLike({ PermissionsBoundaryARN: Match.anyValue() }) });
  });

  test('the stack has no unacknowledged cdk-nag finding', () => {
    const { stack } = given();
    const report = new AwsSolutionsChecks().validateScope(stack.node.findChild('Connector'));
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  describe('validation names the prop', () => {
    test.each<[string, Partial<AthenaRdsConnectorProps>, RegExp]>([
      ['a catalog name with a hyphen', { catalogName: 'orders-live' }, /catalogName 'orders-live' is not valid: use lowercase letters, digits and '_'/],
      ['an uppercase function name', { functionName: 'Orders' }, /functionName 'Orders' is not valid/],
      ['a catalog name with MySQL', { engine: ConnectorEngine.MYSQL, catalogName: 'billing' }, /catalogName cannot be used with MySQL: .*lambda:orders-connector/],
      ['no endpoint', { endpoint: undefined }, /endpoint is required: DatabaseEndpoint.fromInstance/],
      ['a spill prefix with a trailing slash', { spillPrefix: 'spill/' }, /spillPrefix 'spill\/' must be non-empty/],
      ['a timeout over 15 minutes', { timeout: Duration.minutes(20) }, /timeout must be 1 second to 15 minutes/],
      ['an application version that is not a release', { applicationVersion: 'latest' }, /applicationVersion 'latest' is not a connector release/],
    ])('%s', (_case, props, message) => {
      expect(() => given(props)).toThrow(message);
    });

    test('a spill bucket given as a URL', () => {
      // A bucket object built from a URL, as a hand-written IBucket or an escape hatch would give.
      const urlBucket = (s: Stack) => Object.assign(Object.create(s3.Bucket.fromBucketName(s, 'Spill', 'my-spill')), { bucketName: 's3://my-spill' });
      expect(() => given({}, (s) => ({ spillBucket: urlBucket(s) }))).toThrow(/spillBucket must name a bucket, got 's3:\/\/my-spill'/);
    });

    test('a secret without a name', () => {
      expect(() => given({}, (s) => ({ credentials: { ...secretsmanager.Secret.fromSecretNameV2(s, 'S', 'x'), secretName: '' } as never }))).toThrow(/credentials must be a secret with a name/);
    });

    test('a permissions boundary with a version that ignores it', () => {
      expect(() => given({ applicationVersion: '2025.1.1' }, (s) => ({ permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(s, 'B', 'b') })))
        .toThrow(/permissionsBoundary needs applicationVersion 2026.17.1 or later/);
    });
  });
});

test('grantQuery writes no acknowledgement onto the grantee: cdk-nag reports the spill-prefix read there, as the README says', () => {
  const stack = new Stack(new App(), 'Grants');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const connector = new AthenaRdsConnector(stack, 'Connector', {
    engine: ConnectorEngine.POSTGRESQL, endpoint: DatabaseEndpoint.fromHost('db'), databaseName: 'app', vpc, functionName: 'app-connector',
  });
  const analysts = new iam.Role(stack, 'Analysts', { assumedBy: new iam.AccountRootPrincipal() });
  connector.grantQuery(analysts);
  const checks = new AwsSolutionsChecks();
  expect(checks.validateScope(connector).violations.map((v) => v.ruleName)).toEqual([]);
  const spillBucketId = stack.getLogicalId(connector.spillBucket.node.defaultChild as s3.CfnBucket);
  const finding = `AwsSolutions-IAM5[Resource::<${spillBucketId}.Arn>/athena-spill/*]`;
  expect(checks.validateScope(analysts).violations.map((v) => v.ruleName)).toEqual([finding]);

  // The README's acknowledgement, made by the grantee's owner, clears it.
  Validations.of(analysts).acknowledge({
    id: finding,
    reason: 'Spilled query results are named per query; read access covers the spill prefix only.',
  });
  expect(new AwsSolutionsChecks().validateScope(analysts).violations).toEqual([]);
});

describe('the partition of the stack', () => {
  const inRegion = (region: string | undefined) => {
    const stack = new Stack(new App(), 'Test', region ? { env: { account: '111111111111', region } } : {});
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    return () => new AthenaRdsConnector(stack, 'Connector', {
      engine: ConnectorEngine.POSTGRESQL, endpoint: DatabaseEndpoint.fromHost('orders.internal'), databaseName: 'orders', vpc, functionName: 'orders-connector',
    });
  };

  test.each(['cn-north-1', 'us-gov-west-1'])('a stack in %s, outside the commercial partition whose application ARNs the construct deploys, fails at synth and says why', (region) => {
    expect(inRegion(region)).toThrow(/in the aws-(cn|us-gov) partition; .*commercial partition's Serverless Application Repository/);
  });

  test('commercial regions and region-agnostic stacks are accepted', () => {
    expect(inRegion('ap-southeast-4')).not.toThrow();
    expect(inRegion(undefined)).not.toThrow();
  });
});

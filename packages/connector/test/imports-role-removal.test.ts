import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AthenaRdsConnector, AthenaRdsConnectorProps, ConnectorEngine, DatabaseEndpoint, IAthenaRdsConnector } from '../src';

const env = { account: '111111111111', region: 'eu-west-1' };

function connectorIn(stack: Stack, props: Partial<AthenaRdsConnectorProps> = {}) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return new AthenaRdsConnector(stack, 'Connector', {
    engine: ConnectorEngine.POSTGRESQL, endpoint: DatabaseEndpoint.fromHost('orders.internal'), databaseName: 'orders', vpc, functionName: 'orders-live', ...props,
  });
}

function statementsOf(template: Template, roleLogicalIdPrefix: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => JSON.stringify(r).includes(roleLogicalIdPrefix)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** A stack of someone else's that only queries through a connector. */
class ReportingStack extends Stack {
  readonly reader: iam.Role;
  constructor(scope: App, id: string, connector: IAthenaRdsConnector) {
    super(scope, id, { env });
    this.reader = new iam.Role(this, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    connector.grantQuery(this.reader);
  }
}

describe('AthenaRdsConnector.fromConnectorAttributes', () => {
  test('a stack that takes the interface grants query access to a connector another app deployed', () => {
    const app = new App();
    const lookup = new Stack(app, 'Lookup', { env });
    const connector = AthenaRdsConnector.fromConnectorAttributes(lookup, 'Orders', {
      engine: ConnectorEngine.POSTGRESQL, functionName: 'orders-live', spillBucket: s3.Bucket.fromBucketName(lookup, 'Spill', 'orders-spill'),
    });
    expect(connector.catalogName).toBe('orders_live');
    const reporting = new ReportingStack(app, 'Reporting', connector);
    expect(statementsOf(Template.fromStack(reporting), 'Reader')).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:eu-west-1:111111111111:function:orders-live']] } }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::orders-spill/athena-spill/*']] } }),
      expect.objectContaining({ Action: 'athena:GetDataCatalog', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:eu-west-1:111111111111:datacatalog/orders_live']] } }),
    ]));
  });

  test('a stack takes a connector of this app through the same interface', () => {
    const app = new App();
    const connector = connectorIn(new Stack(app, 'Connectors', { env }));
    const reporting = new ReportingStack(app, 'Reporting', connector);
    expect(statementsOf(Template.fromStack(reporting), 'Reader').map((s) => s.Action)).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'athena:GetDataCatalog']));
  });

  test('an imported MySQL connector is queried as lambda:<function> and has no data catalog to grant', () => {
    const app = new App();
    const lookup = new Stack(app, 'Lookup', { env });
    const connector = AthenaRdsConnector.fromConnectorAttributes(lookup, 'Billing', {
      engine: ConnectorEngine.MYSQL, functionName: 'billing-live', spillBucket: s3.Bucket.fromBucketName(lookup, 'Spill', 'billing-spill'), spillPrefix: 'spill',
    });
    expect(connector.catalogName).toBe('lambda:billing-live');
    const statements = statementsOf(Template.fromStack(new ReportingStack(app, 'Reporting', connector)), 'Reader');
    expect(statements.map((s) => s.Action)).not.toContain('athena:GetDataCatalog');
    expect(JSON.stringify(statements)).toContain('billing-spill/spill/*');
  });

  test('the grantee of an imported connector has the spill-read finding the README names for an imported bucket', () => {
    const app = new App();
    const lookup = new Stack(app, 'Lookup', { env });
    const connector = AthenaRdsConnector.fromConnectorAttributes(lookup, 'Orders', {
      engine: ConnectorEngine.POSTGRESQL, functionName: 'orders-live', spillBucket: s3.Bucket.fromBucketName(lookup, 'Spill', 'orders-spill'),
    });
    const reporting = new ReportingStack(app, 'Reporting', connector);
    expect(new AwsSolutionsChecks().validateScope(reporting.reader).violations.map((v) => v.ruleName))
      .toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::orders-spill/athena-spill/*]']);
  });

  test('an imported connector with its security group can be let into a database', () => {
    const stack = new Stack(new App(), 'Lookup', { env });
    const connector = AthenaRdsConnector.fromConnectorAttributes(stack, 'Orders', {
      engine: ConnectorEngine.POSTGRESQL,
      functionName: 'orders-live',
      spillBucket: s3.Bucket.fromBucketName(stack, 'Spill', 'orders-spill'),
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0')],
    });
    const dbGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbGroup', 'sg-0fedcba9876543210', { mutable: true });
    dbGroup.connections.allowFrom(connector, ec2.Port.tcp(5432));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0fedcba9876543210', SourceSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 5432 });
  });

  test('a catalog name for an imported MySQL connector is refused', () => {
    const stack = new Stack(new App(), 'Lookup', { env });
    expect(() => AthenaRdsConnector.fromConnectorAttributes(stack, 'Billing', {
      engine: ConnectorEngine.MYSQL, functionName: 'billing-live', catalogName: 'billing', spillBucket: s3.Bucket.fromBucketName(stack, 'Spill', 'billing-spill'),
    })).toThrow(/catalogName cannot be used with MySQL: .*'lambda:billing-live'/);
  });
});

describe('role', () => {
  test('a role of yours runs the connector and gets its permissions; the construct creates none and acknowledges nothing on it', () => {
    const stack = new Stack(new App(), 'OwnRole', { env });
    const role = new iam.Role(stack, 'ConnectorRuns', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    connectorIn(stack, { role });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('ConnectorRole'))).toEqual([]);
    template.hasResourceProperties('AWS::Serverless::Application', { Parameters: Match.objectLike({ LambdaRoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConnectorRuns'), 'Arn'] } }) });
    expect(statementsOf(template, 'ConnectorRuns')).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ConnectorSpillBucket/), 'Arn'] }, '/athena-spill/*']] } }),
    ]));
    // The wildcards on your role are yours to acknowledge (the README lists them).
    expect(new AwsSolutionsChecks().validateScope(role).violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\]$/)]));
  });
});

describe('removalPolicy of the spill bucket', () => {
  test('by default the bucket is retained when the stack is deleted, and nothing empties it', () => {
    const template = Template.fromStack(connectorIn(new Stack(new App(), 'Default', { env })).node.scope as Stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('DESTROY empties the bucket before deleting it, so a stack with spill objects still deletes', () => {
    const stack = new Stack(new App(), 'Destroy', { env });
    connectorIn(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: Match.stringLikeRegexp('^ConnectorSpillBucket') } });
  });

  test.each<[string, (stack: Stack) => Partial<AthenaRdsConnectorProps>, RegExp]>([
    ['with a bucket of yours', (stack) => ({ spillBucket: s3.Bucket.fromBucketName(stack, 'Own', 'own-spill'), removalPolicy: RemovalPolicy.DESTROY }),
      /removalPolicy only applies to a spill bucket the construct creates/],
    ['SNAPSHOT', () => ({ removalPolicy: RemovalPolicy.SNAPSHOT }), /removalPolicy cannot be SNAPSHOT/],
  ])('is refused %s', (_case, props, message) => {
    const stack = new Stack(new App(), 'Refused', { env });
    expect(() => connectorIn(stack, props(stack))).toThrow(message);
  });
});

import { jdbcConnectionString } from '@snaplake/core';
import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The database engine the connector talks to. */
export enum ConnectorEngine {
  POSTGRESQL = 'postgresql',
  MYSQL = 'mysql',
}

/** The connector application version deployed unless `applicationVersion` says otherwise. */
export const DEFAULT_CONNECTOR_VERSION = '2026.33.1';
/** The first connector version whose template honours `PermissionsBoundaryARN`. */
export const FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY = '2026.17.1';

const APPLICATIONS: Record<ConnectorEngine, string> = {
  [ConnectorEngine.POSTGRESQL]: 'arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaPostgreSQLConnector',
  [ConnectorEngine.MYSQL]: 'arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaMySQLConnector',
};
const DEFAULT_PORTS: Record<ConnectorEngine, number> = { [ConnectorEngine.POSTGRESQL]: 5432, [ConnectorEngine.MYSQL]: 3306 };

export interface AthenaRdsConnectorProps {
  /** PostgreSQL or MySQL. */
  readonly engine: ConnectorEngine;
  /**
   * The database to query. Give this, or `host`.
   * @default - none: `host` is required
   */
  readonly database?: rds.IDatabaseInstance | rds.IDatabaseCluster;
  /**
   * Host name of the database, for a database this app does not define. Give this, or `database`.
   * @default - the endpoint of `database`
   */
  readonly host?: string;
  /**
   * Port of the database.
   * @default - the endpoint port of `database`, else 5432 for PostgreSQL and 3306 for MySQL
   */
  readonly port?: number;
  /** Name of the database (schema namespace) inside the server to connect to. */
  readonly databaseName: string;
  /** The VPC the connector function runs in, with a route to the database. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the connector function.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Secret with the `username` and `password` the connector logs in with.
   * @default - a new secret with username `athena_readonly` and a generated password; create that
   * read-only user in the database with the password from the secret
   */
  readonly credentials?: secretsmanager.ISecret;
  /**
   * Bucket the connector spills large results to.
   * @default - a new bucket: S3-managed encryption, TLS only, public access blocked, spill objects expire after `spillExpiration`
   */
  readonly spillBucket?: s3.IBucket;
  /**
   * Prefix of spilled objects in the spill bucket, without leading or trailing `/`.
   * @default 'athena-spill'
   */
  readonly spillPrefix?: string;
  /**
   * How long spilled objects are kept, for a bucket the construct creates (bring your own bucket: set its lifecycle yourself).
   * @default Duration.days(1)
   */
  readonly spillExpiration?: Duration;
  /** Name of the connector's Lambda function: lowercase letters, digits, `-` and `_`, at most 64 characters. */
  readonly functionName: string;
  /**
   * Name of the Athena data catalog that queries use (`SELECT * FROM "<catalog>"."schema"."table"`).
   * Lowercase letters, digits and `_` only. PostgreSQL only: the MySQL connector application accepts
   * no named catalog, so MySQL is queried as `lambda:<functionName>` and setting this is an error.
   * @default - for PostgreSQL, `functionName` with `-` replaced by `_`
   */
  readonly catalogName?: string;
  /**
   * Version of the connector application in the Serverless Application Repository.
   * @default DEFAULT_CONNECTOR_VERSION
   */
  readonly applicationVersion?: string;
  /**
   * Memory of the connector function, in MB.
   * @default 3008
   */
  readonly memorySize?: number;
  /**
   * Timeout of the connector function, at most 15 minutes.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Encrypt the connection to the database (PostgreSQL verifies the server certificate, MySQL requires TLS).
   * @default true
   */
  readonly tls?: boolean;
  /**
   * Permissions boundary for the connector's role (and, from version 2026.17.1, for the function).
   * @default - no boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Create an S3 gateway endpoint and a Secrets Manager interface endpoint in the connector's subnets,
   * for subnets with no NAT route.
   * @default false
   */
  readonly createVpcEndpoints?: boolean;
}

/**
 * Lets Athena query a live RDS PostgreSQL or MySQL database: deploys the AWS connector application
 * with its own least-privilege role, a spill bucket it can really write to, a security group that
 * only reaches the database and HTTPS, and (PostgreSQL) a named Athena data catalog.
 */
export class AthenaRdsConnector extends Construct implements ec2.IConnectable {
  /** The connector's security group: allow it into the database with `db.connections.allowDefaultPortFrom(connector)`. */
  readonly connections: ec2.Connections;
  readonly securityGroup: ec2.SecurityGroup;
  /** The role the connector function runs with. */
  readonly role: iam.Role;
  readonly spillBucket: s3.IBucket;
  readonly spillPrefix: string;
  readonly credentials: secretsmanager.ISecret;
  readonly application: sam.CfnApplication;
  readonly functionName: string;
  readonly functionArn: string;
  /** What queries name as the catalog: the data catalog's name (PostgreSQL) or `lambda:<functionName>` (MySQL). */
  readonly catalogName: string;
  /** The registered data catalog (PostgreSQL only). */
  readonly dataCatalog?: athena.CfnDataCatalog;

  constructor(scope: Construct, id: string, props: AthenaRdsConnectorProps) {
    super(scope, id);
    validateProps(props);
    const stack = Stack.of(this);
    const engine = props.engine;
    this.functionName = props.functionName;
    this.functionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: props.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.spillPrefix = props.spillPrefix ?? 'athena-spill';
    this.catalogName = engine === ConnectorEngine.MYSQL
      ? `lambda:${props.functionName}`
      : props.catalogName ?? props.functionName.replace(/-/g, '_');

    const endpoint = props.database ? endpointOf(props.database) : undefined;
    const host = props.host ?? endpoint!.hostname;
    const port = props.port ?? (endpoint ? endpoint.port : DEFAULT_PORTS[engine]);

    this.spillBucket = props.spillBucket ?? this.createSpillBucket(props.spillExpiration ?? Duration.days(1));
    this.credentials = props.credentials ?? this.createCredentials(props.functionName);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: `Athena connector ${props.functionName}: egress to the database port and HTTPS only`,
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), portOf(port), 'the database');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'S3, Secrets Manager and Athena over HTTPS');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: portOf(port) });

    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    this.role = this.createRole(props);
    if (props.createVpcEndpoints) this.createEndpoints(props.vpc, props.vpcSubnets);
    else warnWhenSubnetsAreIsolated(this, props.vpc, subnets);

    const parameters: Record<string, string> = {
      LambdaFunctionName: props.functionName,
      DefaultConnectionString: jdbcConnectionString({
        engine,
        host,
        port: Token.isUnresolved(port) ? Token.asString(port) : port,
        database: props.databaseName,
        secretName: this.credentials.secretName,
        tls: props.tls ?? true,
      }),
      SecretNamePrefix: this.credentials.secretName,
      SpillBucket: this.spillBucket.bucketName,
      SpillPrefix: this.spillPrefix,
      LambdaTimeout: String((props.timeout ?? Duration.minutes(15)).toSeconds()),
      LambdaMemory: String(props.memorySize ?? 3008),
      LambdaRoleARN: this.role.roleArn,
      SecurityGroupIds: this.securityGroup.securityGroupId,
      SubnetIds: subnets.subnetIds.join(','),
    };
    if (props.permissionsBoundary) parameters.PermissionsBoundaryARN = props.permissionsBoundary.managedPolicyArn;
    // The non-mux handler serves a named catalog; the default mux handler only answers `lambda:<function>`.
    if (engine === ConnectorEngine.POSTGRESQL) parameters.CompositeHandler = 'PostGreSqlCompositeHandler';

    this.application = new sam.CfnApplication(this, 'Resource', {
      location: { applicationId: APPLICATIONS[engine], semanticVersion: props.applicationVersion ?? DEFAULT_CONNECTOR_VERSION },
      parameters,
    });
    // The function must not exist before its role can do its job, nor outlive it.
    this.application.node.addDependency(this.role);

    if (engine === ConnectorEngine.POSTGRESQL) {
      this.dataCatalog = new athena.CfnDataCatalog(this, 'DataCatalog', {
        name: this.catalogName,
        type: 'LAMBDA',
        description: `Live queries of ${props.databaseName} through ${props.functionName}`,
        parameters: { function: this.functionArn },
      });
      this.dataCatalog.addResourceDependency(this.application);
    }
  }

  /**
   * Lets a principal run federated queries through this connector: invoke the connector, read the
   * spilled results under the spill prefix, and read the data catalog.
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const grants = [
      iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.functionArn] }),
      iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.spillBucket.arnForObjects(`${this.spillPrefix}/*`)] }),
      iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket', 's3:GetBucketLocation'], resourceArns: [this.spillBucket.bucketArn] }),
    ];
    if (this.dataCatalog) {
      grants.push(iam.Grant.addToPrincipal({
        grantee,
        actions: ['athena:GetDataCatalog'],
        resourceArns: [stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: this.catalogName })],
      }));
    }
    if (this.spillBucket.encryptionKey) grants.push(this.spillBucket.encryptionKey.grantDecrypt(grantee));
    if (Construct.isConstruct(grantee)) {
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${spillObjectsFinding(this.spillBucket, this.spillPrefix)}]`,
        reason: `Spilled results of federated queries through ${this.functionName} are named per query; read access covers the spill prefix only.`,
      });
    }
    return grants.reduce((all, grant) => all.combine(grant));
  }

  private createSpillBucket(expiration: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'SpillBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      lifecycleRules: [{ prefix: `${this.spillPrefix}/`, expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Spill objects are transient, per-query results the connector encrypts itself and that expire within days; access logs would outlive them.',
    });
    return bucket;
  }

  private createCredentials(functionName: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'Credentials', {
      secretName: `athena-connector/${functionName}`,
      description: `Read-only database login of the Athena connector ${functionName}`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'athena_readonly' }),
        generateStringKey: 'password',
        excludeCharacters: '"@/\\\'',
      },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The password belongs to a database user created by hand; rotating it here would lock the connector out. Pass `credentials` with a rotated secret instead.',
    });
    return secret;
  }

  private createRole(props: AthenaRdsConnectorProps): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Athena connector ${props.functionName}: spill prefix, its secret, its logs and its network interfaces`,
      permissionsBoundary: props.permissionsBoundary,
    });
    // Spill: the connector writes and reads back its own spill objects; without write, large queries fail.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.spillBucket.arnForObjects(`${this.spillPrefix}/*`)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [this.spillBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${this.spillPrefix}/*`] } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [this.spillBucket.bucketArn] }));
    this.spillBucket.encryptionKey?.grantEncryptDecrypt(role);
    this.credentials.grantRead(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['athena:GetQueryExecution'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: '*' })],
    }));
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/${props.functionName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [logGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
    }));
    // cdk-nag names a wildcard resource as the template has it: a token as <AWS::Region>, a literal as itself.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Lambda in a VPC manages its network interfaces with EC2 actions that take no resource ARN (DescribeNetworkInterfaces) or whose interface does not exist yet.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:athena:${region}:${account}:workgroup/*]`, reason: 'The connector reads the state of the query it serves, which may run in any workgroup of the account.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/lambda/${props.functionName}:*]`, reason: 'Log streams of the connector function are named by Lambda; this is its own log group only.' },
      { id: `AwsSolutions-IAM5[Resource::${spillObjectsFinding(this.spillBucket, this.spillPrefix)}]`, reason: 'Spill object names are per query and split; the role may touch only objects under the spill prefix.' },
    );
    return role;
  }

  private createEndpoints(vpc: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection): void {
    new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', { vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [vpcSubnets ?? {}] });
    const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Secrets Manager endpoint of the Athena connector: HTTPS from the connector only',
    });
    endpointGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(443), 'the Athena connector');
    new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: vpcSubnets,
      securityGroups: [endpointGroup],
      privateDnsEnabled: true,
    });
  }
}

function endpointOf(database: rds.IDatabaseInstance | rds.IDatabaseCluster): rds.Endpoint {
  return 'clusterEndpoint' in database ? database.clusterEndpoint : database.instanceEndpoint;
}

function portOf(port: number | string): ec2.Port {
  return typeof port === 'number' ? ec2.Port.tcp(port) : ec2.Port.tcp(Token.asNumber(port));
}

function spillObjectsFinding(bucket: s3.IBucket, prefix: string): string {
  const cfn = bucket.node.defaultChild as s3.CfnBucket | undefined;
  const bucketArn = cfn ? `<${Stack.of(cfn).getLogicalId(cfn)}.Arn>` : bucket.bucketArn;
  return `${bucketArn}/${prefix}/*`;
}

function warnWhenSubnetsAreIsolated(scope: Construct, vpc: ec2.IVpc, selected: ec2.SelectedSubnets): void {
  const isolated = new Set(vpc.isolatedSubnets.map((s) => s.subnetId));
  if (selected.subnets.length > 0 && selected.subnets.every((s) => isolated.has(s.subnetId))) {
    Annotations.of(scope).addWarningV2('@snaplake/connector:no-route-to-endpoints',
      'The connector subnets are isolated (no NAT) and createVpcEndpoints is false: the connector cannot reach S3 or Secrets Manager and queries will time out. Set createVpcEndpoints: true or add the endpoints yourself.');
  }
}

const CATALOG_NAME = /^[a-z0-9_]{1,127}$/;
const FUNCTION_NAME = /^[a-z0-9-_]{1,64}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VERSION = /^\d{4}\.\d{1,2}\.\d+$/;

function validateProps(props: AthenaRdsConnectorProps): void {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`AthenaRdsConnector: ${prop} ${problem}`);
  };
  if (!Object.values(ConnectorEngine).includes(props.engine)) fail('engine', `must be ConnectorEngine.POSTGRESQL or ConnectorEngine.MYSQL, got ${JSON.stringify(props.engine)}`);
  if (!props.database && !props.host) fail('database', 'or host is required: give the database construct, or its host name');
  if (props.database && props.host) fail('host', 'cannot be given together with database: the host comes from the database endpoint');
  if (!Token.isUnresolved(props.functionName) && !FUNCTION_NAME.test(props.functionName ?? '')) {
    fail('functionName', `'${props.functionName}' is not valid: use 1-64 lowercase letters, digits, '-' and '_'`);
  }
  if (props.catalogName !== undefined) {
    if (props.engine === ConnectorEngine.MYSQL) {
      fail('catalogName', `cannot be used with MySQL: the MySQL connector application only answers the catalog 'lambda:${props.functionName}'; query that name instead`);
    }
    if (!CATALOG_NAME.test(props.catalogName)) {
      fail('catalogName', `'${props.catalogName}' is not valid: use lowercase letters, digits and '_' (the connector reads it as an environment variable name)`);
    }
  }
  if (!props.databaseName) fail('databaseName', 'is required');
  if (props.credentials) {
    let name: string | undefined;
    try {
      name = props.credentials.secretName;
    } catch {
      name = undefined;
    }
    if (!name) fail('credentials', 'must be a secret with a name (the connection string refers to the secret by name); import it with Secret.fromSecretNameV2 or fromSecretCompleteArn');
  }
  if (props.spillBucket) {
    const name = props.spillBucket.bucketName;
    if (!Token.isUnresolved(name) && !BUCKET_NAME.test(name)) {
      fail('spillBucket', `must name a bucket, got '${name}': give the bucket name only, without s3:// or a prefix (Bucket.fromBucketName(this, 'Spill', 'my-bucket'))`);
    }
    if (props.spillExpiration) fail('spillExpiration', 'only applies to a spill bucket the construct creates: set the lifecycle of your own bucket yourself');
  }
  const prefix = props.spillPrefix;
  if (prefix !== undefined && (prefix === '' || prefix.startsWith('/') || prefix.endsWith('/'))) {
    fail('spillPrefix', `'${prefix}' must be non-empty, without a leading or trailing '/'`);
  }
  const version = props.applicationVersion ?? DEFAULT_CONNECTOR_VERSION;
  if (!VERSION.test(version)) fail('applicationVersion', `'${version}' is not a connector release such as ${DEFAULT_CONNECTOR_VERSION}`);
  if (props.permissionsBoundary && compareVersions(version, FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY) < 0) {
    fail('permissionsBoundary', `needs applicationVersion ${FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY} or later: version ${version} ignores it`);
  }
  if (props.memorySize !== undefined && (props.memorySize < 128 || props.memorySize > 10240)) fail('memorySize', `must be 128-10240 MB, got ${props.memorySize}`);
  if (props.timeout !== undefined && (props.timeout.toSeconds() < 1 || props.timeout.toSeconds() > 900)) {
    fail('timeout', `must be 1 second to 15 minutes, got ${props.timeout.toHumanString()}`);
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

import * as athena from 'aws-cdk-lib/aws-athena';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { AthenaRdsConnectorAttributes, AthenaRdsConnectorBase, catalogNameOf, DEFAULT_SPILL_PREFIX, IAthenaRdsConnector, ImportedAthenaRdsConnector } from './connector-base';
import { addNetworkInterfacePermissions, connectorSecurityGroup, createVpcEndpoints, warnWhenSubnetsAreIsolated } from './connector-network';
import { DatabaseEndpoint } from './database-endpoint';
import { ConnectorEngine, DEFAULT_PORTS } from './engine';
import { jdbcConnectionString } from './jdbc-connection-string';
import { validatePartition, validateProps } from './validation';
import { compareVersions, DEFAULT_CONNECTOR_VERSION, FIRST_VERSION_CHECKING_SPILL_WITH_HEAD_BUCKET } from './versions';

const APPLICATIONS: Record<ConnectorEngine, string> = {
  [ConnectorEngine.POSTGRESQL]: 'arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaPostgreSQLConnector',
  [ConnectorEngine.MYSQL]: 'arn:aws:serverlessrepo:us-east-1:292517598671:applications/AthenaMySQLConnector',
};

export interface AthenaRdsConnectorProps {
  /** PostgreSQL or MySQL. */
  readonly engine: ConnectorEngine;
  /**
   * Where the connector reaches the database: `DatabaseEndpoint.fromInstance(db)`, `fromCluster(cluster)`,
   * `fromClusterReader(cluster)` or `fromHost(hostname, port)`.
   */
  readonly endpoint: DatabaseEndpoint;
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
  /**
   * What happens to a spill bucket the construct creates when it leaves the stack. `DESTROY` empties it
   * first (the CDK's auto-delete custom resource, which brings a provider function whose role has the
   * AWS managed policy AWSLambdaBasicExecutionRole), so the stack deletes even while spill objects remain.
   * `RETAIN` keeps the bucket; its spill objects still expire after `spillExpiration`.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The role the connector function runs with; it must trust `lambda.amazonaws.com`. The construct adds
   * the permissions the connector needs to it, so an imported role must be imported mutable: an
   * immutable one silently gets nothing, and large queries fail. cdk-nag findings on your role are
   * yours to acknowledge (see the README).
   * @default - a new role with only those permissions
   */
  readonly role?: iam.IRole;
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
export class AthenaRdsConnector extends AthenaRdsConnectorBase {
  /** A connector deployed by another stack or app, for stacks that only query through it. */
  static fromConnectorAttributes(scope: Construct, id: string, attrs: AthenaRdsConnectorAttributes): IAthenaRdsConnector {
    return new ImportedAthenaRdsConnector(scope, id, attrs);
  }

  readonly engine: ConnectorEngine;
  /** The connector's security group: allow it into the database with `db.connections.allowDefaultPortFrom(connector)`. */
  readonly connections: ec2.Connections;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The role the connector function runs with. */
  readonly role: iam.IRole;
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
    validatePartition(stack);
    const engine = props.engine;
    this.engine = engine;
    this.functionName = props.functionName;
    this.functionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: props.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.spillPrefix = props.spillPrefix ?? DEFAULT_SPILL_PREFIX;
    this.catalogName = catalogNameOf(engine, props.functionName, props.catalogName);

    const host = props.endpoint.hostname;
    const port = props.endpoint.port ?? DEFAULT_PORTS[engine];

    this.spillBucket = props.spillBucket
      ?? this.createSpillBucket(props.spillExpiration ?? Duration.days(1), props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.credentials = props.credentials ?? this.createCredentials(props.functionName);

    const securityGroup = connectorSecurityGroup(this, props.vpc, port, props.functionName);
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(port) });

    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    this.role = this.createRole(props);
    if (props.createVpcEndpoints) createVpcEndpoints(this, props.vpc, securityGroup, props.vpcSubnets);
    else warnWhenSubnetsAreIsolated(this, props.vpc, subnets);

    const parameters: Record<string, string> = {
      LambdaFunctionName: props.functionName,
      DefaultConnectionString: jdbcConnectionString({
        engine,
        host,
        port,
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
      SecurityGroupIds: securityGroup.securityGroupId,
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

  private createSpillBucket(expiration: Duration, removalPolicy: RemovalPolicy): s3.Bucket {
    const bucket = new s3.Bucket(this, 'SpillBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      // A bucket CloudFormation may delete must be empty first, or deleting the stack fails.
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
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

  private createRole(props: AthenaRdsConnectorProps): iam.IRole {
    const stack = Stack.of(this);
    const role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Athena connector ${props.functionName}: spill prefix, its secret, its logs and its network interfaces`,
      permissionsBoundary: props.permissionsBoundary,
    });
    // Spill: the connector writes and reads back its own spill objects; without write, large queries fail.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.spillBucket.arnForObjects(`${this.spillPrefix}/*`)],
    }));
    // Before each query the connector checks its spill bucket with HeadBucket, which needs s3:ListBucket with no
    // prefix (awslabs/aws-athena-query-federation athena-postgresql.yaml grants it on the bucket unconditioned).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.spillBucket.bucketArn] }));
    // Releases before 2024.32.1 checked it with ListBuckets instead (the template granted s3:ListAllMyBuckets until #2131).
    const listsAllBuckets = compareVersions(props.applicationVersion ?? DEFAULT_CONNECTOR_VERSION, FIRST_VERSION_CHECKING_SPILL_WITH_HEAD_BUCKET) < 0;
    if (listsAllBuckets) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));
    // SSE-KMS on the spill bucket: writing needs a data key, reading back needs decrypt; nothing more.
    const spillKey = this.spillBucket.encryptionKey;
    if (spillKey) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [spillKey.keyArn] }));
    // The connector only reads the secret's value (GetSecretValue); a name-only import matches the 6 characters Secrets Manager appends.
    const secretArn = this.credentials.secretFullArn ?? `${this.credentials.secretArn}-??????`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }));
    this.credentials.encryptionKey?.grantDecrypt(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['athena:GetQueryExecution'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: '*' })],
    }));
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/${props.functionName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [logGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] }));
    addNetworkInterfacePermissions(this, role, props.vpc);
    // Your role, your acknowledgements: the README lists the findings cdk-nag reports on it.
    if (props.role) return role;
    // cdk-nag names a wildcard resource as the template has it: a token as <AWS::Region>, a literal as itself.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets take no resource ARN${listsAllBuckets ? '; s3:ListAllMyBuckets (connector releases before 2024.32.1 check the spill bucket with ListBuckets) neither' : ''}.`,
      },
      ...['network-interface/*', 'subnet/*', 'security-group/*'].map((resource) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${region}:${account}:${resource}]`,
        reason: 'Lambda creates and deletes the connector\'s network interfaces, named at run time; the ec2:Vpc condition keeps them in the connector\'s VPC.',
      })),
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:athena:${region}:${account}:workgroup/*]`, reason: 'The connector reads the state of the query it serves, which may run in any workgroup of the account.' },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/lambda/${props.functionName}:*]`, reason: 'Log streams of the connector function are named by Lambda; this is its own log group only.' },
      { id: `AwsSolutions-IAM5[Resource::${spillObjectsFinding(this.spillBucket, this.spillPrefix)}]`, reason: 'Spill object names are per query and split; the role may touch only objects under the spill prefix.' },
    );
    return role;
  }
}

function spillObjectsFinding(bucket: s3.IBucket, prefix: string): string {
  const cfn = bucket.node.defaultChild as s3.CfnBucket | undefined;
  const bucketArn = cfn ? `<${Stack.of(cfn).getLogicalId(cfn)}.Arn>` : bucket.bucketArn;
  return `${bucketArn}/${prefix}/*`;
}

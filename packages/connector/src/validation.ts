import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { AthenaRdsConnectorProps } from './athena-rds-connector';
import { ConnectorEngine } from './engine';
import { compareVersions, DEFAULT_CONNECTOR_VERSION, FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY } from './versions';


const CATALOG_NAME = /^[a-z0-9_]{1,127}$/;
const FUNCTION_NAME = /^[a-z0-9-_]{1,64}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VERSION = /^\d{4}\.\d{1,2}\.\d+$/;

/** Checks the props before anything is created; the error names the prop and the fix. */
export function validateProps(props: AthenaRdsConnectorProps): void {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`AthenaRdsConnector: ${prop} ${problem}`);
  };
  if (!Object.values(ConnectorEngine).includes(props.engine)) fail('engine', `must be ConnectorEngine.POSTGRESQL or ConnectorEngine.MYSQL, got ${JSON.stringify(props.engine)}`);
  if (!props.endpoint) fail('endpoint', 'is required: DatabaseEndpoint.fromInstance(db), fromCluster(cluster) or fromHost(hostname, port)');
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
    if (props.removalPolicy !== undefined) fail('removalPolicy', 'only applies to a spill bucket the construct creates: set the removal policy of your own bucket yourself');
  }
  if (props.removalPolicy === RemovalPolicy.SNAPSHOT) fail('removalPolicy', 'cannot be SNAPSHOT: S3 buckets have no snapshots; use DESTROY or RETAIN');
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

/**
 * The connector applications are published in the Serverless Application Repository of the commercial
 * partition (`arn:aws:serverlessrepo:us-east-1:...`), the only ARNs this construct knows: a stack in
 * another partition (China, GovCloud, ISO) would synthesize and then fail to deploy, so it fails here.
 * A region-agnostic stack cannot be checked before deployment.
 */
export function validatePartition(stack: Stack): void {
  if (Token.isUnresolved(stack.region)) return;
  const partition = RegionInfo.get(stack.region).partition;
  if (partition !== undefined && partition !== 'aws') {
    throw new Error(`AthenaRdsConnector: stack ${stack.stackName} is in ${stack.region}, in the ${partition} partition; the construct deploys the AWS connector application from the commercial partition's Serverless Application Repository (arn:aws:serverlessrepo:us-east-1:292517598671), which a ${partition} stack cannot use. Deploy the connector in a region of the aws partition.`);
  }
}

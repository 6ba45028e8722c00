// The requests of queries: Athena running scheduled queries with the starter's credentials, the
// federated-query connector (as the connector's own template and README list them), analysts querying
// through it, and the GitHub deploy roles assuming the CDK bootstrap roles.
import { arnIn, bucketArn, glue, listBucket, PermissionRequest, readObject, RequestScope, sampleExport, writeObject } from './requests';
import { exportBucket } from './service-requests';

const resourcesOf = (scope: RequestScope, type: string): [string, any][] =>
  Object.entries<any>(scope.stack.template.Resources ?? {}).filter(([, r]) => r.Type === type);

interface Connector {
  /** The Athena data catalog naming it, if any (a MySQL connector is queried as `lambda:<function>`). */
  readonly catalog: string | undefined;
  readonly functionName: string;
  readonly functionArn: string;
  readonly spillBucket: string;
  readonly spillPrefix: string;
  readonly roleArn: string;
  readonly parameters: any;
  readonly stackId: string;
}

/** Every federated-query connector application of the app in the scope's account and region. */
function connectorsOf(scope: RequestScope): Connector[] {
  return scope.app.stacks.filter((s) => s.account === scope.stack.account && s.region === scope.stack.region).flatMap((stack) => {
    const resolver = scope.app.resolvers.get(stack.id)!;
    const resources = Object.values<any>(stack.template.Resources ?? {});
    return resources.filter((r) => r.Type === 'AWS::Serverless::Application').map((application) => {
      const parameters = resolver.resolve(application.Properties.Parameters);
      const functionName: string = parameters.LambdaFunctionName;
      const functionArn = arnIn({ ...scope, stack }, 'lambda', `function:${functionName}`);
      const catalog = resources.find((r) => r.Type === 'AWS::Athena::DataCatalog' && resolver.string(r.Properties.Parameters.function) === functionArn);
      return {
        catalog: catalog ? resolver.string(catalog.Properties.Name) : undefined,
        functionName,
        functionArn,
        parameters,
        stackId: stack.id,
        spillBucket: parameters.SpillBucket,
        spillPrefix: parameters.SpillPrefix ?? 'athena-spill',
        roleArn: parameters.LambdaRoleARN,
      };
    });
  });
}

/**
 * A federated query as its caller makes it: the data catalog, the connector function, and the spilled
 * results read back from the spill bucket (Athena user guide, "Allow access to an Athena Data Connector
 * for External Hive Metastore" and federated query permissions; see docs/reference in athena.md).
 */
function federatedQuery(base: Omit<PermissionRequest, 'action' | 'resource'>, scope: RequestScope, catalog: Connector): PermissionRequest[] {
  return [
    ...(catalog.catalog ? [{ ...base, action: 'athena:GetDataCatalog', resource: arnIn(scope, 'athena', `datacatalog/${catalog.catalog}`) }] : []),
    { ...base, action: 'lambda:InvokeFunction', resource: catalog.functionArn },
    { ...base, action: 's3:GetObject', resource: `${bucketArn(catalog.spillBucket)}/${catalog.spillPrefix}/0a1b2c3d/split-1` },
    { ...base, action: 's3:ListBucket', resource: bucketArn(catalog.spillBucket) },
    { ...base, action: 's3:GetBucketLocation', resource: bucketArn(catalog.spillBucket) },
  ];
}

/**
 * Scheduled queries: Athena reads the catalog and the data, and writes results, with the credentials of
 * the function that started the query (Athena user guide, "Access to Amazon S3" and "Configure access to
 * databases and tables in the AWS Glue Data Catalog").
 */
export function scheduledQueryRequests(scope: RequestScope): PermissionRequest[] {
  const starter = resourcesOf(scope, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties.Environment?.Variables?.WORKGROUP);
  if (!starter) return [];
  const roleArn = scope.resolver.string(starter[1].Properties.Role);
  const resultsBucket = scope.resolver.string(starter[1].Properties.Environment.Variables.RESULTS_BUCKET_NAME);
  const resultsKey = starter[1].Properties.Environment.Variables.RESULTS_KMS_KEY_ARN;
  return resourcesOf(scope, 'AWS::Scheduler::Schedule').flatMap(([, schedule]) => {
    const { query } = JSON.parse(scope.resolver.string(schedule.Properties.Target.Input));
    const base = { by: `${scope.stack.id} scheduled query ${query.name}`, principal: roleArn, because: `Athena runs "${query.name}" as its starter` };
    const results = `${query.name}/2026/11/22/0a1b2c3d.csv`;
    const requests: PermissionRequest[] = [
      { ...base, action: 's3:GetBucketLocation', resource: bucketArn(resultsBucket) },
      { ...base, action: 's3:ListBucket', resource: bucketArn(resultsBucket) },
      ...writeObject(scope, base, resultsBucket, results, resultsKey ? scope.resolver.string(resultsKey) : undefined),
      ...readObject(scope, base, resultsBucket, results),
      { ...base, action: 's3:AbortMultipartUpload', resource: `${bucketArn(resultsBucket)}/${results}` },
      { ...base, action: 's3:ListMultipartUploadParts', resource: `${bucketArn(resultsBucket)}/${results}` },
    ];
    if (query.catalog === 'AwsDataCatalog') {
      const bucket = exportBucket(scope);
      requests.push(
        ...['glue:GetDatabase'].flatMap((action) => glue(scope, base, action, query.database)),
        ...['glue:GetTable', 'glue:GetPartitions'].flatMap((action) => glue(scope, base, action, query.database, 'orders')),
        { ...base, action: 's3:GetBucketLocation', resource: bucketArn(bucket) },
        listBucket(base, bucket, `${sampleExport(scope)}/`),
        ...readObject(scope, base, bucket, `${sampleExport(scope)}/orders/public.customers/1/part-00000.parquet`),
      );
    } else {
      const catalog = connectorsOf(scope).find((c) => c.catalog === query.catalog || query.catalog === `lambda:${c.functionName}`);
      if (!catalog) throw new Error(`${base.by}: no connector answers catalog ${query.catalog} in the app`);
      requests.push(...federatedQuery(base, scope, catalog));
    }
    return requests;
  });
}

/**
 * Each connector of the stack: what the connector application's own template grants its function
 * (awslabs/aws-athena-query-federation, athena-postgresql.yaml / athena-mysql.yaml), narrowed, and
 * Lambda's VPC requests (Lambda developer guide, "Giving Lambda functions access to a VPC"); and the
 * analysts' federated queries.
 */
export function connectorRequests(scope: RequestScope): PermissionRequest[] {
  return connectorsOf(scope).filter((c) => c.stackId === scope.stack.id).flatMap((catalog) => {
    const name = catalog.functionName;
    const base = { by: `${scope.stack.id} connector ${name}`, principal: catalog.roleArn, because: 'the connector (its application template)' };
    const logGroup = arnIn(scope, 'logs', `log-group:/aws/lambda/${name}`);
    const vpc = vpcOf(scope, catalog);
    const eni = arnIn(scope, 'ec2', 'network-interface/eni-0a1b2c3d4e5f60718');
    const inVpc = vpc ? { 'ec2:Vpc': arnIn(scope, 'ec2', `vpc/${vpc.vpcId}`) } : undefined;
    const requests: PermissionRequest[] = [
      { by: base.by, principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: catalog.roleArn, because: 'Lambda assumes the connector role', context: { 'aws:SourceAccount': scope.stack.account } },
      { ...base, action: 'logs:CreateLogGroup', resource: logGroup },
      { ...base, action: 'logs:CreateLogStream', resource: `${logGroup}:log-stream:2026/11/22/[$LATEST]0a1b2c3d` },
      { ...base, action: 'logs:PutLogEvents', resource: `${logGroup}:log-stream:2026/11/22/[$LATEST]0a1b2c3d` },
      // Before each query the connector checks its spill bucket with HeadBucket (s3:ListBucket, no prefix).
      { ...base, action: 's3:ListBucket', resource: bucketArn(catalog.spillBucket), because: 'HeadBucket on the spill bucket' },
      ...writeObject(scope, base, catalog.spillBucket, `${catalog.spillPrefix}/0a1b2c3d/split-1`),
      ...readObject(scope, base, catalog.spillBucket, `${catalog.spillPrefix}/0a1b2c3d/split-1`),
      { ...base, action: 'secretsmanager:GetSecretValue', resource: arnIn(scope, 'secretsmanager', `secret:${catalog.parameters.SecretNamePrefix}-AbCdEf`) },
      { ...base, action: 'athena:GetQueryExecution', resource: arnIn(scope, 'athena', 'workgroup/primary'), because: 'the connector checks that the query is still running' },
    ];
    if (vpc) {
      requests.push(
        { ...base, action: 'ec2:CreateNetworkInterface', resource: eni, because: 'Lambda in a VPC' },
        ...vpc.subnets.map((subnet) => ({ ...base, action: 'ec2:CreateNetworkInterface', resource: arnIn(scope, 'ec2', `subnet/${subnet}`), context: inVpc!, because: 'Lambda in a VPC' })),
        ...vpc.securityGroups.map((group) => ({ ...base, action: 'ec2:CreateNetworkInterface', resource: arnIn(scope, 'ec2', `security-group/${group}`), context: inVpc!, because: 'Lambda in a VPC' })),
        ...['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'].map((action) => ({ ...base, action, resource: eni, context: inVpc!, because: 'Lambda in a VPC' })),
        ...['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'].map((action) => ({ ...base, action, resource: '*', because: 'Lambda in a VPC' })),
      );
    }
    const analysts = scope.stage.federatedQueries.find((q) => q.functionName === name)?.analystsRoleArn;
    if (analysts) requests.push(...federatedQuery({ by: `${scope.stack.id} analysts querying through ${name}`, principal: analysts, because: 'an analyst\'s federated query' }, scope, catalog));
    return requests;
  });
}

function vpcOf(scope: RequestScope, catalog: Connector): { vpcId: string; subnets: string[]; securityGroups: string[] } | undefined {
  const vpc = scope.stage.federatedQueries.find((q) => q.functionName === catalog.functionName)?.vpc as any;
  if (!vpc || !catalog.parameters.SubnetIds) return undefined;
  return { vpcId: vpc.vpcId, subnets: String(catalog.parameters.SubnetIds).split(','), securityGroups: String(catalog.parameters.SecurityGroupIds).split(',') };
}

/**
 * The GitHub roles: a deploy assumes the CDK bootstrap deploy, file-publishing and lookup roles of
 * every environment its stage's stacks deploy to; a diff only the lookup roles (CDK developer guide,
 * "Bootstrapping": the roles the CLI assumes).
 */
export function githubRequests(scope: RequestScope, stagesByAccount: Map<string, { name: string; regions: string[] }[]>): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::IAM::Role').filter(([, role]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('Federated')).flatMap(([id, role]) => {
    const roleArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
    const description: string = role.Properties.Description ?? '';
    const deploy = /^GitHub Actions deploys of (\S+):/.exec(description)?.[1];
    const stages = (stagesByAccount.get(scope.stack.account) ?? []).filter((s) => !deploy || s.name === deploy);
    const kinds = deploy ? ['deploy', 'file-publishing', 'lookup'] : ['lookup'];
    const targets = [...new Set(stages.flatMap((s) => s.regions).flatMap((region) => kinds.map((kind) => `arn:aws:iam::${scope.stack.account}:role/cdk-hnb659fds-${kind}-role-${scope.stack.account}-${region}`)))];
    return targets.map((target) => ({ by: `${scope.stack.id} ${id}`, principal: roleArn, action: 'sts:AssumeRole', resource: target, because: 'the CDK CLI assumes the bootstrap roles' }));
  });
}

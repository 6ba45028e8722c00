// The requests AWS services make for snaplake, each as AWS documents it: Lambda and Step Functions
// running with their roles, EventBridge rules and Scheduler schedules delivering (and dead-lettering)
// triggers, CloudWatch alarms publishing, the RDS export service writing exports, the Glue crawler,
// and Athena running scheduled queries with the caller's credentials.
import { FunctionScope, HANDLER_REQUESTS } from './handler-requests';
import {
  arnIn, bucketArn, glue, listBucket, PermissionRequest, readObject, RequestScope, sampleDatabase, sampleExport, writeObject,
} from './requests';

const resourcesOf = (scope: RequestScope, type: string): [string, any][] =>
  Object.entries<any>(scope.stack.template.Resources ?? {}).filter(([, r]) => r.Type === type);

/** A service assuming a role: the role's trust policy decides (IAM user guide, "confused deputy prevention"). */
function assume(scope: RequestScope, service: string, roleArn: string, by: string, sourceArn?: string): PermissionRequest {
  return {
    by,
    principal: service,
    action: 'sts:AssumeRole',
    resource: roleArn,
    because: `${service} assumes the role`,
    context: { 'aws:SourceAccount': scope.stack.account, ...(sourceArn ? { 'aws:SourceArn': sourceArn } : {}) },
  };
}

/** The handler a function runs, from its role's description (`Runs the snaplake <handler> handler`). */
function handlerOf(scope: RequestScope, fn: any): string | undefined {
  const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0];
  const description: string = scope.stack.template.Resources[roleId]?.Properties?.Description ?? '';
  return /^Runs the snaplake (\S+) handler$/.exec(description)?.[1];
}

/** Every function of the stack: its handler's requests, its logs, and Lambda assuming its role. */
export function functionRequests(scope: RequestScope): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::Lambda::Function').flatMap(([id, fn]) => {
    const handler = handlerOf(scope, fn);
    if (!handler || !HANDLER_REQUESTS[handler]) throw new Error(`${scope.stack.id} ${id}: no declared requests for its handler (${handler ?? 'unknown'})`);
    const roleArn = scope.resolver.string(fn.Properties.Role);
    const env: Record<string, string> = scope.resolver.resolve(fn.Properties.Environment?.Variables ?? {});
    const by = `${scope.stack.id} ${handler}`;
    const functionArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
    const f: FunctionScope = { ...scope, handler, env, functionArn, base: { by, principal: roleArn, because: '' } };
    const logGroup = scope.resolver.string(fn.Properties.LoggingConfig.LogGroup);
    const stream = arnIn(scope, 'logs', `log-group:${logGroup}:log-stream:2026/11/22/[$LATEST]0a1b2c3d`);
    // Lambda sends a failed asynchronous invocation to the on-failure destination with the function's
    // role (Lambda developer guide, "Capturing records of asynchronous invocations").
    const destinations = resourcesOf(scope, 'AWS::Lambda::EventInvokeConfig')
      .filter(([, config]) => JSON.stringify(config.Properties.FunctionName) === JSON.stringify({ Ref: id }))
      .map(([, config]) => config.Properties.DestinationConfig?.OnFailure?.Destination)
      .filter((destination) => destination !== undefined)
      .map((destination) => scope.resolver.string(destination));
    const onFailure = { by, principal: roleArn, because: 'Lambda sends a failed asynchronous invocation to its destination', context: { 'kms:ViaService': `sqs.${scope.stack.region}.amazonaws.com` } };
    return [
      ...destinations.flatMap((queue) => {
        if (!queue.includes(':sqs:')) throw new Error(`${by}: on-failure destination ${queue} is not modelled by the permission checks`);
        return sendToQueue(scope, onFailure, queue);
      }),
      assume(scope, 'lambda.amazonaws.com', roleArn, by),
      { by, principal: roleArn, action: 'logs:CreateLogStream', resource: stream, because: 'Lambda writes the function\'s logs' },
      { by, principal: roleArn, action: 'logs:PutLogEvents', resource: stream, because: 'Lambda writes the function\'s logs' },
      ...Object.values(HANDLER_REQUESTS[handler]).flatMap((requests) => requests(f)),
    ];
  });
}

/** Every state of a definition, nested ones (Map, Parallel) included. */
function statesOf(definition: any): [string, any][] {
  return Object.entries<any>(definition.States ?? {}).flatMap(([name, state]) => [
    [name, state] as [string, any],
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].filter(Boolean).flatMap(statesOf),
  ]);
}

/** The KMS requests a publisher makes on an encrypted topic (SNS developer guide, "Encryption at rest"). */
function topicKeyRequests(scope: RequestScope, topicArn: string, base: Omit<PermissionRequest, 'action' | 'resource'>): PermissionRequest[] {
  for (const stack of scope.app.stacks) {
    const resolver = scope.app.resolvers.get(stack.id)!;
    for (const [id, topic] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (topic.Type !== 'AWS::SNS::Topic' || resolver.resolve({ Ref: id }) !== topicArn || !topic.Properties?.KmsMasterKeyId) continue;
      const key = resolver.string(topic.Properties.KmsMasterKeyId);
      return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ ...base, action, resource: key }));
    }
  }
  return [];
}

/** Every state machine: its tasks' requests, Distributed Map, logs and tracing, and Step Functions assuming its role. */
export function stateMachineRequests(scope: RequestScope): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::StepFunctions::StateMachine').flatMap(([id, machine]) => {
    const roleArn = scope.resolver.string(machine.Properties.RoleArn);
    const machineArn = scope.resolver.string({ Ref: id });
    const name = machineArn.split(':').pop()!;
    const by = `${scope.stack.id} state machine ${name}`;
    const definition = JSON.parse(scope.resolver.string(machine.Properties.DefinitionString));
    const requests: PermissionRequest[] = [assume(scope, 'states.amazonaws.com', roleArn, by, machineArn)];
    const ask = (because: string, action: string, resource: string, context?: Record<string, string>) =>
      requests.push({ by, principal: roleArn, because, action, resource, ...(context ? { context } : {}) });
    for (const [stateName, state] of statesOf(definition)) {
      if (state.Type === 'Task') {
        const resource: string = state.Resource;
        if (resource.startsWith('arn:aws:lambda:')) {ask(`Task state "${stateName}"`, 'lambda:InvokeFunction', resource);} else if (resource === 'arn:aws:states:::lambda:invoke') {ask(`Task state "${stateName}"`, 'lambda:InvokeFunction', state.Parameters.FunctionName);} else if (resource === 'arn:aws:states:::sns:publish') {
          ask(`Task state "${stateName}"`, 'sns:Publish', state.Parameters.TopicArn);
          requests.push(...topicKeyRequests(scope, state.Parameters.TopicArn, { by, principal: roleArn, because: `Task state "${stateName}" (encrypted topic)`, context: { 'kms:ViaService': `sns.${scope.stack.region}.amazonaws.com` } }));
        } else {throw new Error(`${by}: Task state "${stateName}" calls ${resource}, which the permission checks do not model`);}
      }
      if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
        // Step Functions developer guide, "IAM policies for using Distributed Map states", and redriving Map Runs.
        ask(`Distributed Map "${stateName}"`, 'states:StartExecution', machineArn);
        ask(`Distributed Map "${stateName}"`, 'states:DescribeExecution', arnIn(scope, 'states', `execution:${name}:0a1b2c3d`));
        ask(`Distributed Map "${stateName}"`, 'states:StopExecution', arnIn(scope, 'states', `execution:${name}:0a1b2c3d`));
        ask(`Distributed Map "${stateName}" (redrive)`, 'states:RedriveExecution', arnIn(scope, 'states', `execution:${name}/${stateName}:0a1b2c3d`));
        const reader = state.ItemReader;
        if (reader?.Resource === 'arn:aws:states:::s3:listObjectsV2') {
          requests.push(listBucket({ by, principal: roleArn, because: `Distributed Map "${stateName}" reads its items` }, bucketName(scope, reader.Parameters.Bucket)));
        } else if (reader) {throw new Error(`${by}: Distributed Map "${stateName}" reads items with ${reader.Resource}, which the permission checks do not model`);}
      }
    }
    if (machine.Properties.LoggingConfiguration) {
      // Step Functions developer guide, "Logging in CloudWatch Logs": log delivery actions take no resource.
      for (const action of ['CreateLogDelivery', 'GetLogDelivery', 'UpdateLogDelivery', 'DeleteLogDelivery', 'ListLogDeliveries', 'PutResourcePolicy', 'DescribeResourcePolicies', 'DescribeLogGroups']) {
        ask('Step Functions log delivery', `logs:${action}`, '*');
      }
    }
    if (machine.Properties.TracingConfiguration?.Enabled) {
      for (const action of ['PutTraceSegments', 'PutTelemetryRecords', 'GetSamplingRules', 'GetSamplingTargets']) ask('X-Ray tracing', `xray:${action}`, '*');
    }
    return requests;
  });
}

/** A bucket given by name, or by a JSONPath (then the stage's export bucket, which is the only one maps read). */
function bucketName(scope: RequestScope, bucket: string | undefined): string {
  if (bucket && !bucket.startsWith('$')) return bucket;
  return exportBucket(scope);
}

/** The stage's export bucket, as the functions of the stage name it. */
export function exportBucket(scope: RequestScope): string {
  for (const stack of scope.app.stacks.filter((s) => s.account === scope.stack.account && s.stackName.startsWith(`${scope.project}-${scope.stage.name}-`))) {
    const resolver = scope.app.resolvers.get(stack.id)!;
    for (const fn of Object.values<any>(stack.template.Resources ?? {})) {
      const name = fn.Type === 'AWS::Lambda::Function' ? fn.Properties.Environment?.Variables?.EXPORT_BUCKET_NAME : undefined;
      if (name) return resolver.string(name);
    }
  }
  throw new Error(`${scope.stack.id}: no function of stage ${scope.stage.name} names the export bucket`);
}

/** The KMS key of an SQS queue of the app. */
function queueKey(scope: RequestScope, queueArn: string): string | undefined {
  for (const stack of scope.app.stacks) {
    const resolver = scope.app.resolvers.get(stack.id)!;
    for (const [id, queue] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (queue.Type !== 'AWS::SQS::Queue' || resolver.resolve({ 'Fn::GetAtt': [id, 'Arn'] }) !== queueArn) continue;
      return queue.Properties?.KmsMasterKeyId ? resolver.string(queue.Properties.KmsMasterKeyId) : undefined;
    }
  }
  return undefined;
}

/**
 * A message sent to an encrypted queue: sqs:SendMessage, and kms:GenerateDataKey and kms:Decrypt on the
 * queue's key (SQS developer guide, "Key management": a sender needs both).
 */
function sendToQueue(scope: RequestScope, base: Omit<PermissionRequest, 'action' | 'resource'>, queueArn: string): PermissionRequest[] {
  const key = queueKey(scope, queueArn);
  return [
    { ...base, action: 'sqs:SendMessage', resource: queueArn },
    ...(key ? ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ ...base, action, resource: key })) : []),
  ];
}

/** EventBridge rules deliver to their targets and dead-letter what they cannot; Scheduler schedules likewise with their role. */
export function triggerRequests(scope: RequestScope): PermissionRequest[] {
  const requests: PermissionRequest[] = [];
  for (const [id, rule] of resourcesOf(scope, 'AWS::Events::Rule')) {
    const ruleArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
    const by = `${scope.stack.id} rule ${id}`;
    const service = { by, principal: 'events.amazonaws.com', context: { 'aws:SourceAccount': scope.stack.account, 'aws:SourceArn': ruleArn } };
    for (const target of rule.Properties.Targets ?? []) {
      const arn = scope.resolver.string(target.Arn);
      if (target.RoleArn) {
        const roleArn = scope.resolver.string(target.RoleArn);
        requests.push(assume(scope, 'events.amazonaws.com', roleArn, by, ruleArn));
        if (arn.includes(':states:')) requests.push({ by, principal: roleArn, action: 'states:StartExecution', resource: arn, because: 'the rule starts the workflow' });
      } else if (arn.includes(':lambda:')) {
        requests.push({ ...service, action: 'lambda:InvokeFunction', resource: arn, because: 'the rule invokes the function' });
      } else {throw new Error(`${by}: target ${arn} is not modelled by the permission checks`);}
      // EventBridge user guide, "Using dead-letter queues": EventBridge itself sends to the queue.
      if (target.DeadLetterConfig) requests.push(...sendToQueue(scope, { ...service, because: 'the rule dead-letters an event it could not deliver' }, scope.resolver.string(target.DeadLetterConfig.Arn)));
    }
  }
  for (const [id, schedule] of resourcesOf(scope, 'AWS::Scheduler::Schedule')) {
    const scheduleArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
    const target = schedule.Properties.Target;
    const roleArn = scope.resolver.string(target.RoleArn);
    const by = `${scope.stack.id} schedule ${id}`;
    requests.push(assume(scope, 'scheduler.amazonaws.com', roleArn, by, scheduleArn));
    requests.push({ by, principal: roleArn, action: 'states:StartExecution', resource: scope.resolver.string(target.Arn), because: 'the schedule starts the workflow' });
    // EventBridge Scheduler user guide, "Configuring a dead-letter queue": the schedule's role sends to it.
    if (target.DeadLetterConfig) requests.push(...sendToQueue(scope, { by, principal: roleArn, because: 'the schedule dead-letters a run it could not start', context: { 'kms:ViaService': `sqs.${scope.stack.region}.amazonaws.com` } }, scope.resolver.string(target.DeadLetterConfig.Arn)));
  }
  return requests;
}

/** CloudWatch alarms publish to their topics (CloudWatch user guide, "Using Amazon SNS for alarm actions"). */
export function alarmRequests(scope: RequestScope): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::CloudWatch::Alarm').flatMap(([id, alarm]) => {
    const alarmArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
    const base = { by: `${scope.stack.id} alarm ${id}`, principal: 'cloudwatch.amazonaws.com', because: 'the alarm notifies', context: { 'aws:SourceAccount': scope.stack.account, 'aws:SourceArn': alarmArn } };
    return (alarm.Properties.AlarmActions ?? []).flatMap((action: any) => {
      const topic = scope.resolver.string(action);
      return [{ ...base, action: 'sns:Publish', resource: topic }, ...topicKeyRequests(scope, topic, base)];
    });
  });
}

/**
 * RDS's export service assumes the export role and writes the export (RDS user guide, "Exporting DB
 * snapshot data to Amazon S3": s3:PutObject*, s3:GetObject*, s3:DeleteObject*, s3:ListBucket,
 * s3:GetBucketLocation), encrypting with the bucket's key.
 */
export function exportServiceRequests(scope: RequestScope): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::IAM::Role')
    .filter(([, role]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('export.rds.amazonaws.com'))
    .flatMap(([id]) => {
      const roleArn = scope.resolver.string({ 'Fn::GetAtt': [id, 'Arn'] });
      const bucket = exportBucket(scope);
      const key = `${sampleExport(scope)}/export_info.json`;
      const base = { by: `${scope.stack.id} RDS export task`, principal: roleArn, because: 'StartExportTask (RDS user guide)' };
      return [
        assume(scope, 'export.rds.amazonaws.com', roleArn, base.by, arnIn(scope, 'rds', `snapshot-export:${sampleExport(scope)}`)),
        ...writeObject(scope, base, bucket, key),
        ...readObject(scope, base, bucket, key),
        { ...base, action: 's3:DeleteObject', resource: `${bucketArn(bucket)}/${key}` },
        { ...base, action: 's3:ListBucket', resource: bucketArn(bucket) },
        { ...base, action: 's3:GetBucketLocation', resource: bucketArn(bucket) },
      ];
    });
}

/**
 * A Glue crawler reads the export and writes tables and partitions of its database (AWS Glue developer
 * guide, "Crawler prerequisites"), and logs to `/aws-glue/crawlers*`; with a security configuration that
 * encrypts its logs, CloudWatch Logs uses the key ("Encrypt log data in CloudWatch Logs using AWS KMS").
 */
export function crawlerRequests(scope: RequestScope): PermissionRequest[] {
  return resourcesOf(scope, 'AWS::Glue::Crawler').flatMap(([, crawler]) => {
    const p = crawler.Properties;
    const roleArn = scope.resolver.string(p.Role);
    const by = `${scope.stack.id} Glue crawler ${scope.resolver.string(p.Name)}`;
    const base = { by, principal: roleArn, because: 'the crawler' };
    const bucket = exportBucket(scope);
    // start-crawler points the crawler at the database of each export's source database before it starts it.
    const starter = resourcesOf(scope, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties.Environment?.Variables?.CRAWLER_NAME);
    const prefix = scope.resolver.string(starter ? starter[1].Properties.Environment.Variables.GLUE_DATABASE_PREFIX : p.DatabaseName);
    const database = `${prefix}_${sampleDatabase(scope).replace(/-/g, '_')}`;
    const logGroup = arnIn(scope, 'logs', `log-group:/aws-glue/crawlers-role/${roleArn.split('/').pop()}-${p.CrawlerSecurityConfiguration ?? ''}`);
    const requests: PermissionRequest[] = [
      assume(scope, 'glue.amazonaws.com', roleArn, by),
      listBucket(base, bucket, `${sampleExport(scope)}/`),
      ...readObject(scope, base, bucket, `${sampleExport(scope)}/orders/public.customers/1/part-00000.parquet`),
      ...['glue:GetDatabase'].flatMap((action) => glue(scope, base, action, database)),
      ...['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable', 'glue:GetPartitions', 'glue:BatchGetPartition', 'glue:BatchCreatePartition', 'glue:BatchUpdatePartition']
        .flatMap((action) => glue(scope, base, action, database, 'orders_public_customers')),
      { ...base, action: 'logs:CreateLogGroup', resource: `${logGroup}:*` },
      { ...base, action: 'logs:CreateLogStream', resource: `${logGroup}:log-stream:${scope.resolver.string(p.Name)}` },
      { ...base, action: 'logs:PutLogEvents', resource: `${logGroup}:log-stream:${scope.resolver.string(p.Name)}` },
    ];
    const security = p.CrawlerSecurityConfiguration ? securityConfiguration(scope, scope.resolver.string(p.CrawlerSecurityConfiguration)) : undefined;
    const logsKey = security?.CloudWatchEncryption?.KmsKeyArn;
    if (logsKey) {
      const key = scope.resolver.string(logsKey);
      requests.push({ ...base, action: 'logs:AssociateKmsKey', resource: `${logGroup}:*`, because: 'the crawler\'s security configuration encrypts its logs' });
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt']) {
        requests.push({ by, principal: `logs.${scope.stack.region}.amazonaws.com`, action, resource: key, because: 'CloudWatch Logs encrypts the crawler\'s logs', context: { 'kms:EncryptionContext:aws:logs:arn': logGroup } });
      }
    }
    return requests;
  });
}

function securityConfiguration(scope: RequestScope, name: string): any {
  const found = resourcesOf(scope, 'AWS::Glue::SecurityConfiguration').find(([, c]) => scope.resolver.string(c.Properties.Name) === name);
  return found?.[1].Properties.EncryptionConfiguration;
}


// Reads CloudFormation values of a synthesized app the way CloudFormation resolves them at deploy
// time: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::ImportValue` (across the
// app's stacks), pseudo parameters from the stack's account and region. A resource's name or ARN is
// made up from its logical id where CloudFormation would generate it, in the format the AWS service
// uses, so that ARN checks (asl-validator's, IAM's) see real-looking ARNs.
import type { SynthesizedApp, SynthesizedStack } from './synthesized';

/** Where a value points: a resource of a stack (after following exports), and which of its attributes. */
export interface ResourceReference {
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  /** `Ref`, or the attribute of `Fn::GetAtt` (`Arn`). */
  readonly attribute: string;
}

/** The resource a value names through `Ref`, `Fn::GetAtt` or an imported output of another stack; undefined for anything else. */
export function referenceOf(app: SynthesizedApp, stack: SynthesizedStack, value: unknown): ResourceReference | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, any>;
  if (typeof v.Ref === 'string' && stack.template.Resources?.[v.Ref]) return { stack, logicalId: v.Ref, attribute: 'Ref' };
  if (Array.isArray(v['Fn::GetAtt'])) return { stack, logicalId: v['Fn::GetAtt'][0], attribute: v['Fn::GetAtt'][1] };
  if (v['Fn::ImportValue'] !== undefined) {
    const exported = exportOf(app, resolveValue(app, stack, v['Fn::ImportValue']));
    return referenceOf(app, exported.stack, exported.value);
  }
  return undefined;
}

/** Whether two values name the same resource (and attribute), wherever each is written. */
export function sameResource(a: ResourceReference | undefined, b: ResourceReference | undefined): boolean {
  return a !== undefined && b !== undefined && a.stack.id === b.stack.id && a.logicalId === b.logicalId;
}

/** A template value with every intrinsic function resolved, as CloudFormation would deploy it. */
export function resolveValue(app: SynthesizedApp, stack: SynthesizedStack, value: unknown): any {
  if (Array.isArray(value)) return value.map((v) => resolveValue(app, stack, v));
  if (!value || typeof value !== 'object') return value;
  const v = value as Record<string, any>;
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return resolveIntrinsic(app, stack, keys[0]!, v[keys[0]!]);
  return Object.fromEntries(keys.map((k) => [k, resolveValue(app, stack, v[k])]));
}

function resolveIntrinsic(app: SynthesizedApp, stack: SynthesizedStack, fn: string, arg: any): any {
  switch (fn) {
    case 'Ref':
      return PSEUDO_PARAMETERS[arg]?.(stack) ?? attributeOf(stack, arg, 'Ref');
    case 'Fn::GetAtt':
      return attributeOf(stack, arg[0], arg[1]);
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return resolveValue(app, stack, parts).join(separator);
    }
    case 'Fn::Select':
      return resolveValue(app, stack, arg[1])[Number(resolveValue(app, stack, arg[0]))];
    case 'Fn::Split':
      return String(resolveValue(app, stack, arg[1])).split(arg[0]);
    case 'Fn::ImportValue': {
      const exported = exportOf(app, resolveValue(app, stack, arg));
      return resolveValue(app, exported.stack, exported.value);
    }
    default:
      throw new Error(`${stack.id}: the test harness does not resolve ${fn} (${JSON.stringify(arg)}); add it to test/template-values.ts`);
  }
}

const PSEUDO_PARAMETERS: Record<string, (stack: SynthesizedStack) => string> = {
  'AWS::Partition': (stack) => partitionOf(stack.region),
  'AWS::Region': (stack) => stack.region,
  'AWS::AccountId': (stack) => stack.account,
  'AWS::URLSuffix': (stack) => (stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'),
  'AWS::StackName': (stack) => stack.stackName,
};

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function exportOf(app: SynthesizedApp, name: string): { stack: SynthesizedStack; value: unknown } {
  for (const stack of app.stacks) {
    for (const output of Object.values<any>(stack.template.Outputs ?? {})) {
      if (output.Export && resolveValue(app, stack, output.Export.Name) === name) return { stack, value: output.Value };
    }
  }
  throw new Error(`fixture app '${app.name}' exports no output named '${name}'`);
}

/** What CloudFormation returns for `Ref` or `Fn::GetAtt` of a resource, with generated names made from its logical id. */
function attributeOf(stack: SynthesizedStack, logicalId: string, attribute: string): string {
  const resource = stack.template.Resources?.[logicalId];
  if (!resource) throw new Error(`${stack.id} has no resource ${logicalId}`);
  const props = resource.Properties ?? {};
  const generated = `${stack.stackName}-${logicalId}`.slice(0, 64);
  const arn = (service: string, name: string) => `arn:${partitionOf(stack.region)}:${service}:${stack.region}:${stack.account}:${name}`;
  const nameOf = (property: string) => (typeof props[property] === 'string' ? props[property] as string : generated);
  const by: Record<string, Record<string, () => string>> = {
    'AWS::Lambda::Function': { Ref: () => nameOf('FunctionName'), Arn: () => arn('lambda', `function:${nameOf('FunctionName')}`) },
    'AWS::SNS::Topic': { Ref: () => arn('sns', nameOf('TopicName')), TopicArn: () => arn('sns', nameOf('TopicName')), TopicName: () => nameOf('TopicName') },
    'AWS::SQS::Queue': {
      Ref: () => `https://sqs.${stack.region}.amazonaws.com/${stack.account}/${nameOf('QueueName')}`,
      Arn: () => arn('sqs', nameOf('QueueName')),
      QueueName: () => nameOf('QueueName'),
    },
    'AWS::S3::Bucket': {
      Ref: () => nameOf('BucketName').toLowerCase().slice(0, 63),
      Arn: () => `arn:${partitionOf(stack.region)}:s3:::${nameOf('BucketName').toLowerCase().slice(0, 63)}`,
    },
    'AWS::StepFunctions::StateMachine': {
      Ref: () => arn('states', `stateMachine:${nameOf('StateMachineName')}`),
      Name: () => nameOf('StateMachineName'),
    },
    'AWS::KMS::Key': { Ref: () => '1234abcd-12ab-34cd-56ef-1234567890ab', Arn: () => arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab') },
    'AWS::IAM::Role': { Ref: () => nameOf('RoleName'), Arn: () => `arn:${partitionOf(stack.region)}:iam::${stack.account}:role/${nameOf('RoleName')}` },
    'AWS::Logs::LogGroup': { Ref: () => nameOf('LogGroupName'), Arn: () => arn('logs', `log-group:${nameOf('LogGroupName')}:*`) },
    'AWS::Events::Rule': { Ref: () => nameOf('Name'), Arn: () => arn('events', `rule/${nameOf('Name')}`) },
    'AWS::Scheduler::Schedule': { Arn: () => arn('scheduler', `schedule/default/${nameOf('Name')}`) },
    'AWS::CloudWatch::Alarm': { Ref: () => nameOf('AlarmName'), Arn: () => arn('cloudwatch', `alarm:${nameOf('AlarmName')}`) },
    'AWS::Glue::Crawler': { Ref: () => nameOf('Name') },
    'AWS::Athena::WorkGroup': { Ref: () => nameOf('Name') },
  };
  const resolve = by[resource.Type]?.[attribute];
  if (!resolve) throw new Error(`${stack.id}: the test harness does not know ${attribute} of ${resource.Type} (${logicalId}); add it to test/template-values.ts`);
  return resolve();
}

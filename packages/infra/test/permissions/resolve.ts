// Resolves the CloudFormation intrinsics of a synthesized app (Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
// Fn::Select, Fn::Split, Fn::ImportValue) to the concrete values CloudFormation would give them in the
// stack's account and region, so that policies can be simulated. A resource with no name in its
// properties gets the name CloudFormation would generate, minus the random suffix:
// `<stack name>-<logical id>`.

/** One synthesized stack: where it deploys and its template. */
export interface StackTemplate {
  /** The construct path (`Live/ExportPipeline`). */
  readonly id: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: any;
}

export const PARTITION = 'aws';

/** Resolves values of one stack, reading exports of every stack of the app. */
export class StackResolver {
  constructor(readonly stack: StackTemplate, private readonly app: readonly StackTemplate[]) {}

  get resources(): Record<string, any> {
    return this.stack.template.Resources ?? {};
  }

  /** A value with every intrinsic resolved: a string, a list or an object (a policy document). */
  resolve(value: any): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return this.intrinsic(keys[0]!, value[keys[0]!]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** A value that must resolve to a string. */
  string(value: any): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`${this.stack.id}: ${JSON.stringify(value)} does not resolve to a string`);
    return resolved;
  }

  private intrinsic(name: string, arg: any): any {
    switch (name) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': return this.getAtt(...(typeof arg === 'string' ? arg.split('.') as [string, string] : arg as [string, string]));
      case 'Fn::Join': return (this.resolve(arg[1]) as any[]).map((p) => this.asString(p)).join(arg[0]);
      case 'Fn::Select': return (this.resolve(arg[1]) as any[])[Number(this.resolve(arg[0]))];
      case 'Fn::Split': return this.string(arg[1]).split(arg[0]);
      case 'Fn::Sub': return this.sub(...(typeof arg === 'string' ? [arg, {}] as [string, Record<string, any>] : arg as [string, Record<string, any>]));
      case 'Fn::ImportValue': return this.importValue(this.string(arg));
      default: throw new Error(`${this.stack.id}: intrinsic ${name} is not resolved by the permission checks`);
    }
  }

  private asString(value: any): string {
    if (typeof value !== 'string') throw new Error(`${this.stack.id}: ${JSON.stringify(value)} is not a string`);
    return value;
  }

  private sub(template: string, variables: Record<string, any>): string {
    return template.replace(/\$\{([^}!]+)\}/g, (_, variable: string) => {
      if (variable in variables) return this.string(variables[variable]);
      const [id, attribute] = variable.split('.');
      return attribute ? this.asString(this.getAtt(id!, attribute)) : this.asString(this.ref(id!));
    });
  }

  private importValue(name: string): any {
    for (const stack of this.app) {
      const resolver = new StackResolver(stack, this.app);
      for (const output of Object.values<any>(stack.template.Outputs ?? {})) {
        if (output.Export && resolver.resolve(output.Export.Name) === name) return resolver.resolve(output.Value);
      }
    }
    throw new Error(`${this.stack.id}: no stack exports ${name}`);
  }

  private arn(service: string, resource: string, region = this.stack.region, account = this.stack.account): string {
    return `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;
  }

  private resource(id: string): any {
    const resource = this.resources[id];
    if (!resource) throw new Error(`${this.stack.id}: no resource ${id}`);
    return resource;
  }

  /** The name CloudFormation gives a resource with no name of its own (without its random suffix). */
  generatedName(id: string, maxLength = 64): string {
    return `${this.stack.stackName}-${id}`.slice(0, maxLength);
  }

  /** The physical name of a resource. */
  physicalName(id: string): string {
    const { Type: type, Properties: p = {} } = this.resource(id);
    const named = (property: string, maxLength?: number) =>
      (p[property] !== undefined ? this.string(p[property]) : this.generatedName(id, maxLength));
    switch (type) {
      case 'AWS::S3::Bucket': return p.BucketName !== undefined ? this.string(p.BucketName) : this.generatedName(id, 63).toLowerCase();
      case 'AWS::IAM::Role': return named('RoleName');
      case 'AWS::SNS::Topic': return named('TopicName', 256);
      case 'AWS::SQS::Queue': return named('QueueName', 80);
      case 'AWS::Lambda::Function': return named('FunctionName');
      case 'AWS::StepFunctions::StateMachine': return named('StateMachineName', 80);
      case 'AWS::Logs::LogGroup': return named('LogGroupName', 512);
      case 'AWS::Events::Rule': return named('Name');
      case 'AWS::Scheduler::Schedule': return named('Name');
      case 'AWS::Glue::Crawler': return named('Name');
      case 'AWS::Glue::SecurityConfiguration': return named('Name');
      case 'AWS::Athena::WorkGroup': return named('Name', 128);
      case 'AWS::Athena::DataCatalog': return named('Name', 128);
      case 'AWS::CloudWatch::Alarm': return named('AlarmName', 255);
      case 'AWS::KMS::Key': return `key-${id.toLowerCase()}`;
      case 'AWS::EC2::SecurityGroup': return `sg-${id.toLowerCase()}`;
      default: return this.generatedName(id);
    }
  }

  private ref(id: string): any {
    switch (id) {
      case 'AWS::Partition': return PARTITION;
      case 'AWS::Region': return this.stack.region;
      case 'AWS::AccountId': return this.stack.account;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stack.stackName;
      default:
    }
    if (this.stack.template.Parameters?.[id]) return this.stack.template.Parameters[id].Default ?? `parameter-${id}`;
    const { Type: type, Properties: p = {} } = this.resource(id);
    const name = this.physicalName(id);
    switch (type) {
      case 'AWS::SNS::Topic': return this.arn('sns', name);
      case 'AWS::SQS::Queue': return `https://sqs.${this.stack.region}.amazonaws.com/${this.stack.account}/${name}`;
      case 'AWS::StepFunctions::StateMachine': return this.arn('states', `stateMachine:${name}`);
      case 'AWS::IAM::OIDCProvider': return `arn:${PARTITION}:iam::${this.stack.account}:oidc-provider/${this.string(p.Url).replace(/^https:\/\//, '')}`;
      default: return name;
    }
  }

  private getAtt(id: string, attribute: string): any {
    const { Type: type } = this.resource(id);
    const name = this.physicalName(id);
    const arns: Record<string, () => string> = {
      'AWS::S3::Bucket': () => `arn:${PARTITION}:s3:::${name}`,
      'AWS::IAM::Role': () => `arn:${PARTITION}:iam::${this.stack.account}:role/${name}`,
      'AWS::SQS::Queue': () => this.arn('sqs', name),
      'AWS::Lambda::Function': () => this.arn('lambda', `function:${name}`),
      'AWS::StepFunctions::StateMachine': () => this.arn('states', `stateMachine:${name}`),
      'AWS::KMS::Key': () => this.arn('kms', `key/${name}`),
      'AWS::Logs::LogGroup': () => this.arn('logs', `log-group:${name}:*`),
      'AWS::Events::Rule': () => this.arn('events', `rule/${name}`),
      'AWS::Scheduler::Schedule': () => this.arn('scheduler', `schedule/default/${name}`),
      'AWS::CloudWatch::Alarm': () => this.arn('cloudwatch', `alarm:${name}`),
      'AWS::SNS::Topic': () => this.arn('sns', name),
    };
    if (attribute === 'Arn' && arns[type]) return arns[type]();
    if (type === 'AWS::SQS::Queue' && attribute === 'QueueName') return name;
    if (type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return this.ref(id);
    if (type === 'AWS::SNS::Topic' && attribute === 'TopicName') return name;
    if (type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') return name;
    if (type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return name;
    throw new Error(`${this.stack.id}: Fn::GetAtt ${type}.${attribute} (${id}) is not resolved by the permission checks`);
  }
}

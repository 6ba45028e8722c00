// Every policy of a synthesized app, with its intrinsics resolved: each role's trust policy and the
// identity policies attached to it, and the resource policies of buckets, keys, topics, queues and
// functions, keyed by the ARN of the resource they protect.
import { PARTITION, StackResolver, StackTemplate } from './resolve';

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: any[];
}

/** A role of the app and every identity policy attached to it. */
export interface RoleOfApp {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  /** Undefined for a role the app does not create (a user's analysts role) but attaches a policy to. */
  readonly trust: PolicyDocument | undefined;
  readonly policies: { readonly name: string; readonly document: PolicyDocument }[];
}

/** A policy document and where it comes from, for the reference-data checks. */
export interface LabelledPolicy {
  readonly label: string;
  readonly kind: 'identity' | 'resource' | 'trust';
  readonly document: PolicyDocument;
}

export interface AppPolicies {
  readonly stacks: readonly StackTemplate[];
  readonly roles: RoleOfApp[];
  /** Resource policies by the ARN of the resource (bucket, key, topic, queue, function). */
  readonly resourcePolicies: Map<string, PolicyDocument>;
  readonly resolvers: Map<string, StackResolver>;
}

/** Reads every role and resource policy of an app's templates. */
export function policiesOf(stacks: readonly StackTemplate[]): AppPolicies {
  const resolvers = new Map(stacks.map((stack) => [stack.id, new StackResolver(stack, stacks)]));
  const roles: RoleOfApp[] = [];
  const resourcePolicies = new Map<string, PolicyDocument>();
  const addResourceStatements = (arn: string, statements: any[]) => {
    const existing = resourcePolicies.get(arn);
    resourcePolicies.set(arn, { Version: '2012-10-17', Statement: [...(existing?.Statement ?? []), ...statements] });
  };
  for (const stack of stacks) {
    const resolver = resolvers.get(stack.id)!;
    for (const [id, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      const p = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Role') {
        const name = resolver.physicalName(id);
        roles.push({
          stack,
          logicalId: id,
          name,
          arn: resolver.string({ 'Fn::GetAtt': [id, 'Arn'] }),
          description: p.Description ?? '',
          trust: resolver.resolve(p.AssumeRolePolicyDocument),
          policies: (p.Policies ?? []).map((policy: any) => ({ name: `${id}/${policy.PolicyName}`, document: resolver.resolve(policy.PolicyDocument) })),
        });
      }
    }
  }
  for (const stack of stacks) {
    const resolver = resolvers.get(stack.id)!;
    for (const [id, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      const p = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy':
          for (const roleName of resolver.resolve(p.Roles ?? []) as string[]) {
            let role = roles.find((r) => r.name === roleName && r.stack.account === stack.account);
            if (!role) {
              const arn = `arn:${PARTITION}:iam::${stack.account}:role/${roleName}`;
              role = { stack, logicalId: roleName, name: roleName, arn, description: 'a role of the account', trust: undefined, policies: [] };
              roles.push(role);
            }
            role.policies.push({ name: `${stack.id}/${id}`, document: resolver.resolve(p.PolicyDocument) });
          }
          break;
        case 'AWS::S3::BucketPolicy':
          addResourceStatements(`arn:${PARTITION}:s3:::${resolver.string(p.Bucket)}`, resolver.resolve(p.PolicyDocument).Statement);
          break;
        case 'AWS::KMS::Key':
          addResourceStatements(resolver.string({ 'Fn::GetAtt': [id, 'Arn'] }), resolver.resolve(p.KeyPolicy).Statement);
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const topic of resolver.resolve(p.Topics) as string[]) addResourceStatements(topic, resolver.resolve(p.PolicyDocument).Statement);
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const url of resolver.resolve(p.Queues) as string[]) {
            addResourceStatements(queueArnOfUrl(url), resolver.resolve(p.PolicyDocument).Statement);
          }
          break;
        case 'AWS::Lambda::Permission': {
          const target = resolver.string(p.FunctionName);
          const arn = target.startsWith('arn:') ? target : `arn:${PARTITION}:lambda:${stack.region}:${stack.account}:function:${target}`;
          const condition: Record<string, any> = {};
          if (p.SourceArn) condition.ArnLike = { 'aws:SourceArn': resolver.string(p.SourceArn) };
          if (p.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': resolver.string(p.SourceAccount) };
          const principal = resolver.string(p.Principal);
          addResourceStatements(arn, [{
            Sid: id,
            Effect: 'Allow',
            Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
            Action: resolver.string(p.Action),
            Resource: arn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          }]);
          break;
        }
        default:
      }
    }
  }
  return { stacks, roles, resourcePolicies, resolvers };
}

/** `https://sqs.eu-west-1.amazonaws.com/111111111111/name` → `arn:aws:sqs:eu-west-1:111111111111:name`. */
export function queueArnOfUrl(url: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/(.+)$/.exec(url);
  if (!match) throw new Error(`${url} is not an SQS queue URL`);
  return `arn:${PARTITION}:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

/** Every policy document of the app, labelled, for the reference-data checks. */
export function everyPolicy(app: AppPolicies): LabelledPolicy[] {
  return [
    ...app.roles.flatMap((role) => [
      ...(role.trust ? [{ label: `${role.stack.id} ${role.logicalId} trust policy`, kind: 'trust' as const, document: role.trust }] : []),
      ...role.policies.map((policy) => ({ label: `${policy.name} (role ${role.logicalId})`, kind: 'identity' as const, document: policy.document })),
    ]),
    ...[...app.resourcePolicies].map(([arn, document]) => ({ label: `resource policy of ${arn}`, kind: 'resource' as const, document })),
  ];
}

import { synthesized } from '../synthesized';

/**
 * Actions AWS does not let a policy scope to a resource, so `Resource: '*'` is allowed for them, and
 * only for them. Each with why; a new entry shows up in review.
 */
const UNSCOPABLE_ACTIONS: Record<string, string> = {
  'rds:DescribeExportTasks': 'export tasks are not resources in IAM; read-only status of exports',
  'ec2:CreateNetworkInterface': 'Lambda in a VPC (Athena connector): the interface does not exist before it is created',
  'ec2:DescribeNetworkInterfaces': 'Describe actions take no resource',
  'ec2:DescribeSubnets': 'Describe actions take no resource (Lambda in a VPC, AWSLambdaVPCAccessExecutionRole v3)',
  's3:ListAllMyBuckets': 'takes no resource; only for Athena connector releases before 2024.32.1, which check the spill bucket with ListBuckets',
  'ec2:DeleteNetworkInterface': 'Lambda in a VPC manages interfaces it created; their ids are not known at deploy time',
  'ec2:AssignPrivateIpAddresses': 'Lambda in a VPC, as above',
  'ec2:UnassignPrivateIpAddresses': 'Lambda in a VPC, as above',
  'logs:CreateLogDelivery': 'Step Functions log delivery (CDK): log delivery actions take no resource',
  'logs:GetLogDelivery': 'as above',
  'logs:UpdateLogDelivery': 'as above',
  'logs:DeleteLogDelivery': 'as above',
  'logs:ListLogDeliveries': 'as above',
  'logs:PutResourcePolicy': 'as above',
  'logs:DescribeResourcePolicies': 'as above',
  'logs:DescribeLogGroups': 'as above',
  'xray:PutTraceSegments': 'X-Ray tracing takes no resource',
  'xray:PutTelemetryRecords': 'as above',
  'xray:GetSamplingRules': 'as above',
  'xray:GetSamplingTargets': 'as above',
};

/** Which principal each kind of role may trust, by what the role is for. */
const ALLOWED_TRUST = [
  { Service: 'lambda.amazonaws.com' },
  { Service: 'states.amazonaws.com' },
  { Service: 'events.amazonaws.com' },
  { Service: 'scheduler.amazonaws.com' },
  { Service: 'glue.amazonaws.com' },
  { Service: 'export.rds.amazonaws.com' },
];

/** Every template of the fixture app that uses every feature, every stage and the GitHub OIDC stacks. */
function everyTemplate(): { name: string; template: any }[] {
  return synthesized('full').stacks.map((stack) => ({ name: `${stack.stackName} (${stack.account})`, template: stack.template }));
}

function statementsOf(template: any): { resource: string; statement: any }[] {
  const found: { resource: string; statement: any }[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    const docs = [
      resource.Properties?.PolicyDocument,
      ...(resource.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument),
    ].filter(Boolean);
    if (!['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)) continue;
    for (const doc of docs) for (const statement of doc.Statement) found.push({ resource: id, statement });
  }
  return found;
}

const templates = everyTemplate();

describe('IAM audit of every synthesized template', () => {
  test('no Action "*" and no service wildcard such as s3:*', () => {
    const offending = templates.flatMap(({ name, template }) => statementsOf(template)
      .flatMap(({ resource, statement }) => [statement.Action].flat()
        .filter((action: string) => action === '*' || /^[a-z0-9-]+:\*$/.test(action))
        .map((action: string) => `${name} ${resource}: ${action}`)));
    expect(offending).toEqual([]);
  });

  test('Resource "*" only for actions AWS does not let a policy scope', () => {
    const offending = templates.flatMap(({ name, template }) => statementsOf(template)
      .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Resource].flat().includes('*'))
      .flatMap(({ resource, statement }) => [statement.Action].flat()
        .filter((action: string) => !(action in UNSCOPABLE_ACTIONS))
        .map((action: string) => `${name} ${resource}: ${action} on *`)));
    expect(offending).toEqual([]);
  });

  test('no managed policies are attached to any role', () => {
    const attached = templates.flatMap(({ name, template }) => Object.entries<any>(template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.ManagedPolicyArns)
      .map(([id]) => `${name} ${id}`));
    expect(attached).toEqual([]);
  });

  test('every role trusts exactly one service it needs, or GitHub\'s OIDC provider with an exact subject and audience', () => {
    const problems: string[] = [];
    for (const { name, template } of templates) {
      for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::IAM::Role') continue;
        const statements = resource.Properties.AssumeRolePolicyDocument.Statement;
        if (statements.length !== 1) problems.push(`${name} ${id}: ${statements.length} trust statements`);
        const [trust] = statements;
        const principal = trust.Principal;
        if (principal.Federated) {
          const conditions = trust.Condition?.StringEquals ?? {};
          const sub = conditions['token.actions.githubusercontent.com:sub'];
          if (conditions['token.actions.githubusercontent.com:aud'] !== 'sts.amazonaws.com' || typeof sub !== 'string' || sub.includes('*') || trust.Condition.StringLike) {
            problems.push(`${name} ${id}: federated trust without an exact subject and audience`);
          }
        } else if (!ALLOWED_TRUST.some((allowed) => JSON.stringify(allowed) === JSON.stringify(principal))) {
          problems.push(`${name} ${id}: trusts ${JSON.stringify(principal)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('the audit does find what it looks for', () => {
    const template = {
      Resources: {
        P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:SendMessage'], Resource: '*' }] } } },
      },
    };
    const found = statementsOf(template).flatMap(({ statement }) => [statement.Action].flat());
    expect(found.filter((a: string) => /^[a-z0-9-]+:\*$/.test(a))).toEqual(['s3:*']);
    expect(found.filter((a: string) => !(a in UNSCOPABLE_ACTIONS))).toEqual(['s3:*', 'sqs:SendMessage']);
  });
});

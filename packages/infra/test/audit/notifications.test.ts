// Every failure reaches a person: alarms can publish to the stage topic, EventBridge can dead-letter
// triggers, notices are retried, and the workflows alarm on timeouts and bound their wait loops.
import { synthesized } from '../synthesized';

// The `full` fixture's qa stage has every option that adds a queue or a workflow (crawler, Serverless v1, scheduled copies, queries).
const app = synthesized('full');
const stacks = app.stacksOf('Qa');
const account = stacks[0]!.account;
const region = stacks[0]!.region;
const templateOf = (name: string) => app.stack(`Qa/${name}`).template;
const resourcesOf = (template: any, type: string): [string, any][] => Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
/** The one resource of a type (whose logical id starts with `idPrefix`): none, or several, fails the test, naming them. */
const onlyResource = (template: any, type: string, idPrefix = ''): any => {
  const found = resourcesOf(template, type).filter(([id]) => id.startsWith(idPrefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]![1];
};

describe('the stage topic and its key', () => {
  const pipeline = templateOf('ExportPipeline');

  test('the topic policy lets CloudWatch alarms of this account and region publish (it replaces the default policy)', () => {
    const policy = onlyResource(pipeline, 'AWS::SNS::TopicPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${region}:${account}:alarm:*`]] } },
      },
    })]));
  });

  test('the key lets CloudWatch (alarms) and EventBridge (dead letters) use it for this account only', () => {
    const key = onlyResource(pipeline, 'AWS::KMS::Key', 'NotificationsKey');
    const statements = key.Properties.KeyPolicy.Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
        Principal: { Service: service }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': account } },
      })]));
    }
  });
});

describe('dead-letter queues', () => {
  test('every trigger dead-letter queue is encrypted with the customer-managed notifications key, never alias/aws/sqs', () => {
    const queues = stacks.flatMap(({ id: stackId, template }) => resourcesOf(template, 'AWS::SQS::Queue').map(([id, q]) => ({ where: `${stackId.slice(3)}/${id}`, key: q.Properties.KmsMasterKeyId })));
    expect(queues.map((q) => q.where).sort()).toEqual(['DisasterRecovery/TriggerDeadLetters', 'ExportPipeline/TriggerDeadLetters', 'ScheduledQueries/ScheduleDeadLetters'].map((p) => expect.stringMatching(new RegExp(`^${p}`))));
    for (const queue of queues) expect(JSON.stringify(queue.key)).toMatch(/NotificationsKey/);
  });
});

describe('workflows', () => {
  const machines = stacks.flatMap(({ id: stackId, template }) => resourcesOf(template, 'AWS::StepFunctions::StateMachine')
    .map(([id, m]) => ({ where: `${stackId}/${id}`, definition: JSON.parse(JSON.stringify(m.Properties.DefinitionString)) })));
  const statesOf = (definition: any): [string, any][] => {
    const text = typeof definition === 'string' ? definition : definition['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'x')).join('');
    const all: [string, any][] = [];
    const walk = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        all.push([name, state]);
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
        if (state.Iterator) walk(state.Iterator.States);
      }
    };
    walk(JSON.parse(text).States);
    return all;
  };

  test('every SNS publish task retries', () => {
    const publishes = machines.flatMap(({ where, definition }) => statesOf(definition)
      .filter(([, s]) => String(s.Resource ?? '').includes('sns:publish') || JSON.stringify(s.Resource ?? '').includes('sns:publish'))
      .map(([name, s]) => ({ where: `${where} ${name}`, retry: s.Retry })));
    expect(publishes.length).toBeGreaterThanOrEqual(5);
    for (const publish of publishes) expect(publish).toEqual({ where: publish.where, retry: [expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 5 })] });
  });

  test('each workflow alarms on timed-out executions, to the stage topic', () => {
    for (const id of ['ExportPipeline', 'DisasterRecovery', 'ScheduledQueries']) {
      const alarms = resourcesOf(templateOf(id), 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'ExecutionsTimedOut');
      expect({ id, alarms: alarms.length }).toEqual({ id, alarms: 1 });
      expect(JSON.stringify(alarms[0]![1].Properties.AlarmActions)).toMatch(/Notifications/);
    }
  });
});

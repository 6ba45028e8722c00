// Every failure reaches a person: alarms can publish to the stage topic, EventBridge can dead-letter
// triggers, notices are retried, and the workflows alarm on timeouts and bound their wait loops.
import { EVERY_OPTION_CONFIG, synthesize } from './fixtures';

const fixture = synthesize('every option', EVERY_OPTION_CONFIG);
const templateOf = (id: string) => fixture.stacks.find(({ stack }) => stack.node.id === id)!.template;
const resourcesOf = (template: any, type: string): [string, any][] => Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);

describe('the stage topic and its key', () => {
  const pipeline = templateOf('ExportPipeline');

  test('the topic policy lets CloudWatch alarms of this account and region publish (it replaces the default policy)', () => {
    const [[, policy]] = resourcesOf(pipeline, 'AWS::SNS::TopicPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '222222222222' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:222222222222:alarm:*']] } },
      },
    })]));
  });

  test('the key lets CloudWatch (alarms) and EventBridge (dead letters) use it for this account only', () => {
    const [[, key]] = resourcesOf(pipeline, 'AWS::KMS::Key').filter(([id]) => id.startsWith('NotificationsKey'));
    const statements = key.Properties.KeyPolicy.Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
        Principal: { Service: service }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
      })]));
    }
  });
});

describe('dead-letter queues', () => {
  test('every trigger dead-letter queue is encrypted with the customer-managed notifications key, never alias/aws/sqs', () => {
    const queues = fixture.stacks.flatMap(({ stack, template }) => resourcesOf(template, 'AWS::SQS::Queue').map(([id, q]) => ({ where: `${stack.node.id}/${id}`, key: q.Properties.KmsMasterKeyId })));
    expect(queues.map((q) => q.where).sort()).toEqual(['DisasterRecovery/TriggerDeadLetters', 'ExportPipeline/TriggerDeadLetters', 'ScheduledQueries/ScheduleDeadLetters'].map((p) => expect.stringMatching(new RegExp(`^${p}`))));
    for (const queue of queues) expect(JSON.stringify(queue.key)).toMatch(/NotificationsKey/);
  });
});

describe('workflows', () => {
  const machines = fixture.stacks.flatMap(({ stack, template }) => resourcesOf(template, 'AWS::StepFunctions::StateMachine')
    .map(([id, m]) => ({ where: `${stack.node.id}/${id}`, definition: JSON.parse(JSON.stringify(m.Properties.DefinitionString)) })));
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

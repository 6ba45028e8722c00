// Every failure reaches a person, walked from the synthesized templates of every stage of every fixture
// (`full` has every feature): each workflow state that can fail has a Catch whose every path ends at a publish to the
// stage topic or at a Fail state (an execution failure, which is alarmed); each workflow alarms on
// failed and timed-out executions; each trigger (EventBridge rule, Scheduler schedule) has a
// dead-letter queue; each function invoked asynchronously sends failed events to an alarmed queue;
// each queue alarms on visible messages. The walk knows no state or function by name: a new one
// without a way to a person fails it.
import { alarmState, SynthesizedAlarm } from '../alarm-model';
import { stateMachinesOf, statesOf, SynthesizedStateMachine } from '../state-machines';
import { fixtureNames, SynthesizedApp, synthesized, SynthesizedStack } from '../synthesized';
import { resolveValue } from '../template-values';

const stagesOf = (app: SynthesizedApp) => [...new Set(app.stacks.map((s) => s.stage).filter((s): s is string => s !== undefined))];
const cases = fixtureNames().flatMap((name) => stagesOf(synthesized(name)).map((stage) => [name, stage] as const));

interface Resource {
  readonly where: string;
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  /** Properties with every reference resolved. */
  readonly props: Record<string, any>;
  /** What `Ref` and `Fn::GetAtt ... Arn` of it resolve to. */
  readonly ref: string | undefined;
  readonly arn: string | undefined;
}

/** The resources of a type in the stage's stacks, resolved. */
function resourcesOf(app: SynthesizedApp, stage: string, type: string): Resource[] {
  return app.stacksOf(stage).flatMap((stack) => Object.entries<any>(stack.template.Resources ?? {})
    .filter(([, r]) => r.Type === type)
    .map(([logicalId, r]) => ({
      where: `${stack.id}/${logicalId}`,
      stack,
      logicalId,
      props: resolveValue(app, stack, r.Properties ?? {}),
      ref: attributeOrUndefined(app, stack, logicalId, 'Ref'),
      arn: attributeOrUndefined(app, stack, logicalId, 'Arn'),
    })));
}

function attributeOrUndefined(of: SynthesizedApp, stack: SynthesizedStack, logicalId: string, attribute: string): string | undefined {
  try {
    return resolveValue(of, stack, attribute === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, attribute] });
  } catch {
    return undefined;
  }
}

/** Whether an alarm goes off on a single data point of 1 (one failed execution, one message) and notifies `topicArn`. */
function firesOnOne(alarm: Resource, topicArn: string): boolean {
  const at = Date.UTC(2026, 10, 22, 3, 0);
  const period = alarm.props.Period * 1000;
  const fired = alarmState(alarm.props as SynthesizedAlarm, [{ time: at - period / 2, value: 1 }], at) === 'ALARM';
  return fired && (alarm.props.AlarmActions ?? []).includes(topicArn);
}

const PUBLISH = /^arn:aws[a-z-]*:states:::sns:publish$/;
const CAN_FAIL = new Set(['Task', 'Map', 'Parallel']);

/**
 * How each way out of a failing state ends, per the States Language: a Catch leads to its Next; an error
 * no Catch matches fails the execution, or, inside a Map, the Map state (whose own Catch then applies).
 * A path reaches a person at a publish to the stage topic, or at a Fail state (an alarmed execution
 * failure; inside a Map, the Map fails), or back at the failing state (tried again). It is lost where it
 * ends in success (Succeed, End) first.
 */
export function unnotifiedFailures(definition: Record<string, any>, topicArn: string): string[] {
  const problems: string[] = [];
  const notifies = (state: Record<string, any>) => PUBLISH.test(String(state.Resource)) && state.Parameters?.TopicArn === topicArn;
  const walk = (from: string, name: string, scope: Record<string, any>, seen: Set<string>) => {
    if (seen.has(name)) return;
    seen.add(name);
    const state = scope[name];
    if (!state) return void problems.push(`${from} leads to ${name}, which does not exist`);
    if (notifies(state) || state.Type === 'Fail') return;
    if (state.Type === 'Succeed' || state.End === true) return void problems.push(`${from} ends at ${name} without reaching the topic or a Fail state`);
    if (state.Type === 'Choice') {
      for (const next of [...(state.Choices ?? []).map((c: any) => c.Next), ...(state.Default ? [state.Default] : [])]) walk(from, next, scope, seen);
      return;
    }
    walk(from, state.Next, scope, seen);
  };
  for (const { name, state, scope, parentMap } of statesOf(definition)) {
    if (!CAN_FAIL.has(state.Type)) continue;
    // A path back to the failing state tries it again (after making room, say): its failures are this same check.
    for (const c of state.Catch ?? []) walk(`the Catch of ${name} (${c.ErrorEquals.join(', ')})`, c.Next, scope, new Set([name]));
    const catchesAll = (state.Catch ?? []).some((c: any) => c.ErrorEquals.includes('States.ALL'));
    // Uncaught: a publish's own failure fails the execution (alarmed); inside a Map, the Map's Catch applies.
    if (!catchesAll && !notifies(state) && parentMap === undefined) problems.push(`${name} has no Catch for States.ALL`);
  }
  return problems;
}

describe.each(cases)('fixture %s, stage %s', (fixture, stage) => {
  const app = synthesized(fixture);
  const everyFeature = fixture === 'full';
  const topics = resourcesOf(app, stage, 'AWS::SNS::Topic');
  const topicArn = topics[0]!.ref!;
  const alarms = resourcesOf(app, stage, 'AWS::CloudWatch::Alarm');
  const machines = stateMachinesOf(app).filter((m) => m.stack.stage === stage);
  const queues = resourcesOf(app, stage, 'AWS::SQS::Queue');
  const alarmedQueues = queues.filter((q) => alarms.some((a) => a.props.Namespace === 'AWS/SQS' && a.props.MetricName === 'ApproximateNumberOfMessagesVisible'
    && a.props.Dimensions.some((d: any) => d.Name === 'QueueName' && d.Value === attributeOrUndefined(app, q.stack, q.logicalId, 'QueueName'))
    && firesOnOne(a, topicArn)));
  const reachesPerson = (arn: string | undefined) => arn === topicArn || alarmedQueues.some((q) => q.arn === arn);

  test('has one notifications topic, and workflows and queues to check', () => {
    expect(topics.map((t) => t.where)).toEqual([expect.stringMatching(/ExportPipeline\/Notifications/)]);
    expect(machines.length).toBeGreaterThanOrEqual(everyFeature ? 3 : 1);
    expect(queues.length).toBeGreaterThanOrEqual(everyFeature ? 3 : 1);
  });

  test.each(machines.map((m) => [m.where, m] as const))('every failure of %s reaches the topic or an alarmed Fail state', (_where, machine) => {
    expect(unnotifiedFailures(machine.definition, topicArn)).toEqual([]);
  });

  test.each(machines.map((m) => [m.where, m] as const))('%s has a timeout, and alarms on failed and timed-out executions', (_where, machine: SynthesizedStateMachine) => {
    const arn = resolveValue(app, machine.stack, { Ref: machine.logicalId });
    const alarmedOn = (metric: string) => alarms.filter((a) => a.props.Namespace === 'AWS/States' && a.props.MetricName === metric
      && a.props.Dimensions.some((d: any) => d.Name === 'StateMachineArn' && d.Value === arn) && firesOnOne(a, topicArn)).length;
    expect({ timeoutSeconds: machine.definition.TimeoutSeconds, failed: alarmedOn('ExecutionsFailed'), timedOut: alarmedOn('ExecutionsTimedOut') })
      .toEqual({ timeoutSeconds: expect.any(Number), failed: 1, timedOut: 1 });
  });

  test('every queue (each is a dead-letter queue or failure destination) alarms on its first visible message, to the topic', () => {
    expect(queues.map((q) => q.where).filter((where) => !alarmedQueues.some((q) => q.where === where))).toEqual([]);
  });

  test('every EventBridge rule target and Scheduler schedule has an alarmed dead-letter queue and bounded retries', () => {
    const targets = [
      ...resourcesOf(app, stage, 'AWS::Events::Rule').flatMap((rule) => rule.props.Targets.map((t: any) => ({
        where: `${rule.where} -> ${t.Id}`, deadLetters: t.DeadLetterConfig?.Arn, retries: t.RetryPolicy?.MaximumRetryAttempts,
      }))),
      ...resourcesOf(app, stage, 'AWS::Scheduler::Schedule').map((s) => ({
        where: s.where, deadLetters: s.props.Target.DeadLetterConfig?.Arn, retries: s.props.Target.RetryPolicy?.MaximumRetryAttempts,
      })),
    ];
    if (everyFeature) expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const target of targets) {
      expect({ ...target, alarmed: reachesPerson(target.deadLetters) }).toEqual({ ...target, alarmed: true, retries: expect.any(Number) });
    }
  });

  test('every function is run by a workflow of the stage or invoked asynchronously with failures sent to an alarmed queue', () => {
    const functions = resourcesOf(app, stage, 'AWS::Lambda::Function');
    const tasks = new Set(machines.flatMap((m) => statesOf(m.definition).map(({ state }) => state.Parameters?.FunctionName ?? state.Resource)));
    const invokeConfigs = resourcesOf(app, stage, 'AWS::Lambda::EventInvokeConfig');
    const asyncInvoked = new Set(resourcesOf(app, stage, 'AWS::Lambda::Permission')
      .filter((p) => ['events.amazonaws.com', 'scheduler.amazonaws.com', 's3.amazonaws.com', 'sns.amazonaws.com'].includes(p.props.Principal))
      .map((p) => p.props.FunctionName));
    const coverage = functions.map((fn) => {
      if (asyncInvoked.has(fn.arn) || asyncInvoked.has(fn.ref)) {
        const config = invokeConfigs.find((c) => c.props.FunctionName === fn.ref)?.props;
        const onFailure = config?.DestinationConfig?.OnFailure?.Destination;
        const bounded = config?.MaximumRetryAttempts !== undefined && config.MaximumEventAgeInSeconds !== undefined;
        return { where: fn.where, how: reachesPerson(onFailure) && bounded ? 'async, failures alarmed' : `async, failures lost (${JSON.stringify(config ?? 'no EventInvokeConfig')})` };
      }
      return { where: fn.where, how: [...tasks].some((t) => t === fn.arn || t === fn.ref || String(t).startsWith(`${fn.arn}:`)) ? 'workflow task' : 'no known invoker' };
    });
    expect(coverage.filter((c) => c.how !== 'workflow task' && c.how !== 'async, failures alarmed')).toEqual([]);
    if (everyFeature) expect(coverage.filter((c) => c.how === 'async, failures alarmed').length).toBeGreaterThanOrEqual(2);
  });
});

describe('the walk', () => {
  const app = synthesized('full');
  const [machine] = stateMachinesOf(app).filter((m) => m.where.endsWith('ScheduledQueries/RunsE45A2291'));
  const topicArn = resourcesOf(app, machine!.stack.stage!, 'AWS::SNS::Topic')[0]!.ref!;
  const changed = (change: (states: Record<string, any>) => void) => {
    const definition = structuredClone(machine!.definition);
    change(definition.States);
    return unnotifiedFailures(definition, topicArn);
  };

  test('finds nothing on the real definition', () => {
    expect(changed(() => undefined)).toEqual([]);
  });

  test('finds a task with no Catch', () => {
    expect(changed((states) => { delete states['Check query'].Catch; })).toEqual(['Check query has no Catch for States.ALL']);
  });

  test('finds a Catch that ends in success', () => {
    expect(changed((states) => { states['Check query'].Catch[0].Next = 'Done'; })).toEqual([expect.stringMatching(/Catch of Check query .* ends at Done/)]);
  });

  test('finds a publish to another topic', () => {
    expect(changed((states) => { states['Notify failure'].Parameters.TopicArn = `${topicArn}-other`; })).toEqual(
      expect.arrayContaining([expect.stringMatching(/ends at Failed|Notify failure has no Catch/)]),
    );
  });
});

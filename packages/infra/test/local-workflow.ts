// Runs a synthesized state machine locally with aws-local-stepfunctions: the definition is read from
// the template (CloudFormation references replaced by plausible ARNs) and every task is answered by a
// local handler, with waits and retry intervals set to zero.
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { zeroDelaysOf } from './state-machines';

/** The state machine definition of a template, parsed. */
export function definitionOf(template: Template, account = '111111111111'): Record<string, any> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as { Properties: { DefinitionString: unknown } }[];
  const render = (part: any): string => {
    if (typeof part === 'string') return part;
    if (part['Fn::GetAtt']) return `arn:aws:lambda:eu-west-1:${account}:function:${part['Fn::GetAtt'][0]}`;
    if (part.Ref === 'AWS::Partition') return 'aws';
    return `arn:aws:sns:eu-west-1:${account}:topic`;
  };
  const definition = machine!.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  return JSON.parse(typeof definition === 'string' ? definition : definition['Fn::Join'][1].map(render).join(''));
}

export interface LocalRun {
  /** The input each task state received, by state name. */
  readonly calls: Record<string, any[]>;
  /** The execution's error when it failed (a Fail state or an uncaught error). */
  readonly error: unknown;
}

const machines = new WeakMap<Record<string, any>, StateMachine>();

/** What the runner passes between states: JSON (aws-local-stepfunctions does not export the type). */
type Json = Parameters<StateMachine['run']>[0];

/**
 * A value as Step Functions receives it: serialized to JSON, as StartExecution's input is and as Lambda
 * serializes a handler's result (a handler that returns nothing gives `null`).
 */
const asJson = (value: unknown): Json => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/**
 * The runner's state machine of a definition, made once. The runner does not validate it: every
 * definition run here is a fixture app's, and audit/state-machine-definitions.test.ts checks each of
 * those with asl-validator, Resource ARNs included (the runner's own check, without them, cost ~0.3 s
 * of compiling the validator's schemas in every test file that runs a workflow).
 */
function machineOf(definition: Record<string, any>): StateMachine {
  let machine = machines.get(definition);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    machines.set(definition, machine);
  }
  return machine;
}

/** Executes the definition with the handlers standing in for its tasks. */
export async function runLocally(
  definition: Record<string, any>, input: unknown, handlers: Record<string, (input: any) => unknown>,
): Promise<LocalRun> {
  const calls: Record<string, any[]> = {};
  const { waits, retries } = zeroDelaysOf(definition);
  const machine = machineOf(definition);
  const executionInput = asJson(input);
  const execution = machine.run(executionInput, {
    // What Step Functions puts in the context object; the runner's default has no execution id.
    context: { Execution: { Id: 'arn:aws:states:eu-west-1:111111111111:execution:exports:test', Name: 'test', Input: executionInput, StartTime: '2026-11-21T03:10:00Z' } },
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, async (stateInput: Json) => {
        (calls[name] ??= []).push(stateInput);
        return asJson(await handler(stateInput));
      }])),
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
  });
  let error: unknown;
  try {
    await execution.result;
  } catch (e) {
    error = e;
  }
  return { calls, error };
}

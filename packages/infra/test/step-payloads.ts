// Runs a synthesized state machine locally (aws-local-stepfunctions) with the real handlers of
// @snaplake/functions behind its Lambda tasks, and records the size of what each state receives and
// passes on, and of each task's raw result: Step Functions fails a run whose state input, state output
// or task result is over 256 KiB (States.DataLimitExceeded, counted in UTF-8 bytes).
import { StateMachine } from 'aws-local-stepfunctions';
import { statesOf, zeroDelaysOf } from './state-machines';
import type { SynthesizedApp, SynthesizedStack } from './synthesized';
import { resolveValue } from './template-values';

/** Step Functions' limit on a state's input, output and a task's result (Step Functions developer guide, "Quotas"). */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');

/** The largest payload seen, per state and kind (input, output, result). */
export type PayloadSizes = Record<string, number>;

type Handler = (input: any) => Promise<unknown>;

/** What the runner passes between states: JSON (aws-local-stepfunctions does not export the type). */
type Json = Parameters<StateMachine['run']>[0];

/**
 * A value as Step Functions receives it: serialized to JSON, as StartExecution's input is and as Lambda
 * serializes a handler's result (a handler that returns nothing gives `null`).
 */
const asJson = (value: unknown): Json => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/**
 * The handler module of each Lambda function of a stack, by function ARN: found from the role of the
 * function, which SnaplakeFunction describes as "Runs the snaplake <handler> handler".
 */
export function handlersOf(app: SynthesizedApp, stack: SynthesizedStack): Map<string, { handler: string; environment: Record<string, string> }> {
  const resources = stack.template.Resources as Record<string, any>;
  const found = new Map<string, { handler: string; environment: Record<string, string> }>();
  for (const [logicalId, fn] of Object.entries(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const role = resources[fn.Properties.Role['Fn::GetAtt'][0]];
    const handler = /^Runs the snaplake (\S+) handler$/.exec(role?.Properties?.Description ?? '')?.[1];
    if (!handler) continue;
    found.set(resolveValue(app, stack, { 'Fn::GetAtt': [logicalId, 'Arn'] }), {
      handler,
      // With what Lambda sets itself (AWS_REGION: the function's region).
      environment: { AWS_REGION: stack.region, ...resolveValue(app, stack, fn.Properties.Environment?.Variables ?? {}) },
    });
  }
  return found;
}

/**
 * Answers every call of an SDK client class from `answers`, by command: the handlers' own clients, whatever
 * they were made with. (aws-sdk-client-mock matches each call against sinon matchers: ~0.2 ms a call, and
 * this run makes ~80,000 calls.) A command with no answer fails the run, naming it. The spy keeps no
 * record of the calls, which nothing reads: kept, ~80,000 commands and their answers slow every garbage collection.
 */
export function answerCalls(client: { prototype: { send: unknown } }, answers: [unknown, (input: any) => unknown][]) {
  const byCommand = new Map(answers);
  const send = jest.spyOn(client.prototype as { send: (command: any) => Promise<unknown> }, 'send');
  send.mockImplementation(async (command: any) => {
    send.mockClear();
    const answer = byCommand.get(command.constructor);
    if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
    return answer(command.input);
  });
}

/**
 * Calls a handler of @snaplake/functions with its function's environment, as Lambda would. The handlers
 * read their environment before their first await, so the iterations of an inline Map (run at once) each see their own.
 */
export function lambdaHandler(name: string, environment: Record<string, string>): Handler {
  return async (input) => {
    const saved = { ...process.env };
    Object.assign(process.env, environment);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(`@snaplake/functions/lib/handlers/${name}`) as { handler: Handler };
      return await module.handler(structuredClone(input));
    } finally {
      for (const key of Object.keys(environment)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  };
}

export interface PayloadRun {
  readonly sizes: PayloadSizes;
  /** The input of each task state, last call. */
  readonly inputs: Record<string, any>;
  /** The raw result of each task state, last call. */
  readonly results: Record<string, any>;
  readonly error: unknown;
  readonly output: unknown;
}

/**
 * Runs `definition` with a handler per task state (by name; Lambda tasks default to the function's
 * real handler), waits and retries at zero, and records the largest input, output and result of every state.
 */
export async function runMeasured(
  definition: Record<string, any>, input: unknown, taskHandlers: Record<string, Handler>,
  functions: Map<string, { handler: string; environment: Record<string, string> }>,
): Promise<PayloadRun> {
  const sizes: PayloadSizes = {};
  const inputs: Record<string, any> = {};
  const results: Record<string, any> = {};
  const note = (key: string, value: unknown) => {
    sizes[key] = Math.max(sizes[key] ?? 0, bytesOf(value));
  };
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  const { waits, retries } = zeroDelaysOf(definition);
  for (const { name, state } of statesOf(definition).filter((entry) => entry.state.Type === 'Task')) {
    const fn = functions.get(state.Parameters?.FunctionName ?? state.Resource);
    const handler = taskHandlers[name] ?? (fn && lambdaHandler(fn.handler, fn.environment));
    if (!handler) throw new Error(`no handler for task state '${name}' (${state.Resource})`);
    handlers[name] = async (taskInput) => {
      inputs[name] = taskInput;
      const result = await handler(taskInput);
      results[name] = result;
      note(`${name}: result`, result);
      return asJson(result);
    };
  }
  let machine = machines.get(definition);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    machines.set(definition, machine);
  }
  const executionInput = asJson(input);
  const execution = machine.run(executionInput, {
    context: { Execution: { Id: 'arn:aws:states:us-east-1:555555555555:execution:exports:test', Name: 'test', Input: executionInput, StartTime: '2026-11-22T03:10:00Z' } },
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
  });
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') note(`${event.state.name}: input`, event.state.input);
      if (event.type === 'StateExited') note(`${event.state.name}: output`, event.state.output);
    }
  })();
  let error: unknown;
  let output: unknown;
  try {
    output = await execution.result;
  } catch (e) {
    error = e;
  }
  await events;
  return { sizes, inputs, results, error, output };
}

// A runner's state machine per definition, made once (a map's item processor runs many times). The runner does not
// validate it: the definitions run here are the fixture apps', which audit/state-machine-definitions.test.ts checks
// with asl-validator, or parts of them (a map's item processor, or one with its Distributed Map replaced by a task),
// or a test's own small one. Its check would compile the validator's schemas again in each file (~0.2 s).
const machines = new WeakMap<Record<string, any>, StateMachine>();

/** The sizes over the limit, `state: kind = bytes`. */
export function overLimit(sizes: PayloadSizes): string[] {
  return Object.entries(sizes).filter(([, bytes]) => bytes > PAYLOAD_LIMIT_BYTES).map(([key, bytes]) => `${key} = ${bytes} bytes`);
}

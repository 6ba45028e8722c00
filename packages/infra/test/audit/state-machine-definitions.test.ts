// Every state machine of every fixture app is a valid Amazon States Language definition, checked by
// asl-validator (the States Language's JSON schemas, JSONPath syntax, transitions to existing states,
// terminal states, Resource ARN formats) on the definition as Step Functions receives it. Machines
// whose definitions differ only in account, region, project and stage names are checked once: the
// test name lists every machine a check covers. The validator compiles its schemas once per options in
// this file, not once per call (test/ajv-compiled-once.ts): 'the check itself' runs after the other
// checks, and finds what a fresh validator finds.
import { stateMachinesOf, SynthesizedStateMachine } from '../state-machines';
import { fixtureNames, synthesized } from '../synthesized';

interface AslFinding {
  readonly 'Error code': string;
  readonly 'Message': string;
}
// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown, options: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errors: AslFinding[] };

/** The validator's findings, one line each (empty when the definition is valid). */
function findingsOf(definition: Record<string, any>, options = { checkPaths: true, checkArn: true }): string[] {
  // The validator annotates the definition it reads (QueryLanguage on each state): it gets a copy.
  const { isValid, errors } = aslValidator(structuredClone(definition), options);
  return isValid ? [] : errors.map((e) => `${e['Error code']}: ${e.Message}`);
}

const machines: SynthesizedStateMachine[] = fixtureNames().flatMap((name) => stateMachinesOf(synthesized(name)).map((m) => ({ ...m, where: `${name}: ${m.where}` })));

test('the fixtures have state machines of every kind (export, copy, scheduled query)', () => {
  const kinds = new Set(machines.map((m) => m.stack.id.split('/').pop()));
  expect([...kinds].sort()).toEqual(['DisasterRecovery', 'ExportPipeline', 'ScheduledQueries']);
});

/** The definition with what varies per stage written as placeholders: equal keys validate alike. */
function shapeOf({ definition, stack }: SynthesizedStateMachine): string {
  return JSON.stringify(definition).replaceAll(stack.account, 'ACCOUNT').replaceAll(stack.region, 'REGION')
    .replace(new RegExp(`\\b${stack.stage}\\b`, 'gi'), 'STAGE');
}
const byShape = new Map<string, SynthesizedStateMachine[]>();
for (const machine of machines) byShape.set(shapeOf(machine), [...(byShape.get(shapeOf(machine)) ?? []), machine]);

test.each([...byShape.values()].map((same) => [same.map((m) => m.where).join(', '), same[0]!] as const))(
  'a valid States Language definition: %s', (_where, machine) => {
    expect(findingsOf(machine.definition)).toEqual([]);
  });

describe('the check itself', () => {
  const [machine] = machines.filter((m) => m.stack.id.endsWith('/ExportPipeline'));
  const broken = (change: (definition: Record<string, any>) => void, options?: Parameters<typeof findingsOf>[1]) => {
    const definition = structuredClone(machine!.definition);
    change(definition);
    return findingsOf(definition, options);
  };
  const aTask = (definition: Record<string, any>) => Object.values<any>(definition.States).find((s) => s.Type === 'Task' && s.Resource.startsWith('arn:'));

  test('finds a transition to a state that does not exist', () => {
    expect(broken((d) => { d.States[d.StartAt].Next = 'No such state'; })).toEqual([expect.stringMatching(/No such state/)]);
  });

  test('finds a malformed result path', () => {
    expect(broken((d) => { d.States[d.StartAt].ResultPath = 'request'; })).not.toEqual([]);
  });

  test('finds a Resource that is not an ARN', () => {
    expect(broken((d) => { aTask(d).Resource = 'lambda:invoke'; })).toEqual([expect.stringMatching(/Resource is invalid/)]);
  });

  test('finds a task without a Resource', () => {
    expect(broken((d) => { delete aTask(d).Resource; })).not.toEqual([]);
  });

  test('checks with the options it is given, each time: an ARN check passes when asked not to check ARNs only', () => {
    const notAnArn = (d: Record<string, any>) => { aTask(d).Resource = 'lambda:invoke'; };
    expect(broken(notAnArn, { checkPaths: true, checkArn: false })).toEqual([]);
    expect(broken(notAnArn, { checkPaths: true, checkArn: true })).not.toEqual([]);
  });
});

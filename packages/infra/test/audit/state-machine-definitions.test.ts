// Every state machine of every fixture app is a valid Amazon States Language definition, checked by
// asl-validator (the States Language's JSON schemas, JSONPath syntax, transitions to existing states,
// terminal states, Resource ARN formats) on the definition as Step Functions receives it. Machines
// whose definitions differ only in account, region, project and stage names are checked once: the
// test name lists every machine a check covers. The validator compiles its schemas once per options in
// this file, not once per call (test/ajv-compiled-once.ts): 'the check itself' runs after the other
// checks, and finds what a fresh validator finds.
import { dirname } from 'node:path';
import { compiledOnceModule } from '../ajv-compiled-once';
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
function findingsOf(definition: Record<string, any>): string[] {
  // The validator annotates the definition it reads (QueryLanguage on each state): it gets a copy.
  const { isValid, errors } = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
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
  const broken = (change: (definition: Record<string, any>) => void) => {
    const definition = structuredClone(machine!.definition);
    change(definition);
    return findingsOf(definition);
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

  test('the validator\'s Ajv answers as a fresh one, with an instance per recipe: another format is another instance', () => {
    const ajvPath = require.resolve('ajv', { paths: [dirname(require.resolve('asl-validator'))] });
    type Ajv = { errors: unknown; validate(key: string, data: unknown): boolean; addFormat(name: string, format: (value: string) => boolean): Ajv };
    const Fresh = jest.requireActual(ajvPath).default as new (options: unknown) => Ajv;
    const CompiledOnce = (compiledOnceModule(jest.requireActual(ajvPath)) as { default: typeof Fresh }).default;
    // As asl-validator's options do: the same schema, with a checking format or one that accepts anything.
    const formats = [(value: string) => value.startsWith('arn:'), () => true];
    const answer = (ajv: Ajv, data: string) => [ajv.validate('resource', data), ajv.errors];
    const made = (Ajv: typeof Fresh, format: (value: string) => boolean) => new Ajv({ schemas: [{ $id: 'resource', type: 'string', format: 'arn' }] }).addFormat('arn', format);
    for (const format of [...formats, ...formats]) {
      const fresh = made(Fresh, format);
      for (const data of ['arn:aws:lambda:us-east-1:111111111111:function:f', 'lambda:invoke']) {
        expect(answer(made(CompiledOnce, format), data)).toEqual(answer(fresh, data));
      }
    }
  });
});

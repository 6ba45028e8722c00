import { checkEnvironmentValue, INTEGER_VARIABLES, JSON_VARIABLES } from '@snaplake/functions';
import { StackResolver } from './permissions/resolve';
import { synthesized } from './synthesized';

// The stacks write the functions' environment; the functions read it back with a shape or bounds per
// variable (@snaplake/functions' JSON_VARIABLES and INTEGER_VARIABLES). Every value a synthesized
// function gets must pass its handler's check, or the function fails on its first run in AWS.

const FIXTURES = ['full', 'every-option', 'serverless-detour', 'delivery', 'disaster-recovery', 'disaster-recovery-scheduled'];

/** Every environment variable of every function of the fixture apps, resolved as CloudFormation would. */
function variables(): { where: string; name: string; value: string }[] {
  return FIXTURES.flatMap((fixture) => {
    const { stacks } = synthesized(fixture);
    return stacks.flatMap((stack) => {
      const resolver = new StackResolver(stack, stacks);
      return Object.entries<any>(stack.template.Resources ?? {})
        .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
        .flatMap(([logicalId, fn]) => Object.entries<any>(fn.Properties.Environment?.Variables ?? {})
          .map(([name, value]) => ({ where: `${fixture} ${stack.id} ${logicalId}`, name, value: resolver.string(value) })));
    });
  });
}

const all = variables();

test('every value a function gets passes the check its handler makes', () => {
  const refused = all.flatMap(({ where, name, value }) => {
    try {
      checkEnvironmentValue(name, value);
      return [];
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
  });
  expect(refused).toEqual([]);
});

test('the stacks set every variable that has a shape or bounds (the check above is not vacuous)', () => {
  const set = new Set(all.map(({ name }) => name));
  expect([...Object.keys(JSON_VARIABLES), ...Object.keys(INTEGER_VARIABLES)].filter((name) => !set.has(name))).toEqual([]);
});

import { fixtureNames, synthesized } from '../synthesized';

/**
 * The logical id and type of every resource, and the name of every output, of each stack of a
 * fixture app, one line each. CloudFormation replaces a resource whose logical id changes: a new
 * state machine without its execution history, a new role, a new bucket or key. A refactoring that
 * moves a construct (a new parent, a new id) changes these lines, and the snapshot shows it in review.
 * When the change is meant (a new resource, a removed one), update it with `npx jest -u test/audit/logical-ids.test.ts`.
 */
function logicalIds(fixture: string): string[] {
  return synthesized(fixture).stacks.flatMap(({ id, template }) => [
    ...Object.entries(template.Resources ?? {}).map(([logicalId, resource]) => `${id} ${logicalId} ${(resource as { Type: string }).Type}`),
    ...Object.keys(template.Outputs ?? {}).map((output) => `${id} ${output} (output)`),
  ]).sort();
}

test.each(fixtureNames())('the logical ids of fixture app %s stay as they are (snapshot)', (fixture) => {
  expect(logicalIds(fixture)).toMatchSnapshot();
});

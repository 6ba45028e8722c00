import { synthesized } from '../synthesized';

/**
 * Every cdk-nag acknowledgement in the fixture app that uses every feature, one line each (construct
 * path without the stage, rule, reason), de-duplicated across stages. A new or changed acknowledgement
 * changes the snapshot, so it shows up in review: update it with `npx jest -u test/audit` after
 * checking the reason.
 */
function acknowledgements(): string[] {
  const { acknowledgements: all, stacks } = synthesized('full');
  const topLevel = new Set(stacks.map((s) => s.stage ?? s.id));
  const lines = new Set<string>();
  for (const { path, rule, reason } of all) {
    if (!rule.includes('AwsSolutions-')) continue;
    const [first, ...rest] = path.split('/');
    const shownPath = topLevel.has(first!) && rest.length > 0 ? ['<stage>', ...rest].join('/') : path;
    lines.add(`${shownPath} | ${rule.replace(/^Annotation::/, '').replace(/:\d{12}:/g, ':<account>:').replace(/(eu|us|ap|sa|ca|me|af|il)-[a-z]+-\d/g, '<region>')} | ${reason}`);
  }
  return [...lines].sort();
}

test('every cdk-nag acknowledgement has a specific reason', () => {
  const list = acknowledgements();
  expect(list.length).toBeGreaterThan(0);
  for (const line of list) {
    const reason = line.split(' | ')[2]!;
    expect({ line, long: reason.length >= 40 }).toEqual({ line, long: true });
  }
});

test('the list of acknowledgements is reviewed (snapshot)', () => {
  expect(acknowledgements()).toMatchSnapshot();
});

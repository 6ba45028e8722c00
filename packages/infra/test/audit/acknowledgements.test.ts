import { Validations } from 'aws-cdk-lib';
import { buildApp, DEFAULT_CONFIG_PATH, loadSnaplakeConfig } from '../../src';

/**
 * Every cdk-nag acknowledgement in the app, one line each (construct path without the stage, rule,
 * reason), de-duplicated across stages. A new or changed acknowledgement changes the snapshot, so it
 * shows up in review: update it with `npx jest -u test/audit` after checking the reason.
 */
function acknowledgements(): string[] {
  const { app } = buildApp(loadSnaplakeConfig(DEFAULT_CONFIG_PATH));
  const lines = new Set<string>();
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (!rule.includes('AwsSolutions-')) continue;
        const path = construct.node.path.replace(/^(Dev|Staging|Prod|GithubOidc-\d+)\//, '<stage>/');
        lines.add(`${path} | ${rule.replace(/^Annotation::/, '').replace(/:\d{12}:/g, ':<account>:').replace(/(eu|us|ap|sa|ca|me|af|il)-[a-z]+-\d/g, '<region>')} | ${reason}`);
      }
    }
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

import { fixtureConfigPath, synthesized } from './synthesized';
import { loadSnaplakeConfig } from '../src/config';
import { nextSteps } from '../src/next-steps';

// Stages in two accounts, one account with two stages in different regions, each copying to other regions.
const FIXTURE = 'dr-regions-differ';

describe('next steps after synth', () => {
  const config = loadSnaplakeConfig(fixtureConfigPath(FIXTURE));
  const steps = nextSteps(config, 'packages/infra/cdk.out');
  const app = synthesized(FIXTURE);

  test('one bootstrap command per account, with every region its stages use, disaster-recovery regions included', () => {
    expect(steps.filter((line) => line.includes('cdk bootstrap'))).toEqual([
      '     npx cdk bootstrap aws://444444444444/us-east-1 aws://444444444444/us-west-2 aws://444444444444/eu-west-1 aws://444444444444/eu-north-1 aws://444444444444/us-east-2',
      '     npx cdk bootstrap aws://555555555555/ap-southeast-2',
    ]);
  });

  test('every synthesized stack is bootstrapped: its account and region appear in a bootstrap command', () => {
    const bootstrapped = new Set(steps.filter((line) => line.includes('cdk bootstrap')).flatMap((line) => line.trim().split(' ').slice(3)));
    for (const stack of app.stacks) {
      expect({ stack: stack.id, bootstrapped: bootstrapped.has(`aws://${stack.account}/${stack.region}`) }).toEqual({ stack: stack.id, bootstrapped: true });
    }
  });

  test('the deploy selectors are the synthesized app\'s: GithubOidc-<account> at the top, <Stage>/* for each stage', () => {
    const deploys = steps.filter((line) => line.includes('cdk deploy')).map((line) => line.trim().split(' ').at(-1)!.replace(/'/g, ''));
    const oidc = app.stacks.filter((s) => s.stage === undefined).map((s) => s.id);
    const stages = [...new Set(app.stacks.flatMap((s) => (s.stage ? [`${s.stage}/*`] : [])))];
    expect(deploys).toEqual([...oidc, ...stages]);
  });

  test('without github, no OIDC step', () => {
    expect(nextSteps({ ...config, github: undefined }, 'cdk.out').join('\n')).not.toContain('GithubOidc');
  });
});

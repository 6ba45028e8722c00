import { join } from 'node:path';
import { definitionOf, runLocally } from './local-workflow';
import { FIXTURES_DIR, fixtureConfigPath, synthesized } from './synthesized';
import { loadSnaplakeConfig } from '../src/config';
import { onDemandRun, runTime } from '../src/query-input';

const config = loadSnaplakeConfig(fixtureConfigPath('federated-queries'));
const queries = join(FIXTURES_DIR, 'federated-queries', 'queries');
const deployed = synthesized('federated-queries').stack('Prod/ScheduledQueries');

describe('query-input: a query of a stage run now through the deployed workflow', () => {
  test('the input is what the query\'s schedule sends, with the run time in place of the scheduler\'s', () => {
    const run = onDemandRun(config, queries, 'prod', 'lake_orders', '2026-11-21T07:30:00+01:00');
    const schedule = Object.values<any>(deployed.template.Resources).find((r) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties.Name.endsWith('-lake_orders'));
    const scheduled = JSON.parse(schedule.Properties.Target.Input);
    expect(run.input).toEqual({ ...scheduled, scheduledTime: '2026-11-21T06:30:00Z' });
    expect(scheduled.scheduledTime).toBe('<aws.scheduler.scheduled-time>');
  });

  test('the command starts the workflow named by the stack\'s output, in the stage\'s region', () => {
    const run = onDemandRun(config, queries, 'prod', 'live_orders', '2026-11-21T06:00:00Z');
    expect([run.stackName, run.region]).toEqual([deployed.stackName, deployed.region]);
    const machineId = Object.entries<any>(deployed.template.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')![0];
    expect(deployed.template.Outputs.RunsStateMachineArn.Value).toEqual({ Ref: machineId });
    expect(run.command).toBe(`aws stepfunctions start-execution --region ${deployed.region} --state-machine-arn "$(aws cloudformation describe-stacks --region ${deployed.region} `
      + `--stack-name ${deployed.stackName} --query "Stacks[0].Outputs[?OutputKey=='RunsStateMachineArn'].OutputValue" --output text)" --input file://run.json`);
  });

  test('the synthesized workflow runs the query with that input: started with its SQL and run time, success recorded', async () => {
    const { input } = onDemandRun(config, queries, 'prod', 'lake_orders', '2026-11-21T06:30:00Z');
    const { calls, error } = await runLocally(definitionOf(synthesized('federated-queries').template('Prod/ScheduledQueries'), '333333333333'), input, {
      'Start query': (s) => ({ queryExecutionId: 'q1', attempt: s.attempt, resultsPrefix: 'lake_orders/2026-11-21/', check: 0, nextDelaySeconds: 1 }),
      'Check query': (s) => ({ queryExecutionId: 'q1', state: 'SUCCEEDED', reason: '', retryable: false, bytesScanned: 1, runTimeMs: 1, outputLocation: 's3://r/q1.csv', check: s.check + 1, nextDelaySeconds: 1 }),
      'Record success': () => ({ outcome: 'succeeded' }),
      'Record failure': () => ({ outcome: 'failed' }),
      'Notify failure': () => ({}),
    });
    expect(error).toBeUndefined();
    expect(calls['Start query']).toEqual([expect.objectContaining({ query: input.query, scheduledTime: '2026-11-21T06:30:00Z', attempt: 1 })]);
    expect(calls['Record success']).toHaveLength(1);
  });

  test.each([
    ['an unknown stage', () => onDemandRun(config, queries, 'qa', 'lake_orders', '2026-11-21T06:00:00Z'), "stage 'qa' is not in the config; its stages: prod"],
    ['a query of no stage', () => onDemandRun(config, queries, 'prod', 'orders', '2026-11-21T06:00:00Z'),
      "query 'orders' does not run in stage prod; its queries: lake_orders, live_orders"],
    ['no queries folder', () => onDemandRun(config, undefined, 'prod', 'lake_orders', '2026-11-21T06:00:00Z'), /no queries folder/],
    ['a time without a zone', () => runTime('2026-11-21T06:00'), /--at "2026-11-21T06:00" is not a date-time with a zone/],
    ['a date only', () => runTime('2026-11-21'), /is not a date-time with a zone/],
    ['an impossible date', () => runTime('2026-13-40T06:00:00Z'), /is not a date-time with a zone/],
  ])('%s is refused, naming what is valid', (_case, call, message) => {
    expect(call).toThrow(message);
  });

  test('a run time is given to the workflow in UTC, to the second', () => {
    expect(runTime('2026-11-21T07:00:00.123+01:00')).toBe('2026-11-21T06:00:00Z');
  });
});

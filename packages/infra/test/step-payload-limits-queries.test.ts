// The scheduled-query workflow of the every-feature fixture stays under 256 KiB in every state when a
// query fails three times with a retryable error whose message is a connector's whole stack trace: run
// from the schedule's own input, with the real handlers of @snaplake/functions, to the failure notice.
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { stateMachinesOf } from './state-machines';
import { answerCalls, bytesOf, handlersOf, overLimit, PAYLOAD_LIMIT_BYTES, runMeasured } from './step-payloads';
import { synthesized } from './synthesized';
import { resolveValue } from './template-values';
import { SCHEDULED_TIME_PLACEHOLDER } from '../src/query-run-input';

const app = synthesized('full');
const [machine] = stateMachinesOf(app).filter((m) => m.where.startsWith('Live/ScheduledQueries/'));
const functions = handlersOf(app, machine!.stack);
const schedules = Object.values<any>(machine!.stack.template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
const trace = `GENERIC_USER_ERROR: ${'at com.amazonaws.athena.connectors.jdbc.manager.JdbcRecordHandler.readWithConstraint(JdbcRecordHandler.java:112)\n'.repeat(2_600)}`;

test('three failed attempts with a stack trace over 256 KiB each end in a failure notice, every state under 256 KiB', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  let started = 0;
  answerCalls(AthenaClient, [
    [StartQueryExecutionCommand, () => ({ QueryExecutionId: `q${++started}` })],
    [GetQueryExecutionCommand, (input) => ({
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        Status: { State: 'FAILED', AthenaError: { ErrorCategory: 3, Retryable: true, ErrorMessage: trace } },
        Statistics: { DataScannedInBytes: 0, TotalExecutionTimeInMillis: 1200 },
      },
    })],
  ]);
  const input = JSON.parse(resolveValue(app, machine!.stack, schedules[0].Properties.Target.Input).replace(SCHEDULED_TIME_PLACEHOLDER, '2026-11-22T06:00:00Z'));
  const run = await runMeasured(machine!.definition, input, { 'Notify failure': async () => ({ MessageId: 'failed' }) }, functions);
  jest.restoreAllMocks();

  expect(bytesOf(trace)).toBeGreaterThan(PAYLOAD_LIMIT_BYTES);
  expect(started).toBe(3);
  // The run ends at the Fail state with the third attempt's cause (the failure the ExecutionsFailed alarm counts).
  expect(String(run.error)).toMatch(/query q3 FAILED: GENERIC_USER_ERROR/);
  expect(run.inputs['Notify failure'].Message).toMatchObject({ event: 'query-failed', cause: expect.stringMatching(/more characters: aws athena get-query-execution/) });
  expect(bytesOf(run.inputs['Notify failure'].Message)).toBeLessThan(PAYLOAD_LIMIT_BYTES);
  expect(overLimit(run.sizes)).toEqual([]);
});

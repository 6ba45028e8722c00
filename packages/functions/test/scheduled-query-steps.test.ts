import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { queryRequestToken } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { checkScheduledQuery, finishScheduledQuery, startScheduledQuery } from '../src';

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);
const query = {
  name: 'daily_orders',
  sql: 'SELECT count(*) FROM orders WHERE order_date = ?',
  catalog: 'AwsDataCatalog',
  database: 'shop',
  parameters: ['run_date' as const],
  timezone: 'Europe/Paris',
  keepLatest: true,
};
const settings = { resultsBucket: 'results', defaultWorkgroup: 'snaplake-prod-scheduled', resultsKmsKeyArn: 'arn:aws:kms:eu-west-1:1:key/k' };

beforeEach(() => {
  athena.reset();
  s3.reset();
});

test('a run starts with the run date bound, its own token, and results under <name>/<run date>/', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  const started = await startScheduledQuery(new AthenaClient({}), { query, scheduledTime: '2026-11-21T05:00:00Z' }, settings);
  expect(started).toEqual({ queryExecutionId: 'q1', attempt: 1, resultsPrefix: 'daily_orders/2026-11-21/', check: 0, nextDelaySeconds: 1 });
  expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
    ExecutionParameters: ["DATE '2026-11-21'"],
    ClientRequestToken: queryRequestToken('daily_orders', '2026-11-21T05:00:00Z', 1),
    WorkGroup: 'snaplake-prod-scheduled',
    ResultConfiguration: { OutputLocation: 's3://results/daily_orders/2026-11-21/', EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: settings.resultsKmsKeyArn } },
  });
});

test('a retry attempt uses another token, so Athena runs the query again', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
  await startScheduledQuery(new AthenaClient({}), { query, scheduledTime: '2026-11-21T05:00:00Z', attempt: 2 }, settings);
  expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ClientRequestToken).toBe(queryRequestToken('daily_orders', '2026-11-21T05:00:00Z', 2));
});

test('each check says how long to wait before the next', async () => {
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING', SubmissionDateTime: new Date('2026-11-21T06:00:00Z') } } });
  const at = (seconds: number) => () => Date.parse('2026-11-21T06:00:00Z') + seconds * 1000;
  const first = await checkScheduledQuery(new AthenaClient({}), { queryExecutionId: 'q1', check: 0 }, at(1));
  const fifth = await checkScheduledQuery(new AthenaClient({}), { queryExecutionId: 'q1', check: 4 }, at(300));
  const fifthEarly = await checkScheduledQuery(new AthenaClient({}), { queryExecutionId: 'q1', check: 4 }, at(30));
  // Fibonacci (the 6th wait is 8 s), but never more than a tenth of the time since submission.
  expect([first.check, first.nextDelaySeconds, fifth.check, fifth.nextDelaySeconds, fifthEarly.nextDelaySeconds]).toEqual([1, 1, 5, 8, 3]);
});

test('a successful run emits its metrics and copies its result to latest.csv', async () => {
  s3.on(CopyObjectCommand).resolves({});
  const lines: string[] = [];
  const status = { queryExecutionId: 'q1', state: 'SUCCEEDED' as const, reason: '', retryable: false, bytesScanned: 2048, runTimeMs: 3100, outputLocation: 's3://results/daily_orders/2026-11-21/q1.csv' };
  const finished = await finishScheduledQuery(new S3Client({}), { query, status, outcome: 'succeeded' }, { resultsBucket: 'results', namespace: 'snaplake/prod/scheduled-queries' }, (l) => lines.push(l));
  expect(finished).toEqual({ name: 'daily_orders', outcome: 'succeeded', latestCopy: 's3://results/daily_orders/latest.csv' });
  expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'results', Key: 'daily_orders/latest.csv', CopySource: 'results/daily_orders/2026-11-21/q1.csv' });
  expect(JSON.parse(lines[0]!)).toMatchObject({ Query: 'daily_orders', Runs: 1, Duration: 3100, BytesScanned: 2048, Failures: 0, _aws: { CloudWatchMetrics: [{ Namespace: 'snaplake/prod/scheduled-queries' }] } });
});

test('a failed run counts a failure and copies nothing', async () => {
  const lines: string[] = [];
  const status = { queryExecutionId: 'q1', state: 'FAILED' as const, reason: 'x', retryable: false, bytesScanned: 0, runTimeMs: 10, outputLocation: '' };
  await finishScheduledQuery(new S3Client({}), { query, status, outcome: 'failed' }, { resultsBucket: 'results', namespace: 'snaplake/prod/scheduled-queries' }, (l) => lines.push(l));
  expect(JSON.parse(lines[0]!)).toMatchObject({ Runs: 1, Failures: 1 });
  expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
});

test('bad input is an InvalidInput error', async () => {
  await expect(startScheduledQuery(new AthenaClient({}), {} as never, settings)).rejects.toMatchObject({ name: 'InvalidInput' });
  await expect(finishScheduledQuery(new S3Client({}), { query, outcome: 'maybe' } as never, { resultsBucket: 'r', namespace: 'n' })).rejects.toMatchObject({ name: 'InvalidInput' });
});

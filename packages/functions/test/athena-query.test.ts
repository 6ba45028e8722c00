import { Readable } from 'node:stream';
import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, QueryExecutionState, QueryExecutionStatus, StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { checkQuery, csvRows, getQueryResults, QueryFailedError, QueryTimeoutError, readResultCsv, runQuery } from '../src';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({ region: 'eu-west-1' });
const request = {
  sql: 'SELECT count(*) AS n FROM orders WHERE order_date = ?',
  database: 'shop',
  workgroup: 'snaplake-prod-scheduled',
  parameters: ["DATE '2026-11-21'"],
  clientRequestToken: 'daily_orders-0123456789abcdef0123456789abcdef0123',
  outputLocation: 's3://results/daily_orders/2026-11-21/',
};
const execution = (state: QueryExecutionState, extra: Omit<QueryExecutionStatus, 'State'> = {}) => ({
  QueryExecution: {
    QueryExecutionId: 'q1',
    Status: { State: state, ...extra },
    Statistics: { DataScannedInBytes: 1024, TotalExecutionTimeInMillis: 4200 },
    ResultConfiguration: { OutputLocation: 's3://results/daily_orders/2026-11-21/q1.csv' },
  },
});

/** A simulated clock: sleeping advances it, and every wait is recorded. */
function clock() {
  let time = 0;
  const waits: number[] = [];
  return { waits, now: () => time, sleep: async (ms: number) => { waits.push(ms); time += ms; } };
}

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
});

describe('checkQuery', () => {
  test('a failure reason of a connector\'s whole stack trace comes back as its first 2,000 characters and where to read it', async () => {
    const trace = `GENERIC_USER_ERROR: ${'at com.amazonaws.athena.connectors.jdbc.manager.JdbcRecordHandler.readWithConstraint(JdbcRecordHandler.java:112)\n'.repeat(400)}`;
    athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', { AthenaError: { ErrorCategory: 2, ErrorMessage: trace } }));
    const status = await checkQuery(client, 'q1');
    expect(status.reason.startsWith(trace.slice(0, 2000))).toBe(true);
    expect(status.reason).toMatch(/\.\.\. \(\d+ more characters: aws athena get-query-execution --query-execution-id q1\)$/);
  });
});

describe('runQuery', () => {
  test('starts with the parameters and token, polls QUEUED and RUNNING with a Fibonacci backoff, returns the figures', async () => {
    athena.on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED')).resolvesOnce(execution('RUNNING')).resolvesOnce(execution('RUNNING')).resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED'));
    const c = clock();
    const status = await runQuery(client, request, c);
    expect(status).toEqual({
      queryExecutionId: 'q1',
      state: 'SUCCEEDED',
      reason: '',
      retryable: false,
      errorCategory: undefined,
      bytesScanned: 1024,
      runTimeMs: 4200,
      outputLocation: 's3://results/daily_orders/2026-11-21/q1.csv',
    });
    // Fibonacci, but never more than a tenth of the time waited (1 s at least).
    expect(c.waits).toEqual([1000, 1000, 1000, 1000]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      QueryString: request.sql,
      ExecutionParameters: ["DATE '2026-11-21'"],
      ClientRequestToken: request.clientRequestToken,
      WorkGroup: 'snaplake-prod-scheduled',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'shop' },
    });
  });

  test('the backoff grows with the time waited and is capped', async () => {
    const states = Array.from({ length: 80 }, () => execution('RUNNING'));
    let i = 0;
    athena.on(GetQueryExecutionCommand).callsFake(() => (i < states.length ? states[i++] : execution('SUCCEEDED')));
    const c = clock();
    await runQuery(client, request, { ...c, maxPollSeconds: 20, maxWaitMs: 3_600_000 });
    expect(Math.max(...c.waits)).toBe(20_000);
    expect(c.waits.slice(0, 12)).toEqual(Array(10).fill(1000).concat([1000, 1000]));
    expect(c.waits.every((w, n) => w <= Math.max(1000, c.waits.slice(0, n).reduce((a, b) => a + b, 0) / 10))).toBe(true);
  });

  test('a retryable failure is run again with a new token; a second retryable failure too, up to the attempts', async () => {
    athena.on(GetQueryExecutionCommand)
      .resolvesOnce(execution('FAILED', { AthenaError: { ErrorCategory: 1, Retryable: true, ErrorMessage: 'Internal error' } }))
      .resolves(execution('SUCCEEDED'));
    await expect(runQuery(client, request, clock())).resolves.toMatchObject({ state: 'SUCCEEDED' });
    const tokens = athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toEqual([request.clientRequestToken, `${request.clientRequestToken}-retry2`]);
  });

  test('a non-retryable failure (a SQL error) fails at once with Athena\'s message', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', { AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: "COLUMN_NOT_FOUND: 'totl'" } }));
    const error = await runQuery(client, request, clock()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as Error).message).toBe("query q1 FAILED: COLUMN_NOT_FOUND: 'totl'");
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  test('retryable failures stop after the attempts', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', { AthenaError: { Retryable: true, ErrorMessage: 'busy' } }));
    await expect(runQuery(client, request, { ...clock(), attempts: 3 })).rejects.toMatchObject({ name: 'QueryFailed' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
  });

  test('CANCELLED ends the run (no infinite loop)', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('CANCELLED', { StateChangeReason: 'Query was cancelled by user' }));
    await expect(runQuery(client, request, clock())).rejects.toMatchObject({ name: 'QueryCancelled', message: 'query q1 CANCELLED: Query was cancelled by user' });
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(1);
  });

  test('throttling left after the SDK\'s own retries reaches the caller: snaplake adds no retry of its own', async () => {
    // The SDK retries throttling inside `send` (test/aws-clients.test.ts); the mock replaces `send`.
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(runQuery(client, request, clock())).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  test('a query that outlives the wait budget is reported, not waited on forever', async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    await expect(runQuery(client, request, { ...clock(), maxWaitMs: 60_000 })).rejects.toBeInstanceOf(QueryTimeoutError);
  });

  test('bad requests are InvalidInput errors', async () => {
    await expect(runQuery(client, { ...request, sql: ' ' }, clock())).rejects.toMatchObject({ name: 'InvalidInput' });
    await expect(runQuery(client, { ...request, clientRequestToken: 'short' }, clock())).rejects.toThrow('clientRequestToken must be 32-128 characters');
  });
});

describe('reading results', () => {
  test('GetQueryResults: every page, header removed, values typed from ColumnInfo', async () => {
    const columns = [{ Name: 'day', Type: 'date' }, { Name: 'n', Type: 'bigint' }, { Name: 'ok', Type: 'boolean' }, { Name: 'avg', Type: 'double' }];
    const row = (...values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
    athena.on(GetQueryResultsCommand, { NextToken: undefined }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('day', 'n', 'ok', 'avg'), row('2026-11-20', '12', 'true', '1.5')] }, NextToken: 'p2',
    });
    athena.on(GetQueryResultsCommand, { NextToken: 'p2' }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('2026-11-21', '9007199254740993', 'false', undefined)] },
    });
    await expect(getQueryResults(client, 'q1')).resolves.toEqual([
      { day: '2026-11-20', n: 12, ok: true, avg: 1.5 },
      { day: '2026-11-21', n: '9007199254740993', ok: false, avg: null },
    ]);
  });

  test('large results stream from the CSV in S3, quoted values and all', async () => {
    const s3 = mockClient(S3Client);
    const csv = '"day","note"\n"2026-11-20","plain"\n"2026-11-21","with ""quotes"", a comma\nand a newline"\n';
    s3.on(GetObjectCommand, { Bucket: 'results', Key: 'daily/q1.csv' }).resolves({ Body: Readable.from([Buffer.from(csv.slice(0, 30)), Buffer.from(csv.slice(30))]) as never });
    const rows = [];
    for await (const r of readResultCsv(new S3Client({ region: 'eu-west-1' }), 's3://results/daily/q1.csv')) rows.push(r);
    expect(rows).toEqual([{ day: '2026-11-20', note: 'plain' }, { day: '2026-11-21', note: 'with "quotes", a comma\nand a newline' }]);
  });

  test('the CSV reader handles a chunk boundary inside a doubled quote', async () => {
    const rows = [];
    for await (const r of csvRows((async function* chunks() {
      yield* ['"a""', 'b",c\n'];
    })())) rows.push(r);
    expect(rows).toEqual([['a"b', 'c']]);
  });
});

import {
  AthenaClient,
  ColumnInfo,
  GetQueryExecutionCommand,
  paginateGetQueryResults,
  QueryExecution,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pollDelaySeconds, WORKFLOW_ERRORS } from '@snaplake/core';
import { InvalidInputError, WorkflowError } from './errors';
import { boundedMessage } from './step-results';

export interface QueryRequest {
  readonly sql: string;
  readonly catalog?: string;
  readonly database: string;
  readonly workgroup: string;
  /** `?` values as SQL literals, in order. */
  readonly parameters?: readonly string[];
  /** 32-128 characters; the same token returns the same execution instead of a second query. */
  readonly clientRequestToken: string;
  /** `s3://bucket/prefix/`; ignored when the workgroup enforces its own. */
  readonly outputLocation?: string;
  /** KMS key for the results (SSE-KMS), when the output location is set. */
  readonly kmsKeyArn?: string;
}

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface QueryStatus {
  readonly queryExecutionId: string;
  readonly state: QueryState;
  /** Athena's reason for FAILED or CANCELLED. */
  readonly reason: string;
  /** From `Status.AthenaError`: only these failures are worth another attempt. */
  readonly retryable: boolean;
  readonly errorCategory?: number;
  readonly bytesScanned: number;
  readonly runTimeMs: number;
  readonly outputLocation: string;
  /** When Athena received the query (ISO), if it says. */
  readonly submittedAt?: string;
}

/** A query ended FAILED (after the allowed retries) or CANCELLED; the message carries Athena's reason. */
export class QueryFailedError extends WorkflowError {
  constructor(readonly status: QueryStatus) {
    super(status.state === 'CANCELLED' ? WORKFLOW_ERRORS.queryCancelled : WORKFLOW_ERRORS.queryFailed, `query ${status.queryExecutionId} ${status.state}: ${status.reason}`);
  }
}

/** The query is still running when the caller's time budget ran out (hand it to Step Functions). */
export class QueryTimeoutError extends WorkflowError {
  constructor(readonly queryExecutionId: string, waitedMs: number) {
    super(WORKFLOW_ERRORS.queryStillRunning, `query ${queryExecutionId} still runs after ${Math.round(waitedMs / 1000)} s`);
  }
}

/** Starts a query (idempotent by its token); the SDK retries throttling (aws-clients.ts). */
export async function startQuery(athena: AthenaClient, request: QueryRequest): Promise<string> {
  if (typeof request?.sql !== 'string' || request.sql.trim() === '') throw new InvalidInputError('startQuery: sql is empty');
  if (typeof request.clientRequestToken !== 'string' || request.clientRequestToken.length < 32 || request.clientRequestToken.length > 128) {
    throw new InvalidInputError('startQuery: clientRequestToken must be 32-128 characters');
  }
  const started = await athena.send(new StartQueryExecutionCommand({
    QueryString: request.sql,
    QueryExecutionContext: { Catalog: request.catalog ?? 'AwsDataCatalog', Database: request.database },
    WorkGroup: request.workgroup,
    ExecutionParameters: request.parameters && request.parameters.length > 0 ? [...request.parameters] : undefined,
    ClientRequestToken: request.clientRequestToken,
    ResultConfiguration: request.outputLocation ? {
      OutputLocation: request.outputLocation,
      EncryptionConfiguration: request.kmsKeyArn ? { EncryptionOption: 'SSE_KMS', KmsKey: request.kmsKeyArn } : { EncryptionOption: 'SSE_S3' },
    } : undefined,
  }));
  if (!started.QueryExecutionId) throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, 'StartQueryExecution returned no QueryExecutionId');
  return started.QueryExecutionId;
}

/** The state of a query, with what a caller needs to decide: retry, wait, or report. */
export async function checkQuery(athena: AthenaClient, queryExecutionId: string): Promise<QueryStatus> {
  if (typeof queryExecutionId !== 'string' || queryExecutionId === '') throw new InvalidInputError('checkQuery: queryExecutionId is missing');
  const response = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
  return statusOf(queryExecutionId, response.QueryExecution);
}

export interface RunQueryOptions {
  /** Attempts for a FAILED query whose AthenaError is retryable (each with a new token). @default 3 */
  readonly attempts?: number;
  /** Longest wait between status checks. @default 55 s */
  readonly maxPollSeconds?: number;
  /** Give up waiting (the query keeps running) after this long. @default 10 minutes */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Runs a query to its end inside the caller (for short queries; long ones are awaited by Step
 * Functions): starts it, polls with a Fibonacci backoff (1, 1, 2, 3, 5 ... s, capped, and never more
 * than a tenth of the time waited), retries a
 * FAILED query only when Athena says the error is retryable, and never loops on CANCELLED.
 */
export async function runQuery(athena: AthenaClient, request: QueryRequest, options: RunQueryOptions = {}): Promise<QueryStatus> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    const token = attempt === 1 ? request.clientRequestToken : `${request.clientRequestToken.slice(0, 120)}-retry${attempt}`;
    const id = await startQuery(athena, { ...request, clientRequestToken: token });
    const attemptStarted = now();
    for (let check = 1; ; check++) {
      const status = await checkQuery(athena, id);
      if (status.state === 'SUCCEEDED') return status;
      if (status.state === 'CANCELLED') throw new QueryFailedError(status);
      if (status.state === 'FAILED') {
        if (status.retryable && attempt < attempts) break;
        throw new QueryFailedError(status);
      }
      const waited = now() - started;
      if (waited >= (options.maxWaitMs ?? 600_000)) throw new QueryTimeoutError(id, waited);
      await sleep(pollDelaySeconds(check, options.maxPollSeconds ?? 55, (now() - attemptStarted) / 1000) * 1000);
    }
  }
}

export type QueryValue = string | number | boolean | null;

/**
 * Reads a small result through GetQueryResults, all pages, without the header row, each value typed
 * from `ColumnInfo` (Athena returns every value as a string).
 */
export async function getQueryResults(athena: AthenaClient, queryExecutionId: string): Promise<Record<string, QueryValue>[]> {
  const rows: Record<string, QueryValue>[] = [];
  let columns: ColumnInfo[] | undefined;
  let first = true;
  for await (const page of paginateGetQueryResults({ client: athena, pageSize: 1000 }, { QueryExecutionId: queryExecutionId })) {
    columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    const data = page.ResultSet?.Rows ?? [];
    // The first row of the first page of a SELECT repeats the column names.
    const body = first && data.length > 0 && isHeaderRow(data[0]!.Data ?? [], columns) ? data.slice(1) : data;
    first = false;
    for (const row of body) {
      const record: Record<string, QueryValue> = {};
      columns.forEach((column, i) => {
        record[column.Name ?? `column_${i}`] = typedValue(row.Data?.[i]?.VarCharValue, column.Type);
      });
      rows.push(record);
    }
  }
  return rows;
}

/**
 * Streams a large result from its CSV in S3, row by row, typed as text (the CSV Athena writes quotes
 * every value and doubles inner quotes). The header row is not returned.
 */
export async function* readResultCsv(s3: S3Client, outputLocation: string): AsyncGenerator<Record<string, string>> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(outputLocation);
  if (!match) throw new InvalidInputError(`readResultCsv: ${JSON.stringify(outputLocation)} is not an s3://bucket/key location`);
  const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  if (!object.Body) return;
  let header: string[] | undefined;
  for await (const row of csvRows(object.Body as AsyncIterable<Uint8Array>)) {
    if (!header) {
      header = row;
      continue;
    }
    yield Object.fromEntries(header.map((name, i) => [name, row[i] ?? '']));
  }
}

/** CSV rows from a byte stream: quoted fields, doubled quotes, newlines inside quotes. */
export async function* csvRows(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let pendingQuote = false;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const char of text) {
      if (pendingQuote) {
        pendingQuote = false;
        if (char === '"') {
          field += '"';
          continue;
        }
        quoted = false;
      }
      if (quoted) {
        if (char === '"') pendingQuote = true;
        else field += char;
      } else if (char === '"') {
        quoted = true;
      } else if (char === ',') {
        row.push(field);
        field = '';
      } else if (char === '\n') {
        row.push(field.replace(/\r$/, ''));
        yield row;
        row = [];
        field = '';
      } else {
        field += char;
      }
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}

function statusOf(id: string, execution: QueryExecution | undefined): QueryStatus {
  const state = execution?.Status?.State;
  if (!state) throw new WorkflowError(WORKFLOW_ERRORS.unexpectedResponse, `GetQueryExecution returned no state for ${id}`);
  return {
    queryExecutionId: id,
    state: state as QueryState,
    // Into the workflow's state and the failure notice: a connector's error can carry a whole stack trace.
    reason: boundedMessage(execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? '', `aws athena get-query-execution --query-execution-id ${id}`),
    retryable: execution?.Status?.AthenaError?.Retryable === true,
    errorCategory: execution?.Status?.AthenaError?.ErrorCategory,
    bytesScanned: execution?.Statistics?.DataScannedInBytes ?? 0,
    runTimeMs: execution?.Statistics?.TotalExecutionTimeInMillis ?? 0,
    outputLocation: execution?.ResultConfiguration?.OutputLocation ?? '',
    submittedAt: execution?.Status?.SubmissionDateTime?.toISOString(),
  };
}

function isHeaderRow(data: { VarCharValue?: string }[], columns: ColumnInfo[]): boolean {
  return columns.length > 0 && data.length === columns.length && data.every((d, i) => d.VarCharValue === columns[i]!.Name);
}

function typedValue(value: string | undefined, type: string | undefined): QueryValue {
  if (value === undefined) return null;
  switch (type) {
    case 'tinyint': case 'smallint': case 'integer': case 'int': case 'float': case 'double': case 'real':
      return Number(value);
    case 'bigint':
      // Beyond 2^53 a number would lose digits: keep the text.
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true';
    default:
      return value;
  }
}

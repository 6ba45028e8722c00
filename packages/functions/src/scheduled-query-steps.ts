import { AthenaClient } from '@aws-sdk/client-athena';
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  embeddedMetricRecord, executionParameters, pollDelaySeconds, QueryDefinition, queryRequestToken, queryResultsPrefix,
  SCHEDULED_QUERY_METRIC_DEFINITIONS as METRICS, SCHEDULED_QUERY_METRICS, SnaplakeError,
} from '@snaplake/core';
import { checkQuery, QueryStatus, startQuery } from './athena-query';
import { InvalidInputError } from './errors';
import { writeMetricRecord } from './metrics';

/** What a schedule passes to the scheduled-query workflow. */
export interface ScheduledRun {
  readonly query: Pick<QueryDefinition, 'name' | 'sql' | 'catalog' | 'database' | 'parameters' | 'timezone' | 'keepLatest'> & { readonly workgroup?: string };
  /** The time the schedule fired for (`<aws.scheduler.scheduled-time>`), not the time it ran. */
  readonly scheduledTime: string;
  /** 1 for the first attempt; a retryable failure starts attempt 2 with a new token. */
  readonly attempt?: number;
}

export interface ScheduledQuerySettings {
  readonly resultsBucket: string;
  readonly defaultWorkgroup: string;
  readonly resultsKmsKeyArn?: string;
}

export interface StartedRun {
  readonly queryExecutionId: string;
  readonly attempt: number;
  readonly resultsPrefix: string;
  /** Checks made so far; the next wait is `pollDelaySeconds(check)`. */
  readonly check: number;
  readonly nextDelaySeconds: number;
}

/** Starts one run of a scheduled query: its run values bound as parameters, its results under `<name>/<run date>/`. */
export async function startScheduledQuery(athena: AthenaClient, run: ScheduledRun, settings: ScheduledQuerySettings): Promise<StartedRun> {
  if (typeof run?.query?.name !== 'string' || typeof run.query.sql !== 'string' || typeof run.scheduledTime !== 'string') {
    throw new InvalidInputError('startScheduledQuery: expected { query: { name, sql, ... }, scheduledTime }');
  }
  const attempt = run.attempt ?? 1;
  const prefix = queryResultsPrefix(run.query.name, run.scheduledTime, run.query.timezone);
  const queryExecutionId = await startQuery(athena, {
    sql: run.query.sql,
    catalog: run.query.catalog,
    database: run.query.database,
    workgroup: run.query.workgroup ?? settings.defaultWorkgroup,
    parameters: executionParameters(run.query, run.scheduledTime),
    clientRequestToken: queryRequestToken(run.query.name, run.scheduledTime, attempt),
    outputLocation: `s3://${settings.resultsBucket}/${prefix}`,
    kmsKeyArn: settings.resultsKmsKeyArn,
  });
  return { queryExecutionId, attempt, resultsPrefix: prefix, check: 0, nextDelaySeconds: pollDelaySeconds(1) };
}

export interface CheckedRun extends QueryStatus {
  readonly check: number;
  /** Seconds the workflow waits before the next check. */
  readonly nextDelaySeconds: number;
}

/** One status check of a running query, with the Fibonacci wait before the next one. */
export async function checkScheduledQuery(
  athena: AthenaClient, input: { queryExecutionId: string; check?: number }, now: () => number = Date.now,
): Promise<CheckedRun> {
  const status = await checkQuery(athena, input?.queryExecutionId);
  const check = (input.check ?? 0) + 1;
  const elapsedSeconds = status.submittedAt ? (now() - Date.parse(status.submittedAt)) / 1000 : undefined;
  return { ...status, check, nextDelaySeconds: pollDelaySeconds(check + 1, 55, elapsedSeconds) };
}

export interface FinishedRun {
  readonly name: string;
  readonly outcome: 'succeeded' | 'failed';
  readonly latestCopy?: string;
}

/**
 * Ends a run: copies a successful result to `<name>/latest.csv` when the query asks for it, and
 * emits the run's metrics (duration, bytes scanned, failures) in CloudWatch embedded metric format.
 */
export async function finishScheduledQuery(
  s3: S3Client, input: { query: { name: string; keepLatest?: boolean }; status: QueryStatus; outcome: 'succeeded' | 'failed' }, settings: { resultsBucket: string; namespace: string },
  emit: (line: string) => void = writeMetricRecord,
): Promise<FinishedRun> {
  if (typeof input?.query?.name !== 'string' || (input.outcome !== 'succeeded' && input.outcome !== 'failed')) {
    throw new InvalidInputError('finishScheduledQuery: expected { query: { name }, status, outcome: succeeded | failed }');
  }
  const name = input.query.name;
  try {
    emit(embeddedMetricRecord(settings.namespace, { [SCHEDULED_QUERY_METRICS.queryDimension]: name }, [
      { metric: METRICS.runs, value: 1 },
      { metric: METRICS.duration, value: input.status?.runTimeMs ?? 0 },
      { metric: METRICS.bytesScanned, value: input.status?.bytesScanned ?? 0 },
      { metric: METRICS.failures, value: input.outcome === 'failed' ? 1 : 0 },
    ], new Date()));
  } catch (error) {
    // A status without numbers, or a namespace not of this area: the step's input or environment is wrong.
    if (error instanceof SnaplakeError) throw new InvalidInputError(`finishScheduledQuery: ${error.message}`);
    throw error;
  }
  if (input.outcome !== 'succeeded' || !input.query.keepLatest) return { name, outcome: input.outcome };
  const source = /^s3:\/\/([^/]+)\/(.+)$/.exec(input.status.outputLocation ?? '');
  if (!source) throw new InvalidInputError(`finishScheduledQuery: output location ${JSON.stringify(input.status.outputLocation)} is not an S3 location`);
  const latestKey = `${name}/latest.csv`;
  await s3.send(new CopyObjectCommand({
    Bucket: settings.resultsBucket,
    Key: latestKey,
    CopySource: `${source[1]}/${encodeURIComponent(source[2]!).replace(/%2F/g, '/')}`,
    MetadataDirective: 'COPY',
  }));
  return { name, outcome: 'succeeded', latestCopy: `s3://${settings.resultsBucket}/${latestKey}` };
}

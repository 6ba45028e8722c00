import { DescribeExportTasksCommand, ExportTask, RDSClient, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { exportAttemptIdentifier, MAX_EXPORT_ATTEMPTS, SnaplakeError, TEMPORARY_PREFIX } from '@snaplake/core';
import { awsErrorName, ExportLimitReachedError, ExportRejectedError, InvalidInputError } from './errors';
import { log } from './log';

export interface StartExportInput {
  /** ARN of the DB snapshot or DB cluster snapshot to export (for a Serverless v1 detour, the temporary snapshot). */
  readonly snapshotArn: string;
  /**
   * From `exportTaskIdentifier(snapshotIdentifier, scope)`: the same snapshot always gives the same
   * base id. Attempts after a FAILED or CANCELED one use `<id>-a2`, `<id>-a3`, ...
   */
  readonly exportTaskIdentifier: string;
  /** Set on a Serverless v1 detour: an export of another temporary snapshot of this stage may be joined. */
  readonly viaTemporarySnapshot?: boolean;
  /** The database's `exportOnly` list (ExportOnly of StartExportTask); empty or absent exports everything. */
  readonly exportOnly?: readonly string[];
}

export interface ExportDestination {
  readonly bucketName: string;
  readonly prefix?: string;
  readonly exportRoleArn: string;
  readonly kmsKeyArn: string;
}

export interface StartExportResult {
  /** The id of the attempt started or joined: the one to wait for, catalog and deliver. */
  readonly exportTaskIdentifier: string;
  readonly status: string;
  /** True when an export with this id was already running or done, and this call joined it. */
  readonly joined: boolean;
}

/** What `findExport` answers: an export of this snapshot already started or done, if any. */
export type FoundExport = { readonly found: true } & StartExportResult | { readonly found: false };

// Faults that a retry cannot fix: the workflow fails at once with the cause.
const REJECTIONS: Record<string, string> = {
  DBSnapshotNotFoundFault: 'the DB snapshot does not exist',
  DBClusterSnapshotNotFoundFault: 'the DB cluster snapshot does not exist',
  InvalidExportSourceStateFault: 'the snapshot cannot be exported in its current state (or its engine cannot be exported)',
  IamRoleNotFoundFault: 'the export role does not exist',
  IamRoleMissingPermissionsFault: 'the export role lacks the S3 permissions the export needs',
  InvalidS3BucketFault: 'the export bucket does not exist or the export role cannot reach it',
  KMSKeyNotAccessibleFault: 'the KMS key cannot be used by the export (key policy or grant)',
  InvalidExportOnlyFault: 'ExportOnly names a database, schema or table that is not valid',
  InvalidExportTaskStateFault: 'an export task with this id is in a state that cannot be joined',
};

const LIMIT_MESSAGE = /limit|quota|maximum number of (concurrent )?export/i;

/**
 * Starts the export of a snapshot, or joins the export already started for it. An attempt that
 * FAILED or was CANCELED is never joined: the next attempt id is started instead, so fixing the
 * cause and starting the workflow again exports the snapshot (under the same snapshot in the catalog).
 * A join checks that the existing export is of this snapshot and writes to this stage's bucket and prefix.
 */
export async function startExport(rds: RDSClient, input: StartExportInput, destination: ExportDestination): Promise<StartExportResult> {
  validate(input);
  const exportOnly = input.exportOnly ?? [];
  for (let attempt = 1; attempt <= MAX_EXPORT_ATTEMPTS; attempt++) {
    const id = attemptId(input.exportTaskIdentifier, attempt);
    try {
      const started = await rds.send(new StartExportTaskCommand({
        ExportTaskIdentifier: id,
        SourceArn: input.snapshotArn,
        S3BucketName: destination.bucketName,
        S3Prefix: destination.prefix,
        IamRoleArn: destination.exportRoleArn,
        KmsKeyId: destination.kmsKeyArn,
        ExportOnly: exportOnly.length > 0 ? [...exportOnly] : undefined,
      }));
      log.info('export started', { exportTaskIdentifier: id, snapshotArn: input.snapshotArn, attempt, exportOnly });
      return { exportTaskIdentifier: id, status: started.Status ?? 'STARTING', joined: false };
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'ExportTaskAlreadyExistsFault') {
        const task = await describeTask(rds, id);
        if (!task) throw new ExportRejectedError(`export ${id} already exists but DescribeExportTasks does not return it`);
        checkJoinable(task, id, input, destination);
        if (isFinishedBadly(task)) {
          log.info('earlier attempt failed; starting the next', { exportTaskIdentifier: id, status: task.Status });
          continue;
        }
        log.info('joined existing export', { exportTaskIdentifier: id, status: task.Status });
        return { exportTaskIdentifier: id, status: task.Status ?? 'STARTING', joined: true };
      }
      const message = error instanceof Error ? error.message : String(error);
      if (name !== undefined && name in REJECTIONS) {
        throw new ExportRejectedError(`export ${id} of ${input.snapshotArn} was rejected: ${REJECTIONS[name]} (${name}: ${message})`);
      }
      if (LIMIT_MESSAGE.test(message) || /Quota|Limit/.test(name ?? '')) {
        throw new ExportLimitReachedError(`export ${id} must wait: the account runs the most concurrent exports RDS allows (${name}: ${message})`);
      }
      // Throttling and 5xx reach here after the SDK's own retries; the workflow retries them again with backoff.
      throw error;
    }
  }
  throw new ExportRejectedError(`export ${input.exportTaskIdentifier} failed ${MAX_EXPORT_ATTEMPTS} times; start it under a new snapshot`);
}

/**
 * The export of this snapshot already started or done, without starting one: a Serverless v1 run
 * asks before it restores a temporary cluster, so a second run joins the first run's export.
 */
export async function findExport(rds: RDSClient, input: StartExportInput, destination: ExportDestination): Promise<FoundExport> {
  validate(input);
  for (let attempt = 1; attempt <= MAX_EXPORT_ATTEMPTS; attempt++) {
    const id = attemptId(input.exportTaskIdentifier, attempt);
    const task = await describeTask(rds, id);
    if (!task) return { found: false };
    checkJoinable(task, id, { ...input, viaTemporarySnapshot: true }, destination);
    if (!isFinishedBadly(task)) return { found: true, exportTaskIdentifier: id, status: task.Status ?? 'STARTING', joined: true };
  }
  return { found: false };
}

function validate(input: StartExportInput): void {
  if (typeof input?.snapshotArn !== 'string' || !input.snapshotArn.startsWith('arn:')) {
    throw new InvalidInputError(`startExport: snapshotArn must be a snapshot ARN, got ${JSON.stringify(input?.snapshotArn)}`);
  }
  if (typeof input.exportTaskIdentifier !== 'string' || input.exportTaskIdentifier === '') {
    throw new InvalidInputError('startExport: exportTaskIdentifier is missing');
  }
  const exportOnly = input.exportOnly ?? [];
  if (!Array.isArray(exportOnly) || exportOnly.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new InvalidInputError(`startExport: exportOnly must be a list of names, got ${JSON.stringify(input.exportOnly)}`);
  }
}

function attemptId(base: string, attempt: number): string {
  try {
    return exportAttemptIdentifier(base, attempt);
  } catch (error) {
    if (error instanceof SnaplakeError) throw new InvalidInputError(`startExport: ${error.message}`);
    throw error;
  }
}

function isFinishedBadly(task: ExportTask): boolean {
  return task.Status === 'FAILED' || task.Status === 'CANCELED';
}

async function describeTask(rds: RDSClient, id: string): Promise<ExportTask | undefined> {
  try {
    return (await rds.send(new DescribeExportTasksCommand({ ExportTaskIdentifier: id }))).ExportTasks?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'ExportTaskNotFoundFault') return undefined;
    throw error;
  }
}

/** An export is joined only when it is of this snapshot (or of a temporary snapshot, on a detour) and writes where this stage reads. */
function checkJoinable(task: ExportTask, id: string, input: StartExportInput, destination: ExportDestination): void {
  const clean = (prefix: string | undefined) => (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (task.S3Bucket !== destination.bucketName || clean(task.S3Prefix) !== clean(destination.prefix)) {
    throw new ExportRejectedError(`export id ${id} is already used by an export to s3://${task.S3Bucket ?? '?'}/${clean(task.S3Prefix)}, `
      + `not to this stage's s3://${destination.bucketName}/${clean(destination.prefix)}: another stage or project uses the same export ids`);
  }
  const temporary = input.viaTemporarySnapshot === true && (task.SourceArn ?? '').includes(`:cluster-snapshot:${TEMPORARY_PREFIX}`);
  if (task.SourceArn !== undefined && task.SourceArn !== input.snapshotArn && !temporary) {
    throw new ExportRejectedError(`export id ${id} is already used by an export of ${task.SourceArn}, not of ${input.snapshotArn}`);
  }
}

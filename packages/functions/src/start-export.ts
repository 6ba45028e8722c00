import { DescribeExportTasksCommand, RDSClient, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { awsErrorName, ExportLimitReachedError, ExportRejectedError, InvalidInputError } from './errors';
import { log } from './log';

export interface StartExportInput {
  /** ARN of the DB snapshot or DB cluster snapshot to export. */
  readonly snapshotArn: string;
  /** From `exportTaskIdentifier(snapshotIdentifier)`: the same snapshot always gives the same id. */
  readonly exportTaskIdentifier: string;
}

export interface ExportDestination {
  readonly bucketName: string;
  readonly prefix?: string;
  readonly exportRoleArn: string;
  readonly kmsKeyArn: string;
}

export interface StartExportResult {
  readonly exportTaskIdentifier: string;
  readonly status: string;
  /** True when an export with this id was already running or done, and this call joined it. */
  readonly joined: boolean;
}

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

/** Starts the export of a snapshot, or joins the export already started for it. */
export async function startExport(rds: RDSClient, input: StartExportInput, destination: ExportDestination): Promise<StartExportResult> {
  if (typeof input?.snapshotArn !== 'string' || !input.snapshotArn.startsWith('arn:')) {
    throw new InvalidInputError(`startExport: snapshotArn must be a snapshot ARN, got ${JSON.stringify(input?.snapshotArn)}`);
  }
  if (typeof input.exportTaskIdentifier !== 'string' || input.exportTaskIdentifier === '') {
    throw new InvalidInputError('startExport: exportTaskIdentifier is missing');
  }
  const id = input.exportTaskIdentifier;
  try {
    const started = await rds.send(new StartExportTaskCommand({
      ExportTaskIdentifier: id,
      SourceArn: input.snapshotArn,
      S3BucketName: destination.bucketName,
      S3Prefix: destination.prefix,
      IamRoleArn: destination.exportRoleArn,
      KmsKeyId: destination.kmsKeyArn,
    }));
    log.info('export started', { exportTaskIdentifier: id, snapshotArn: input.snapshotArn });
    return { exportTaskIdentifier: id, status: started.Status ?? 'STARTING', joined: false };
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'ExportTaskAlreadyExistsFault') return joinExisting(rds, id, input.snapshotArn);
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

async function joinExisting(rds: RDSClient, id: string, snapshotArn: string): Promise<StartExportResult> {
  const described = await rds.send(new DescribeExportTasksCommand({ ExportTaskIdentifier: id }));
  const task = described.ExportTasks?.[0];
  if (!task) throw new ExportRejectedError(`export ${id} already exists but DescribeExportTasks does not return it`);
  if (task.SourceArn !== undefined && task.SourceArn !== snapshotArn) {
    throw new ExportRejectedError(`export id ${id} is already used by an export of ${task.SourceArn}, not of ${snapshotArn}`);
  }
  log.info('joined existing export', { exportTaskIdentifier: id, status: task.Status });
  return { exportTaskIdentifier: id, status: task.Status ?? 'STARTING', joined: true };
}

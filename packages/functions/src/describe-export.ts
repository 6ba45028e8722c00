import { DescribeExportTasksCommand, RDSClient } from '@aws-sdk/client-rds';
import { WORKFLOW_ERRORS } from '@snaplake/core';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { boundedMessage } from './step-results';

export interface ExportStatus {
  readonly exportTaskIdentifier: string;
  /** STARTING, IN_PROGRESS, COMPLETE, FAILED, CANCELING, CANCELED. */
  readonly status: string;
  readonly percentProgress: number;
  readonly totalExtractedDataInGB: number;
  /** RDS's FailureCause, its first 2,000 characters. */
  readonly failureCause: string;
  /** Tables the export skipped, as RDS reports them: its first 2,000 characters. */
  readonly warningMessage: string;
  readonly s3Bucket: string;
  readonly s3Prefix: string;
  /** What the export was asked to write (ExportOnly); empty for everything. */
  readonly exportOnly: string[];
  /** ISO times the task started and ended ('' until known): the export's duration. */
  readonly taskStartTime: string;
  readonly taskEndTime: string;
}

/** The export id is not (yet) known to RDS: retried a few times, as a just-started export can lag. */
export class ExportNotFoundError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.exportNotFound, message);
  }
}

/** Reads the state of one export task. */
export async function describeExport(rds: RDSClient, input: { exportTaskIdentifier: string }): Promise<ExportStatus> {
  const id = input?.exportTaskIdentifier;
  if (typeof id !== 'string' || id === '') throw new InvalidInputError('describeExport: exportTaskIdentifier is missing');
  let task;
  try {
    task = (await rds.send(new DescribeExportTasksCommand({ ExportTaskIdentifier: id }))).ExportTasks?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'ExportTaskNotFoundFault') throw new ExportNotFoundError(`export ${id} is not known to RDS`);
    throw error;
  }
  if (!task) throw new ExportNotFoundError(`export ${id} is not known to RDS`);
  return {
    exportTaskIdentifier: id,
    status: task.Status ?? 'UNKNOWN',
    percentProgress: task.PercentProgress ?? 0,
    totalExtractedDataInGB: task.TotalExtractedDataInGB ?? 0,
    // Both go into the workflow's state and its notices: bounded, with where to read them whole.
    failureCause: boundedMessage(task.FailureCause ?? '', `aws rds describe-export-tasks --export-task-identifier ${id}`),
    warningMessage: boundedMessage(task.WarningMessage ?? '', `aws rds describe-export-tasks --export-task-identifier ${id}`),
    s3Bucket: task.S3Bucket ?? '',
    s3Prefix: task.S3Prefix ?? '',
    exportOnly: task.ExportOnly ?? [],
    taskStartTime: task.TaskStartTime?.toISOString() ?? '',
    taskEndTime: task.TaskEndTime?.toISOString() ?? '',
  };
}

// Errors a handler throws on purpose. Step Functions matches them by name (the Lambda `errorType`),
// so each name is part of the workflow's contract: retry, wait, or fail with the message.

import { WorkflowErrorName, WORKFLOW_ERRORS } from '@snaplake/core';

/** Base of every error a workflow step throws on purpose. */
export class WorkflowError extends Error {
  constructor(name: WorkflowErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** The account already runs the most exports RDS allows at once (5): the workflow waits and retries. */
export class ExportLimitReachedError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.exportLimitReached, message);
  }
}

/** RDS refused the export for a reason a retry will not fix (missing snapshot, key, role, bucket). */
export class ExportRejectedError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.exportRejected, message);
  }
}

/** The step's input is not what the workflow promised; a bug or a hand-started execution with bad input. */
export class InvalidInputError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.invalidInput, message);
  }
}

/** The error's name as the AWS SDK reports it, or undefined for anything that is not an Error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

// Names of the errors the Lambda steps throw on purpose. Step Functions matches a Retry or Catch by
// the error's name (the Lambda `errorType`), so functions names each error it throws from here and
// infra's workflows match the same constants: a rename changes both sides.

/** Every error name a snaplake Lambda step throws on purpose, for the workflows' Retry and Catch. */
export const WORKFLOW_ERRORS = {
  /** The account already runs the most exports RDS allows at once: wait and retry. */
  exportLimitReached: 'ExportLimitReached',
  /** RDS refused the export for a reason a retry will not fix. */
  exportRejected: 'ExportRejected',
  /** An export task just started is not listed yet: retry shortly. */
  exportNotFound: 'ExportNotFound',
  /** The step's input is not what the workflow promised. */
  invalidInput: 'InvalidInput',
  /** The snapshot to export does not exist (any more). */
  snapshotNotFound: 'SnapshotNotFound',
  /** The crawler is still running from an earlier export: wait and retry. */
  crawlerBusy: 'CrawlerBusy',
  /** Glue refused the catalog change for a reason a retry will not fix. */
  catalogRefused: 'CatalogRefused',
  /** Objects are missing from a partner delivery after copying. */
  deliveryIncomplete: 'DeliveryIncomplete',
  /** A snapshot or copy is not available yet: poll again. */
  notReady: 'NotReady',
  /** The destination region holds the most manual snapshots it allows. */
  copyQuotaExceeded: 'CopyQuotaExceeded',
  /** RDS refused the snapshot copy for a reason a retry will not fix. */
  copyRejected: 'CopyRejected',
  /** An Athena query failed. */
  queryFailed: 'QueryFailed',
  /** An Athena query was cancelled. */
  queryCancelled: 'QueryCancelled',
  /** An Athena query still runs after the time a step may wait. */
  queryStillRunning: 'QueryStillRunning',
  /** An AWS API answered without a field its reference promises: a bug to report, not to retry. */
  unexpectedResponse: 'UnexpectedResponse',
  /** Glue accepted a batch but refused some of its entries. */
  catalogWriteFailed: 'CatalogWriteFailed',
  /** The stage's crawler does not exist (deployed without the crawler catalog). */
  crawlerMissing: 'CrawlerMissing',
  /** A Serverless v1 snapshot needs a provisioned engine version the config does not give. */
  restoreNotConfigured: 'RestoreNotConfigured',
} as const;

export type WorkflowErrorName = typeof WORKFLOW_ERRORS[keyof typeof WORKFLOW_ERRORS];

/**
 * AWS error names (as the SDK names its exceptions) that mean "slow down" or "try again". A function
 * lets them escape once the SDK's own retries are spent, and the workflow retries the step: throttling
 * (S3 answers `SlowDown`) and server errors (S3 `InternalError`, Glue `InternalServiceException`,
 * Athena and Glue `InternalServerException`, CloudWatch `InternalServiceFault`, RDS `InternalFailure`).
 */
export const TRANSIENT_AWS_ERRORS = [
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown',
  'InternalFailure', 'InternalError', 'InternalServerException', 'InternalServiceException', 'InternalServiceFault', 'ServiceUnavailable',
] as const;

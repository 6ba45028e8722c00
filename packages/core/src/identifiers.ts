import { createHash } from 'node:crypto';
import { SnaplakeError } from './errors';

/**
 * Every kind of identifier snaplake generates. Each one is made by a pure function of core, and each
 * function is property-tested against the constraint below for any valid input.
 */
export type GeneratedIdentifier =
  | 'exportTaskIdentifier'
  | 'exportAttemptIdentifier'
  | 'dbSnapshotIdentifier'
  | 'dbClusterSnapshotIdentifier'
  | 'dbClusterIdentifier'
  | 'executionName'
  | 'scheduleName'
  | 'glueDatabaseName'
  | 'glueTableName'
  | 'gluePartitionValue'
  | 'tagKey'
  | 'tagValue'
  | 's3Key'
  | 'athenaClientRequestToken';

/** One AWS constraint on a generated identifier, and where AWS documents it. */
export interface IdentifierConstraint {
  /** What the identifier names, for a user. */
  readonly names: string;
  /** The core function that makes it. */
  readonly generatedBy: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** Whether the length counts UTF-8 bytes (S3 keys, Glue names) or characters. */
  readonly lengthIn: 'characters' | 'bytes';
  /** The characters and shape AWS accepts. */
  readonly pattern: RegExp;
  readonly constraint: string;
  /** Where the constraint is documented: the SDK model doc of the parameter, and the AWS page. */
  readonly documentedAt: string;
}

// RDS identifiers: a letter first, then letters, digits and single hyphens, not ending with a hyphen.
const RDS_IDENTIFIER = /^[A-Za-z](?:-?[A-Za-z0-9])*$/;
const RDS_RULE = 'letters, digits and hyphens; first a letter; no two hyphens in a row; not ending with a hyphen';
const RDS_MODEL = 'node_modules/@aws-sdk/client-rds/dist-types/models (Constraints of the parameter)';
const GLUE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The table of every identifier snaplake generates, its AWS constraint, and where it is documented. */
export const IDENTIFIER_CONSTRAINTS: Readonly<Record<GeneratedIdentifier, IdentifierConstraint>> = {
  exportTaskIdentifier: {
    names: 'the RDS export task of a snapshot, and its top-level folder in the export bucket',
    generatedBy: 'exportTaskIdentifier',
    minLength: 1,
    maxLength: 60,
    lengthIn: 'characters',
    pattern: RDS_IDENTIFIER,
    constraint: `1-60 ${RDS_RULE}`,
    documentedAt: 'StartExportTask, ExportTaskIdentifier: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartExportTask.html '
      + '(the SDK model doc gives no limit; RDS rejects longer ids with InvalidParameterValue)',
  },
  exportAttemptIdentifier: {
    names: 'a re-run of an export whose earlier attempt FAILED or was CANCELED (`<id>-a2`, `<id>-a3`, ...)',
    generatedBy: 'exportAttemptIdentifier',
    minLength: 1,
    maxLength: 60,
    lengthIn: 'characters',
    pattern: RDS_IDENTIFIER,
    constraint: `1-60 ${RDS_RULE}`,
    documentedAt: 'StartExportTask, ExportTaskIdentifier: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartExportTask.html',
  },
  dbSnapshotIdentifier: {
    names: 'DR copies of DB snapshots (snaplake-dr-*) and scheduled DR source snapshots of DB instances (snaplake-dr-source-*)',
    generatedBy: 'copySnapshotIdentifier, drSourceSnapshotIdentifier',
    minLength: 1,
    maxLength: 255,
    lengthIn: 'characters',
    pattern: RDS_IDENTIFIER,
    constraint: `1-255 ${RDS_RULE}`,
    documentedAt: `${RDS_MODEL}: CopyDBSnapshotMessage.TargetDBSnapshotIdentifier, CreateDBSnapshotMessage.DBSnapshotIdentifier; `
      + 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html',
  },
  dbClusterSnapshotIdentifier: {
    names: 'DR copies of cluster snapshots, scheduled DR source snapshots of clusters, temporary Serverless v1 snapshots (snaplake-tmp-*)',
    generatedBy: 'copySnapshotIdentifier, drSourceSnapshotIdentifier, temporaryResourceNames',
    minLength: 1,
    maxLength: 63,
    lengthIn: 'characters',
    pattern: RDS_IDENTIFIER,
    constraint: `1-63 ${RDS_RULE}`,
    documentedAt: `${RDS_MODEL}: CopyDBClusterSnapshotMessage.TargetDBClusterSnapshotIdentifier, CreateDBClusterSnapshotMessage.DBClusterSnapshotIdentifier; `
      + 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBClusterSnapshot.html',
  },
  dbClusterIdentifier: {
    names: 'the temporary cluster a Serverless v1 snapshot is restored to (snaplake-tmp-*)',
    generatedBy: 'temporaryResourceNames',
    minLength: 1,
    maxLength: 63,
    lengthIn: 'characters',
    pattern: RDS_IDENTIFIER,
    constraint: `1-63 ${RDS_RULE}`,
    documentedAt: `${RDS_MODEL}: RestoreDBClusterFromSnapshotMessage.DBClusterIdentifier; `
      + 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterFromSnapshot.html',
  },
  executionName: {
    names: 'the export workflow execution started for a snapshot event',
    generatedBy: 'executionName',
    minLength: 1,
    maxLength: 80,
    lengthIn: 'characters',
    // Logging to CloudWatch needs 0-9, A-Z, a-z, - and _ only.
    pattern: /^[A-Za-z0-9_-]+$/,
    constraint: '1-80 characters; no white space, brackets, wildcards or special characters; 0-9 A-Z a-z - _ for CloudWatch logging',
    documentedAt: 'node_modules/@aws-sdk/client-sfn/dist-types/models/models_0.d.ts: StartExecutionInput.name; '
      + 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html',
  },
  scheduleName: {
    names: 'the EventBridge Scheduler schedule of a scheduled query',
    generatedBy: 'scheduleName',
    minLength: 1,
    maxLength: 64,
    lengthIn: 'characters',
    pattern: /^[0-9a-zA-Z_.-]+$/,
    constraint: '1-64 characters of 0-9 a-z A-Z - _ .',
    documentedAt: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (Name: pattern [0-9a-zA-Z-_.]+, length 1-64)',
  },
  glueDatabaseName: {
    names: 'the Glue database of one source database of one stage',
    generatedBy: 'glueDatabaseName',
    minLength: 1,
    maxLength: 255,
    lengthIn: 'bytes',
    pattern: GLUE_NAME,
    constraint: '1-255 bytes; lower case (Glue folds names to lower case); a-z 0-9 _ so Athena needs no quoting',
    documentedAt: 'node_modules/@aws-sdk/client-glue/dist-types/models/models_1.d.ts: DatabaseInput.Name ("folded to lowercase"); '
      + 'https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html',
  },
  glueTableName: {
    names: 'the current table and the `<table>_history` table of each exported table',
    generatedBy: 'glueTableNames, historyTableName',
    minLength: 1,
    maxLength: 255,
    lengthIn: 'bytes',
    pattern: GLUE_NAME,
    constraint: '1-255 bytes; lower case; a-z 0-9 _; distinct within the Glue database',
    documentedAt: 'node_modules/@aws-sdk/client-glue/dist-types/models/models_1.d.ts: TableInput.Name; '
      + 'https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html',
  },
  gluePartitionValue: {
    names: 'the snapshot_time partition of a history table (`2026-11-21T03:05:00Z`)',
    generatedBy: 'snapshotTimePartitionValue',
    minLength: 20,
    maxLength: 20,
    lengthIn: 'characters',
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    constraint: 'a UTC time to the second, sortable as text (partition values hold up to 1024 bytes)',
    documentedAt: 'https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-partitions.html (PartitionInput.Values)',
  },
  tagKey: {
    names: 'tags snaplake puts on snapshots, copies and temporary clusters (snaplake:*)',
    generatedBy: 'SNAPLAKE_TAG_KEYS',
    minLength: 1,
    maxLength: 128,
    lengthIn: 'characters',
    pattern: /^(?!aws:|rds:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    constraint: '1-128 Unicode letters, digits, white space, _ . : / = + - @; not starting with aws: or rds:',
    documentedAt: `${RDS_MODEL}: Tag.Key; https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html`,
  },
  tagValue: {
    names: 'values of those tags (execution ARNs, source snapshot ARNs)',
    generatedBy: 'tagValue',
    minLength: 1,
    maxLength: 256,
    lengthIn: 'characters',
    pattern: /^(?!aws:|rds:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    constraint: '1-256 Unicode letters, digits, white space, _ . : / = + - @; not starting with aws: or rds:',
    documentedAt: `${RDS_MODEL}: Tag.Value; https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html`,
  },
  s3Key: {
    names: 'export folders (`<prefix>/<export id>/`), delivered keys, query result folders',
    generatedBy: 'exportRootKey, deliveredKey, queryResultsPrefix',
    minLength: 1,
    maxLength: 1024,
    lengthIn: 'bytes',
    pattern: /^[^\u0000]+$/,
    constraint: 'at most 1024 bytes of UTF-8',
    documentedAt: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html',
  },
  athenaClientRequestToken: {
    names: 'the idempotency token of one scheduled query run',
    generatedBy: 'queryRequestToken',
    minLength: 32,
    maxLength: 128,
    lengthIn: 'characters',
    pattern: /^[\x20-\x7e]+$/,
    constraint: '32-128 characters',
    documentedAt: 'node_modules/@aws-sdk/client-athena/dist-types/models/models_0.d.ts: StartQueryExecutionInput.ClientRequestToken; '
      + 'https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html',
  },
};

/** Whether a value meets the constraint of its kind: its length (in characters or UTF-8 bytes) and its pattern. */
export function meetsConstraint(kind: GeneratedIdentifier, value: string): boolean {
  const rule = IDENTIFIER_CONSTRAINTS[kind];
  if (typeof value !== 'string') return false;
  const length = rule.lengthIn === 'bytes' ? Buffer.byteLength(value, 'utf8') : [...value].length;
  return length >= rule.minLength && length <= rule.maxLength && rule.pattern.test(value);
}

/** Throws a SnaplakeError naming the identifier and the broken constraint: a generator bug must never reach AWS. */
export function assertMeetsConstraint(kind: GeneratedIdentifier, value: string): string {
  if (!meetsConstraint(kind, value)) {
    const rule = IDENTIFIER_CONSTRAINTS[kind];
    throw new SnaplakeError(`${kind} ${JSON.stringify(value)} breaks its AWS constraint (${rule.constraint}; ${rule.documentedAt})`);
  }
  return value;
}

/** The first `length` hex characters of the SHA-256 of the exact text. */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A tag value that RDS accepts: at most 256 characters of the allowed set. A longer value (a snapshot
 * ARN with a 255-character id) keeps its start and ends with a hash of the whole value.
 */
export function tagValue(value: string): string {
  const clean = value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').replace(/^(aws|rds):/i, '_$1:');
  const chars = [...(clean === '' ? '_' : clean)];
  const fitted = chars.length <= 256 ? chars.join('') : `${chars.slice(0, 247).join('')}-${shortHash(value)}`;
  return assertMeetsConstraint('tagValue', fitted);
}

/**
 * The EventBridge Scheduler name of a scheduled query: `<project>-<stage>-<query>` when it fits in 64
 * characters; otherwise cut and ended with a hash of the full name, so two long query names never
 * collide at deploy.
 */
export function scheduleName(project: string, stage: string, queryName: string): string {
  const full = `${project}-${stage}-${queryName}`.replace(/[^0-9A-Za-z_.-]+/g, '-');
  const max = IDENTIFIER_CONSTRAINTS.scheduleName.maxLength;
  const name = full.length <= max ? full : `${full.slice(0, max - 9)}-${shortHash(`${project}\u0000${stage}\u0000${queryName}`)}`;
  return assertMeetsConstraint('scheduleName', name);
}

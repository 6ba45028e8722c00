// The AWS requests snaplake's code and AWS services make, as IAM sees them: who asks, for which
// action, on which resource, with which request context.
import type { StageConfig } from '@snaplake/core';
import type { AppPolicies } from './policies';
import { PARTITION, StackResolver, StackTemplate } from './resolve';

export interface PermissionRequest {
  /** Who makes it, for the report: `Live/ExportPipeline start-export`, `events.amazonaws.com (rule X)`. */
  readonly by: string;
  /** The role ARN, or the service principal (`events.amazonaws.com`) for a service acting on its own. */
  readonly principal: string;
  readonly action: string;
  /** A concrete ARN, or `*` for an action that takes no resource. */
  readonly resource: string;
  /** The account that owns the resource. @default the principal's account, or the ARN's */
  readonly resourceAccount?: string;
  /** Request context beyond `aws:SecureTransport` and, for a service, `aws:SourceAccount`. */
  readonly context?: Record<string, string | string[]>;
  /** What makes it: the SDK command, the state, or the AWS document that lists it. */
  readonly because: string;
}

/** What a request builder knows: the app's policies, one stack and its stage. */
export interface RequestScope {
  readonly app: AppPolicies;
  readonly stack: StackTemplate;
  readonly resolver: StackResolver;
  readonly stage: StageConfig;
  readonly project: string;
}

/** A sample instant for generated names (snapshots, exports). */
export const SAMPLE_TIME = '2026-11-22-03-00';

/** The database whose export the sample requests read: the stage's first. */
export function sampleDatabase(scope: Pick<RequestScope, 'stage'>): string {
  return scope.stage.databases[0]?.identifier ?? 'database';
}

/** A sample export task id (and the export's folder) of the stage. */
export function sampleExport(scope: Pick<RequestScope, 'stage' | 'project'>): string {
  return `${scope.project}-${scope.stage.name}-${sampleDatabase(scope)}-${SAMPLE_TIME}`;
}

export function arnIn(scope: RequestScope, service: string, resource: string, region = scope.stack.region): string {
  return `arn:${PARTITION}:${service}:${region}:${scope.stack.account}:${resource}`;
}

export const bucketArn = (bucket: string): string => `arn:${PARTITION}:s3:::${bucket}`;

/** The KMS key a bucket encrypts new objects with by default, or undefined (SSE-S3, or a bucket of another app). */
export function bucketKey(app: AppPolicies, bucket: string): string | undefined {
  for (const stack of app.stacks) {
    const resolver = app.resolvers.get(stack.id)!;
    for (const [id, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::S3::Bucket' || resolver.physicalName(id) !== bucket) continue;
      const rule = resource.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
      return rule?.KMSMasterKeyID ? resolver.string(rule.KMSMasterKeyID) : undefined;
    }
  }
  return undefined;
}

type Base = Pick<PermissionRequest, 'by' | 'principal' | 'because'> & { readonly resourceAccount?: string };

/** The KMS requests S3 makes with the caller's credentials for an SSE-KMS object (S3 user guide, "Using SSE-KMS"). */
function viaS3(scope: RequestScope, base: Base, key: string | undefined, actions: string[], bucket: string): PermissionRequest[] {
  if (!key) return [];
  return actions.map((action) => ({
    ...base,
    action,
    resource: key,
    context: { 'kms:ViaService': `s3.${scope.stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn(bucket) },
  }));
}

/** Reading an object: s3:GetObject, and kms:Decrypt when the bucket's key encrypts it. */
export function readObject(scope: RequestScope, base: Base, bucket: string, key: string): PermissionRequest[] {
  return [
    { ...base, action: 's3:GetObject', resource: `${bucketArn(bucket)}/${key}` },
    ...viaS3(scope, base, bucketKey(scope.app, bucket), ['kms:Decrypt'], bucket),
  ];
}

/** Writing an object: s3:PutObject, and kms:GenerateDataKey when the bucket encrypts with a key. */
export function writeObject(
  scope: RequestScope, base: Base, bucket: string, key: string, kmsKey = bucketKey(scope.app, bucket),
): PermissionRequest[] {
  return [
    { ...base, action: 's3:PutObject', resource: `${bucketArn(bucket)}/${key}` },
    ...viaS3(scope, base, kmsKey, ['kms:GenerateDataKey'], bucket),
  ];
}

/** Listing a bucket (ListObjectsV2), under a prefix. */
export function listBucket(base: Base, bucket: string, prefix?: string): PermissionRequest {
  return { ...base, action: 's3:ListBucket', resource: bucketArn(bucket), ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }) };
}

/**
 * A Glue Data Catalog request: Glue authorizes the catalog, the database and, for a table request,
 * the table ("Specifying AWS Glue resource ARNs", AWS Glue developer guide).
 */
export function glue(scope: RequestScope, base: Base, action: string, database: string, table?: string): PermissionRequest[] {
  return [
    { ...base, action, resource: arnIn(scope, 'glue', 'catalog') },
    { ...base, action, resource: arnIn(scope, 'glue', `database/${database}`) },
    ...(table ? [{ ...base, action, resource: arnIn(scope, 'glue', `table/${database}/${table}`) }] : []),
  ];
}

/** The stage's databases, by kind, for sample snapshot ARNs. */
export function databasesOf(stage: StageConfig, kind: 'instance' | 'cluster'): string[] {
  return stage.databases.filter((d) => d.kind === kind).map((d) => d.identifier);
}

/** A snapshot of a database, as RDS names automated snapshots. */
export function snapshotArn(scope: RequestScope, kind: 'instance' | 'cluster', name: string, region?: string): string {
  return arnIn(scope, 'rds', `${kind === 'instance' ? 'snapshot' : 'cluster-snapshot'}:${name}`, region);
}

export function databaseArn(scope: RequestScope, kind: 'instance' | 'cluster', identifier: string, region?: string): string {
  return arnIn(scope, 'rds', `${kind === 'instance' ? 'db' : 'cluster'}:${identifier}`, region);
}

// The requests each Lambda handler makes, by the SDK command that makes them, resolved from the
// function's environment and its stage. A test checks these commands against the commands each
// handler's bundle sends, so a new SDK call that is not declared here fails the tests.
import { DR_COPY_PREFIX, DR_SOURCE_PREFIX, TEMPORARY_PREFIX } from '@snaplake/core';
import {
  arnIn, bucketArn, databaseArn, databasesOf, glue, listBucket, PermissionRequest, readObject, RequestScope, SAMPLE_TIME,
  sampleDatabase, sampleExport, snapshotArn, writeObject,
} from './requests';

/** One function of a template: its handler, resolved environment and role. */
export interface FunctionScope extends RequestScope {
  readonly handler: string;
  readonly env: Record<string, string>;
  readonly functionArn: string;
  readonly base: { readonly by: string; readonly principal: string; readonly because: string };
}

type CommandRequests = (f: FunctionScope) => PermissionRequest[];

type Context = Record<string, string | string[]>;

const on = (f: FunctionScope, because: string, action: string, resources: string[], context?: Context): PermissionRequest[] =>
  resources.map((resource) => ({ ...f.base, because, action, resource, ...(context ? { context } : {}) }));

/** Snapshots of every database of the stage, as automated snapshots name them. */
function sourceSnapshots(f: FunctionScope): string[] {
  return [
    ...databasesOf(f.stage, 'instance').map((id) => snapshotArn(f, 'instance', `rds:${id}-${SAMPLE_TIME}`)),
    ...databasesOf(f.stage, 'cluster').map((id) => snapshotArn(f, 'cluster', `rds:${id}-${SAMPLE_TIME}`)),
  ];
}

/**
 * The snapshots a trigger function describes: the snapshot of every snapshot-created event its rule
 * delivers (of any database of the account: it filters on WATCHED_DATABASES after describing), of the
 * kinds the rule's event pattern names.
 */
function eventSnapshots(f: FunctionScope): string[] {
  const functionArn = f.functionArn;
  const detailTypes = Object.values<any>(f.stack.template.Resources ?? {})
    .filter((r) => r.Type === 'AWS::Events::Rule' && (r.Properties.Targets ?? []).some((t: any) => f.resolver.resolve(t.Arn) === functionArn))
    .flatMap((r) => r.Properties.EventPattern?.['detail-type'] ?? []);
  return [
    ...(detailTypes.includes('RDS DB Snapshot Event') ? [snapshotArn(f, 'instance', `rds:any-database-${SAMPLE_TIME}`)] : []),
    ...(detailTypes.includes('RDS DB Cluster Snapshot Event') ? [snapshotArn(f, 'cluster', `rds:any-cluster-${SAMPLE_TIME}`)] : []),
  ];
}

/** A backfill exports any snapshot of the account by its ARN, an instance's or a cluster's (docs/exports.md). */
function backfillSnapshots(f: FunctionScope): string[] {
  return [snapshotArn(f, 'instance', 'any-backfilled-snapshot'), snapshotArn(f, 'cluster', 'any-backfilled-snapshot')];
}

const describeSnapshots = (kind: 'instance' | 'cluster', snapshots: (f: FunctionScope) => string[]): CommandRequests => (f) => {
  const action = kind === 'instance' ? 'rds:DescribeDBSnapshots' : 'rds:DescribeDBClusterSnapshots';
  // A snapshot, or the database a filtered listing names (DBInstanceIdentifier / DBClusterIdentifier).
  const ofKind = kind === 'instance' ? /:(snapshot|db):/ : /:(cluster-snapshot|cluster):/;
  return on(f, `${action.slice(4)}Command`, action, snapshots(f).filter((arn) => ofKind.test(arn)));
};

/** The destinations of snapshot copies: region and key alias (COPY_DESTINATIONS). */
function copyDestinations(f: FunctionScope): { region: string; kmsKeyArn: string }[] {
  // plan-copies passes each copy its destination key, from its COPY_DESTINATIONS.
  for (const fn of Object.values<any>(f.stack.template.Resources ?? {})) {
    const destinations = fn.Type === 'AWS::Lambda::Function' ? fn.Properties.Environment?.Variables?.COPY_DESTINATIONS : undefined;
    if (destinations) return JSON.parse(f.resolver.string(destinations));
  }
  return [];
}

/** snaplake's copies, and the listing of each copied database's manual snapshots, in every destination region. */
function copiesAndDatabases(f: FunctionScope): string[] {
  const dr = f.stage.disasterRecovery;
  if (!dr) return [];
  const kinds = new Map(f.stage.databases.map((d) => [d.identifier, d.kind]));
  return [...copies(f), ...dr.destinationRegions.flatMap((region) => dr.databases.map((id) => databaseArn(f, kinds.get(id) ?? 'instance', id, region)))];
}

function copies(f: FunctionScope): string[] {
  const dr = f.stage.disasterRecovery;
  if (!dr) return [];
  const kinds = new Map(f.stage.databases.map((d) => [d.identifier, d.kind]));
  return dr.destinationRegions.flatMap((region) => dr.databases.map((id) => snapshotArn(f, kinds.get(id) ?? 'instance', `${DR_COPY_PREFIX}${f.stack.region}-rds-${id}-${SAMPLE_TIME}`, region)));
}

/** Automated snapshots of the databases the stage copies. */
function drDatabaseSnapshots(f: FunctionScope): string[] {
  const kinds = new Map(f.stage.databases.map((d) => [d.identifier, d.kind]));
  return (f.stage.disasterRecovery?.databases ?? []).map((id) => snapshotArn(f, kinds.get(id) ?? 'instance', `rds:${id}-${SAMPLE_TIME}`));
}

function drSourceSnapshots(f: FunctionScope): string[] {
  if (!f.stage.disasterRecovery?.snapshotSchedule) return [];
  const kinds = new Map(f.stage.databases.map((d) => [d.identifier, d.kind]));
  return (f.stage.disasterRecovery?.databases ?? []).map((id) => snapshotArn(f, kinds.get(id) ?? 'instance', `${DR_SOURCE_PREFIX}${id}-202611220300`));
}

/** The temporary cluster and snapshot of a Serverless v1 detour. */
function temporary(f: FunctionScope): { cluster: string; snapshot: string } {
  const name = `${TEMPORARY_PREFIX}${databasesOf(f.stage, 'cluster')[0] ?? 'cluster'}-0a1b2c3d`;
  return { cluster: databaseArn(f, 'cluster', name), snapshot: snapshotArn(f, 'cluster', name) };
}

const TAGGED_TEMPORARY = { 'aws:ResourceTag/snaplake:temporary': 'true' };

/** The Glue databases of the stage's databases (or, in a stage without any, of a backfilled snapshot's). */
function glueDatabases(f: FunctionScope): string[] {
  const ids = f.stage.databases.length > 0 ? f.stage.databases.map((d) => d.identifier) : [sampleDatabase(f)];
  return ids.map((id) => `${f.env.GLUE_DATABASE_PREFIX}_${id.replace(/-/g, '_')}_public`);
}

const exportKey = (f: FunctionScope) => `${sampleExport(f)}/orders/public.customers/1/part-00000.parquet`;

/** Every handler, its SDK commands and the requests each makes. */
export const HANDLER_REQUESTS: Record<string, Record<string, CommandRequests>> = {
  'resolve-snapshot': {
    DescribeDBSnapshotsCommand: (f) => [
      ...describeSnapshots('instance', (g) => [...sourceSnapshots(g), ...backfillSnapshots(g)])(f),
      ...on(f, 'DescribeDBSnapshotsCommand (DBInstanceIdentifier)', 'rds:DescribeDBSnapshots', databasesOf(f.stage, 'instance').map((id) => databaseArn(f, 'instance', id))),
    ],
    DescribeDBClusterSnapshotsCommand: (f) => [
      ...describeSnapshots('cluster', (g) => [...sourceSnapshots(g), ...backfillSnapshots(g)])(f),
      ...on(f, 'DescribeDBClusterSnapshotsCommand (DBClusterIdentifier)', 'rds:DescribeDBClusterSnapshots', databasesOf(f.stage, 'cluster').map((id) => databaseArn(f, 'cluster', id))),
    ],
  },
  'start-export': {
    // RDS user guide, "Exporting DB snapshot data to Amazon S3": the caller passes the export role and
    // needs kms:CreateGrant and kms:DescribeKey on the export key.
    StartExportTaskCommand: (f) => [
      // A Serverless v1 cluster is exported from the temporary provisioned cluster's snapshot.
      ...on(f, 'StartExportTaskCommand', 'rds:StartExportTask', [...sourceSnapshots(f), ...(f.stage.serverlessV1Restore ? [temporary(f).snapshot] : [])]),
      ...on(f, 'StartExportTaskCommand (a backfill)', 'rds:StartExportTask', backfillSnapshots(f)),
      ...on(f, 'StartExportTaskCommand (IamRoleArn)', 'iam:PassRole', [f.env.EXPORT_ROLE_ARN!]),
      ...on(f, 'StartExportTaskCommand (KmsKeyId)', 'kms:CreateGrant', [f.env.EXPORT_KMS_KEY_ARN!]),
      ...on(f, 'StartExportTaskCommand (KmsKeyId)', 'kms:DescribeKey', [f.env.EXPORT_KMS_KEY_ARN!]),
    ],
    DescribeExportTasksCommand: (f) => on(f, 'DescribeExportTasksCommand', 'rds:DescribeExportTasks', ['*']),
  },
  'describe-export': {
    DescribeExportTasksCommand: (f) => on(f, 'DescribeExportTasksCommand', 'rds:DescribeExportTasks', ['*']),
  },
  'register-catalog': {
    ListObjectsV2Command: (f) => [{ ...listBucket({ ...f.base, because: 'ListObjectsV2Command' }, f.env.EXPORT_BUCKET_NAME!, `${sampleExport(f)}/`) }],
    GetObjectCommand: (f) => readObject(f, { ...f.base, because: 'GetObjectCommand' }, f.env.EXPORT_BUCKET_NAME!, exportKey(f).replace(/\/orders\/.*$/, '/export_info.json')),
    ...Object.fromEntries([
      ['CreateDatabaseCommand', 'glue:CreateDatabase', false], ['GetTablesCommand', 'glue:GetTables', false],
      ['GetTableCommand', 'glue:GetTable', true], ['CreateTableCommand', 'glue:CreateTable', true], ['UpdateTableCommand', 'glue:UpdateTable', true],
      ['DeleteTableCommand', 'glue:DeleteTable', true], ['GetPartitionsCommand', 'glue:GetPartitions', true],
      ['BatchCreatePartitionCommand', 'glue:BatchCreatePartition', true], ['BatchDeletePartitionCommand', 'glue:BatchDeletePartition', true],
    ].map(([command, action, table]) => [command, (f: FunctionScope) => glueDatabases(f).flatMap((db) => glue(f, { ...f.base, because: command as string }, action as string, db, table ? 'customers' : undefined))])),
  },
  'start-crawler': {
    CreateDatabaseCommand: (f) => glue(f, { ...f.base, because: 'CreateDatabaseCommand' }, 'glue:CreateDatabase', `${f.env.GLUE_DATABASE_PREFIX}_${sampleDatabase(f).replace(/-/g, '_')}`),
    UpdateCrawlerCommand: (f) => on(f, 'UpdateCrawlerCommand', 'glue:UpdateCrawler', [arnIn(f, 'glue', `crawler/${f.env.CRAWLER_NAME}`)]),
    StartCrawlerCommand: (f) => on(f, 'StartCrawlerCommand', 'glue:StartCrawler', [arnIn(f, 'glue', `crawler/${f.env.CRAWLER_NAME}`)]),
  },
  'start-workflow': {
    StartExecutionCommand: (f) => on(f, 'StartExecutionCommand', 'states:StartExecution', [f.env.STATE_MACHINE_ARN!]),
    DescribeDBSnapshotsCommand: describeSnapshots('instance', eventSnapshots),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', eventSnapshots),
  },
  'report-export': {},
  'serverless-detour': {
    // RDS authorizes a restore on the new cluster, the snapshot, the subnet group, and the default
    // cluster parameter group and option group it uses (Service Authorization Reference, RDS).
    RestoreDBClusterFromSnapshotCommand: (f) => {
      const settings = JSON.parse(f.env.RESTORE_SETTINGS!);
      const engine = Object.keys(settings.engineVersions)[0]!;
      const major = String(settings.engineVersions[engine]).split('.')[0];
      return [
        ...on(f, 'RestoreDBClusterFromSnapshotCommand', 'rds:RestoreDBClusterFromSnapshot', [
          temporary(f).cluster, ...sourceSnapshots(f).filter((a) => a.includes(':cluster-snapshot:')),
          arnIn(f, 'rds', `subgrp:${settings.subnetGroupName}`), arnIn(f, 'rds', `cluster-pg:default.${engine}${major}`), arnIn(f, 'rds', `og:default:${engine}-${major}`),
        ]),
        ...on(f, 'RestoreDBClusterFromSnapshotCommand (Tags)', 'rds:AddTagsToResource', [temporary(f).cluster]),
      ];
    },
    DescribeDBClustersCommand: (f) => on(f, 'DescribeDBClustersCommand', 'rds:DescribeDBClusters', [temporary(f).cluster]),
    CreateDBClusterSnapshotCommand: (f) => [
      ...on(f, 'CreateDBClusterSnapshotCommand', 'rds:CreateDBClusterSnapshot', [temporary(f).cluster, temporary(f).snapshot]),
      ...on(f, 'CreateDBClusterSnapshotCommand (Tags)', 'rds:AddTagsToResource', [temporary(f).snapshot]),
    ],
    DescribeDBClusterSnapshotsCommand: (f) => on(f, 'DescribeDBClusterSnapshotsCommand', 'rds:DescribeDBClusterSnapshots', [temporary(f).snapshot]),
    DeleteDBClusterSnapshotCommand: (f) => on(f, 'DeleteDBClusterSnapshotCommand', 'rds:DeleteDBClusterSnapshot', [temporary(f).snapshot], TAGGED_TEMPORARY),
    DeleteDBClusterCommand: (f) => on(f, 'DeleteDBClusterCommand', 'rds:DeleteDBCluster', [temporary(f).cluster], TAGGED_TEMPORARY),
  },
  'sweep-temporary': {
    // Lists every cluster and manual cluster snapshot of the account, and deletes only tagged ones.
    DescribeDBClustersCommand: (f) => on(f, 'DescribeDBClustersCommand', 'rds:DescribeDBClusters', [databaseArn(f, 'cluster', 'any-cluster')]),
    DescribeDBClusterSnapshotsCommand: (f) => on(f, 'DescribeDBClusterSnapshotsCommand', 'rds:DescribeDBClusterSnapshots', [snapshotArn(f, 'cluster', 'any-snapshot')]),
    DeleteDBClusterCommand: (f) => on(f, 'DeleteDBClusterCommand', 'rds:DeleteDBCluster', [temporary(f).cluster], TAGGED_TEMPORARY),
    DeleteDBClusterSnapshotCommand: (f) => on(f, 'DeleteDBClusterSnapshotCommand', 'rds:DeleteDBClusterSnapshot', [temporary(f).snapshot], TAGGED_TEMPORARY),
    DescribeExecutionCommand: (f) => on(f, 'DescribeExecutionCommand', 'states:DescribeExecution', [arnIn(f, 'states', `execution:${f.env.STATE_MACHINE_NAME}:0a1b2c3d`)]),
  },
  'start-scheduled-query': {
    // Athena reads the lake and writes results with the caller's credentials: see athenaQueryRequests.
    StartQueryExecutionCommand: (f) => on(f, 'StartQueryExecutionCommand', 'athena:StartQueryExecution', [arnIn(f, 'athena', `workgroup/${f.env.WORKGROUP}`)]),
  },
  'check-scheduled-query': {
    GetQueryExecutionCommand: (f) => on(f, 'GetQueryExecutionCommand', 'athena:GetQueryExecution', [arnIn(f, 'athena', `workgroup/${f.project}-${f.stage.name}-scheduled`)]),
  },
  'finish-scheduled-query': {
    // CopyObject reads the source and writes the target (S3 API reference, CopyObject): the latest
    // result of each query that keeps it (`-- latest: true`).
    CopyObjectCommand: (f) => scheduledQueries(f).filter((q) => q.keepLatest).flatMap((q) => [
      ...readObject(f, { ...f.base, because: 'CopyObjectCommand (source)' }, f.env.RESULTS_BUCKET_NAME!, `${q.name}/2026/11/22/0a1b2c3d.csv`),
      ...writeObject(f, { ...f.base, because: 'CopyObjectCommand (target)' }, f.env.RESULTS_BUCKET_NAME!, `${q.name}/latest.csv`),
    ]),
  },
  'plan-copies': {
    DescribeDBSnapshotsCommand: describeSnapshots('instance', (f) => [...drDatabaseSnapshots(f), ...drSourceSnapshots(f)]),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', (f) => [...drDatabaseSnapshots(f), ...drSourceSnapshots(f)]),
    CreateDBSnapshotCommand: (f) => drCreate(f, 'instance'),
    CreateDBClusterSnapshotCommand: (f) => drCreate(f, 'cluster'),
    DeleteDBSnapshotCommand: (f) => on(f, 'DeleteDBSnapshotCommand', 'rds:DeleteDBSnapshot', drSourceSnapshots(f).filter((a) => a.includes(':snapshot:')), { 'aws:ResourceTag/snaplake:dr-source': 'true' }),
    DeleteDBClusterSnapshotCommand: (f) => on(f, 'DeleteDBClusterSnapshotCommand', 'rds:DeleteDBClusterSnapshot', drSourceSnapshots(f).filter((a) => a.includes(':cluster-snapshot:')), { 'aws:ResourceTag/snaplake:dr-source': 'true' }),
  },
  'copy-snapshot': {
    CopyDBSnapshotCommand: (f) => drCopy(f, 'instance'),
    CopyDBClusterSnapshotCommand: (f) => drCopy(f, 'cluster'),
    DescribeDBSnapshotsCommand: describeSnapshots('instance', copies),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', copies),
  },
  'describe-copy': {
    DescribeDBSnapshotsCommand: describeSnapshots('instance', copies),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', copies),
  },
  'prune-copies': {
    DescribeDBSnapshotsCommand: describeSnapshots('instance', copiesAndDatabases),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', copiesAndDatabases),
    DeleteDBSnapshotCommand: (f) => on(f, 'DeleteDBSnapshotCommand', 'rds:DeleteDBSnapshot', copies(f).filter((a) => a.includes(':snapshot:')), { 'aws:ResourceTag/snaplake:dr-copy': 'true' }),
    DeleteDBClusterSnapshotCommand: (f) => on(f, 'DeleteDBClusterSnapshotCommand', 'rds:DeleteDBClusterSnapshot', copies(f).filter((a) => a.includes(':cluster-snapshot:')), { 'aws:ResourceTag/snaplake:dr-copy': 'true' }),
  },
  'report-recovery-points': {
    DescribeDBSnapshotsCommand: describeSnapshots('instance', copiesAndDatabases),
    DescribeDBClusterSnapshotsCommand: describeSnapshots('cluster', copiesAndDatabases),
  },
  'deliver-export': {
    ListObjectsV2Command: (f) => [
      listBucket({ ...f.base, because: 'ListObjectsV2Command (export)' }, f.env.EXPORT_BUCKET_NAME!, `${sampleExport(f)}/`),
      ...deliveries(f).map((d) => ({ ...listBucket({ ...f.base, because: 'ListObjectsV2Command (partner)', resourceAccount: PARTNER_ACCOUNT }, d.destination, `${d.destinationPrefix}/`) })),
    ],
    // HeadObject needs s3:GetObject; on a key not delivered yet it answers 404 only to a caller with
    // s3:ListBucket (S3 API reference, HeadObject), which a HEAD request sends with no prefix.
    HeadObjectCommand: (f) => deliveries(f).flatMap((d) => [
      { ...f.base, because: 'HeadObjectCommand (partner)', action: 's3:GetObject', resource: `${bucketArn(d.destination)}/${d.destinationPrefix}/part-00000.parquet`, resourceAccount: PARTNER_ACCOUNT },
      { ...f.base, because: 'HeadObjectCommand (partner, key not delivered yet)', action: 's3:ListBucket', resource: bucketArn(d.destination), resourceAccount: PARTNER_ACCOUNT },
    ]),
    CopyObjectCommand: (f) => deliveryCopy(f, 'CopyObjectCommand'),
    CreateMultipartUploadCommand: (f) => deliveryWrite(f, 'CreateMultipartUploadCommand'),
    UploadPartCopyCommand: (f) => deliveryCopy(f, 'UploadPartCopyCommand'),
    CompleteMultipartUploadCommand: (f) => deliveryWrite(f, 'CompleteMultipartUploadCommand'),
    AbortMultipartUploadCommand: (f) => deliveries(f).map((d) => ({
      ...f.base, because: 'AbortMultipartUploadCommand', action: 's3:AbortMultipartUpload', resource: `${bucketArn(d.destination)}/${d.destinationPrefix}/part-00000.parquet`, resourceAccount: PARTNER_ACCOUNT,
    })),
  },
};

/** The partner's account in the simulation: another account than any stage's. */
export const PARTNER_ACCOUNT = '999999999999';

interface Delivery { destination: string; destinationPrefix: string; kmsKeyArn?: string; bucketOwnerEnforced?: boolean }

export function deliveries(f: { env: Record<string, string> }): Delivery[] {
  return Object.values(JSON.parse(f.env.DELIVERIES ?? '{}'));
}

function deliveryWrite(f: FunctionScope, because: string): PermissionRequest[] {
  return deliveries(f).flatMap((d) => {
    const key = `${d.destinationPrefix}/part-00000.parquet`;
    const base = { ...f.base, because, resourceAccount: PARTNER_ACCOUNT };
    return [
      ...writeObject(f, base, d.destination, key, d.kmsKeyArn),
      // A write with an ACL (bucket-owner-full-control, unless the partner enforces bucket-owner
      // ownership) also needs s3:PutObjectAcl (S3 API reference, PutObject, "Permissions").
      ...(d.bucketOwnerEnforced ? [] : [{ ...base, action: 's3:PutObjectAcl', resource: `${bucketArn(d.destination)}/${key}` }]),
    ];
  });
}

/** The scheduled queries of the function's stack, from its schedules' input. */
function scheduledQueries(f: FunctionScope): { name: string; keepLatest?: boolean }[] {
  return Object.values<any>(f.stack.template.Resources ?? {})
    .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
    .map((r) => JSON.parse(f.resolver.string(r.Properties.Target.Input)).query);
}

function deliveryCopy(f: FunctionScope, because: string): PermissionRequest[] {
  return [
    ...readObject(f, { ...f.base, because: `${because} (source)` }, f.env.EXPORT_BUCKET_NAME!, exportKey(f)),
    ...deliveryWrite(f, `${because} (target)`),
  ];
}

function drCreate(f: FunctionScope, kind: 'instance' | 'cluster'): PermissionRequest[] {
  // Only a stage copying on its own schedule takes (and later deletes) snapshots of its own.
  if (!f.stage.disasterRecovery?.snapshotSchedule) return [];
  const action = kind === 'instance' ? 'rds:CreateDBSnapshot' : 'rds:CreateDBClusterSnapshot';
  const kinds = new Map(f.stage.databases.map((d) => [d.identifier, d.kind]));
  const ids = (f.stage.disasterRecovery?.databases ?? []).filter((id) => kinds.get(id) === kind);
  return ids.flatMap((id) => {
    const snapshot = snapshotArn(f, kind, `${DR_SOURCE_PREFIX}${id}-202611220300`);
    return [
      ...on(f, `${action.slice(4)}Command`, action, [databaseArn(f, kind, id), snapshot]),
      ...on(f, `${action.slice(4)}Command (Tags)`, 'rds:AddTagsToResource', [snapshot]),
    ];
  });
}

/**
 * A cross-region copy, sent in the destination region: RDS authorizes the copy on the source and the
 * target snapshot, tagging on the target, and kms:CreateGrant and kms:DescribeKey on the destination key.
 */
function drCopy(f: FunctionScope, kind: 'instance' | 'cluster'): PermissionRequest[] {
  const action = kind === 'instance' ? 'rds:CopyDBSnapshot' : 'rds:CopyDBClusterSnapshot';
  const prefix = kind === 'instance' ? ':snapshot:' : ':cluster-snapshot:';
  const targets = copies(f).filter((a) => a.includes(prefix));
  if (targets.length === 0) return [];
  const sources = sourceSnapshots(f).filter((a) => a.includes(prefix));
  return [
    ...on(f, `${action.slice(4)}Command`, action, [...sources, ...targets]),
    ...on(f, `${action.slice(4)}Command (Tags)`, 'rds:AddTagsToResource', targets),
    ...copyDestinations(f).flatMap((d) => destinationKeyRequests(f, d.kmsKeyArn, `${action.slice(4)}Command (KmsKeyId)`)),
  ];
}

function destinationKeyRequests(f: FunctionScope, aliasArn: string, because: string): PermissionRequest[] {
  const alias = /:(alias\/.+)$/.exec(aliasArn)?.[1];
  const region = aliasArn.split(':')[3]!;
  const key = keyOfAlias(f, region, alias);
  if (!key) return [];
  return ['kms:CreateGrant', 'kms:DescribeKey'].flatMap((action) => on(f, because, action, [key], { 'kms:ResourceAliases': [alias!] }));
}

/** The key an alias of the app names, in a region. */
export function keyOfAlias(scope: RequestScope, region: string, alias: string | undefined): string | undefined {
  for (const stack of scope.app.stacks.filter((s) => s.region === region && s.account === scope.stack.account)) {
    const resolver = scope.app.resolvers.get(stack.id)!;
    for (const resource of Object.values<any>(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::KMS::Alias' || resolver.string(resource.Properties.AliasName) !== alias) continue;
      const target = resolver.string(resource.Properties.TargetKeyId);
      return target.startsWith('arn:') ? target : `arn:aws:kms:${region}:${stack.account}:key/${target}`;
    }
  }
  return undefined;
}


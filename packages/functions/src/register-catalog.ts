import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetPartitionsCommand,
  GetTablesCommand,
  GlueClient,
  Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import {
  catalogName,
  catalogTable,
  CatalogTable,
  currentTableInput,
  expiredPartitionValues,
  ExportedTable,
  ExportVersion,
  GlueTableInput,
  GluePartitionInput,
  historyPartitionInput,
  historyTableInput,
  historyTableName,
  parseExportInfo,
  parseExportTablesInfo,
  shouldSwitchCurrentTable,
  snapshotTimePartitionValue,
  SourceEngine,
} from '@snaplake/core';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { exportRootKey, readExportMetadata } from './export-files';
import { log } from './log';
import { chunk, mapWithConcurrency, withRetries } from './retry';

export interface RegisterCatalogInput {
  readonly exportTaskIdentifier: string;
  readonly databaseIdentifier: string;
  readonly engine: SourceEngine;
  /** Snapshot time from the resolve step; export_info's own snapshotTime wins when present. */
  readonly snapshotTime: string;
}

export interface CatalogSettings {
  readonly bucketName: string;
  /** Prefix of exports in the bucket (may be empty). */
  readonly exportPrefix: string;
  /** Glue database names start with this, such as `snaplake_prod`. */
  readonly databasePrefix: string;
  /** Days exports stay in S3; older history partitions are dropped. */
  readonly retentionDays: number;
  /** Glue calls in flight at once; throttled calls are retried with backoff. @default 20 */
  readonly concurrency?: number;
  readonly now?: () => Date;
}

export interface RegisteredCatalog {
  readonly databases: string[];
  readonly tables: string[];
  /** Current tables left on a newer export than this one. */
  readonly currentTablesKept: string[];
  readonly partitionsAdded: number;
  readonly partitionsDropped: number;
  /** Tables not catalogued, with why (skipped by the export, unknown types...). */
  readonly skipped: string[];
}

/** The export is not COMPLETE: its tables must never reach the catalog. */
export class CatalogRefusedError extends WorkflowError {
  constructor(message: string) {
    super('CatalogRefused', message);
  }
}

const GLUE_PARTITION_BATCH = 100;
const GLUE_DELETE_BATCH = 25;

/**
 * Catalogs a COMPLETE export from its own metadata, with no crawler: per source database a Glue
 * database; per table a `<table>_history` table with this export as a partition and a current table
 * switched to this export. History partitions go first and current tables last, so a reader of a
 * current table never sees a half-registered export. Expired history partitions are dropped.
 */
export async function registerCatalog(
  glue: GlueClient, s3: S3Client, input: RegisterCatalogInput, settings: CatalogSettings,
): Promise<RegisteredCatalog> {
  if (typeof input?.exportTaskIdentifier !== 'string' || typeof input.databaseIdentifier !== 'string') {
    throw new InvalidInputError('registerCatalog: exportTaskIdentifier and databaseIdentifier are required');
  }
  if (input.engine !== 'postgres' && input.engine !== 'mysql') throw new InvalidInputError(`registerCatalog: engine must be postgres or mysql, got ${JSON.stringify(input.engine)}`);
  const rootKey = exportRootKey(settings.exportPrefix, input.exportTaskIdentifier);
  const files = await readExportMetadata(s3, settings.bucketName, rootKey);
  const info = parseExportInfo(files.exportInfo);
  if (info.status !== 'COMPLETE') throw new CatalogRefusedError(`export ${input.exportTaskIdentifier} is ${info.status}, not COMPLETE: the catalog is left untouched`);
  const version: ExportVersion = {
    exportTaskIdentifier: input.exportTaskIdentifier,
    snapshotTime: snapshotTimePartitionValue(info.snapshotTime ?? input.snapshotTime),
  };
  const tablesInfo = parseExportTablesInfo(files.tablesInfo);
  const exportRoot = `s3://${settings.bucketName}/${rootKey.replace(/\/$/, '')}`;
  const skipped = [...tablesInfo.warnings];
  const planned: { database: string; source: ExportedTable; table: CatalogTable }[] = [];
  for (const source of tablesInfo.tables) {
    const table = catalogTable(source, exportRoot, input.engine);
    if ('skipped' in table) skipped.push(table.skipped);
    else planned.push({ database: catalogName(settings.databasePrefix, input.databaseIdentifier, source.database), source, table });
  }

  const limit = settings.concurrency ?? 20;
  const databases = [...new Set(planned.map((p) => p.database))];
  await mapWithConcurrency(databases, limit, (name) => ensureDatabase(glue, name, input.databaseIdentifier));
  // One listing per database instead of a GetTable per table.
  const existing = new Map<string, Table>();
  for (const database of databases) {
    for (const table of await listTables(glue, database)) existing.set(`${database}.${table.Name}`, table);
  }
  const exists = (database: string, name: string) => existing.get(`${database}.${name}`);

  // 1. History: every table gets this export as a partition before any current table moves.
  const cleanPrefix = settings.exportPrefix.replace(/^\/+|\/+$/g, '');
  const exportsRoot = `s3://${settings.bucketName}/${cleanPrefix === '' ? '' : `${cleanPrefix}/`}`;
  const added = await mapWithConcurrency(planned, limit, async ({ database, source, table }) => {
    const history = historyTableInput(table, exportsRoot, source.target);
    await putTable(glue, database, history, exists(database, history.Name));
    return addPartitions(glue, database, history.Name, [historyPartitionInput(table, version)]);
  });
  const partitionsAdded = sum(added);

  // 2. Current tables switch to this export, unless they already read a newer one.
  const kept: string[] = [];
  await mapWithConcurrency(planned, limit, async ({ database, source, table }) => {
    const current = exists(database, table.name);
    if (current && !shouldSwitchCurrentTable(current.Parameters, version)) {
      kept.push(`${database}.${table.name}`);
      return;
    }
    await putTable(glue, database, currentTableInput(table, version, source.target), current);
  });

  // 3. History partitions whose data has expired from S3 are dropped (a new history table has only this export's).
  const now = settings.now?.() ?? new Date();
  const dropped = await mapWithConcurrency(planned.filter(({ database, table }) => exists(database, historyTableName(table.name))), limit,
    ({ database, table }) => dropExpiredPartitions(glue, database, historyTableName(table.name), now, settings.retentionDays));
  const partitionsDropped = sum(dropped);

  const result = {
    databases,
    tables: planned.map((p) => `${p.database}.${p.table.name}`),
    currentTablesKept: kept,
    partitionsAdded,
    partitionsDropped,
    skipped,
  };
  log.info('catalog registered', {
    exportTaskIdentifier: input.exportTaskIdentifier, tables: result.tables.length, skipped: skipped.length, partitionsAdded, partitionsDropped,
  });
  return result;
}

async function ensureDatabase(glue: GlueClient, name: string, source: string): Promise<void> {
  try {
    await withRetries(() => glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: `Exports of ${source} (snaplake)` } })));
  } catch (error) {
    if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
  }
}

/** Creates the table, or updates it when it exists (also when another execution created it meanwhile). */
async function putTable(glue: GlueClient, database: string, input: GlueTableInput, existing: Table | undefined): Promise<void> {
  const tableInput = input as never;
  if (!existing) {
    try {
      await withRetries(() => glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: tableInput })));
      return;
    } catch (error) {
      if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
    }
  }
  await withRetries(() => glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: tableInput })));
}

async function listTables(glue: GlueClient, database: string): Promise<Table[]> {
  const tables: Table[] = [];
  let token: string | undefined;
  do {
    const page = await withRetries(() => glue.send(new GetTablesCommand({ DatabaseName: database, NextToken: token })));
    tables.push(...(page.TableList ?? []));
    token = page.NextToken;
  } while (token);
  return tables;
}

async function addPartitions(glue: GlueClient, database: string, table: string, partitions: GluePartitionInput[]): Promise<number> {
  let added = 0;
  for (const batch of chunk(partitions, GLUE_PARTITION_BATCH)) {
    const response = await withRetries(() => glue.send(new BatchCreatePartitionCommand({
      DatabaseName: database, TableName: table, PartitionInputList: batch as never,
    })));
    const errors = (response.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
    if (errors.length > 0) {
      const first = errors[0]!.ErrorDetail;
      throw new WorkflowError('CatalogWriteFailed', `adding ${errors.length} partition(s) to ${database}.${table} failed: ${first?.ErrorCode}: ${first?.ErrorMessage}`);
    }
    added += batch.length - (response.Errors?.length ?? 0);
  }
  return added;
}

async function dropExpiredPartitions(glue: GlueClient, database: string, table: string, now: Date, retentionDays: number): Promise<number> {
  const values: string[] = [];
  let token: string | undefined;
  do {
    const page = await withRetries(() => glue.send(new GetPartitionsCommand({ DatabaseName: database, TableName: table, NextToken: token })));
    values.push(...(page.Partitions ?? []).map((p) => p.Values?.[0]).filter((v): v is string => typeof v === 'string'));
    token = page.NextToken;
  } while (token);
  const expired = expiredPartitionValues(values, now, retentionDays);
  for (const batch of chunk(expired, GLUE_DELETE_BATCH)) {
    await withRetries(() => glue.send(new BatchDeletePartitionCommand({
      DatabaseName: database, TableName: table, PartitionsToDelete: batch.map((v) => ({ Values: [v] })),
    })));
  }
  return expired.length;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

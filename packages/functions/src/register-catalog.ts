import { GlueClient, Table } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import {
  currentTableInput,
  EXPORT_ID_PARAMETER,
  expiredPartitionValues,
  ExportVersion,
  glueDatabaseName,
  historyPartitionInput,
  historyTableInput,
  HistoryPartition,
  historyTableName,
  inExportScope,
  mergeHistoryPartitions,
  nameHeldByOtherTable,
  parseExportInfo,
  parseExportTablesInfo,
  planCatalogTables,
  readHistoryPartitions,
  sameTableDefinition,
  SNAPSHOT_TIME_PARAMETER,
  snapshotTimePartitionValue,
  SOURCE_TABLE_PARAMETER,
  SourceEngine,
  WORKFLOW_ERRORS,
} from '@snaplake/core';
import { mapWithConcurrency } from './concurrency';
import { writeCurrentTable } from './current-table';
import { InvalidInputError, WorkflowError } from './errors';
import { exportRootKey, readExportMetadata } from './export-files';
import { addPartitions, deletePartitions, deleteTable, ensureDatabase, listPartitions, listTables, putTableIfNewer } from './glue-catalog';
import { log } from './log';

export interface RegisterCatalogInput {
  readonly exportTaskIdentifier: string;
  readonly databaseIdentifier: string;
  readonly engine: SourceEngine;
  /**
   * Time of the snapshot the user asked for, from the resolve step. It wins over export_info's own
   * snapshotTime, which for a Serverless v1 export is the temporary snapshot's time.
   */
  readonly snapshotTime: string;
  /** The database's `exportOnly` list: tables outside it are never catalogued. @default - every table */
  readonly exportOnly?: readonly string[];
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
  /**
   * Current tables an earlier export had and this one left out (outside exportOnly, or dropped at the
   * source): deleted, so no one reads stale data as current. Their `_history` tables stay.
   */
  readonly currentTablesRetired: string[];
  readonly partitionsAdded: number;
  readonly partitionsDropped: number;
  /** Tables not catalogued, with why (skipped by the export, unknown types, a Glue name held by another table...). */
  readonly skipped: string[];
  /** Tables catalogued under another name than their plain one, because names clashed (docs/exports.md, "Table names"). */
  readonly renamed: string[];
}

/** The export is not COMPLETE: its tables must never reach the catalog. */
export class CatalogRefusedError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.catalogRefused, message);
  }
}

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
    snapshotTime: snapshotTimePartitionValue(validTime(input.snapshotTime) ?? info.snapshotTime ?? input.snapshotTime),
    exportedAt: new Date(validTime(info.taskStartTime) ?? settings.now?.() ?? Date.now()).toISOString(),
  };
  const tablesInfo = parseExportTablesInfo(files.tablesInfo, input.engine);
  const exportRoot = `s3://${settings.bucketName}/${rootKey.replace(/\/$/, '')}`;
  const inScope = tablesInfo.tables.filter((table) => inExportScope(table, input.exportOnly, input.engine));
  // Source tables this export still has, catalogued or not: a table it skipped keeps its current table.
  const stillExported = new Set(inScope.map((table) => table.target));
  const plan = planCatalogTables(inScope, exportRoot, input.engine);
  const skipped = [
    ...tablesInfo.warnings,
    ...tablesInfo.tables.filter((table) => !stillExported.has(table.target)).map((table) => `${table.target}: outside exportOnly, not catalogued`),
    ...plan.skipped,
  ];
  const candidates = plan.tables.map(({ source, table }) => ({
    database: glueDatabaseName(settings.databasePrefix, input.databaseIdentifier, source.database), source, table,
  }));

  const limit = settings.concurrency ?? 20;
  const databases = [...new Set(candidates.map((p) => p.database))];
  // Databases are created and listed at once (one listing per database instead of a GetTable per table).
  const listings = new Map<string, Table[]>();
  await mapWithConcurrency([...databases.map((name) => ({ name, create: true })), ...databases.map((name) => ({ name, create: false }))], limit,
    async ({ name, create }) => (create ? ensureDatabase(glue, name, input.databaseIdentifier) : listings.set(name, await listTables(glue, name))));
  const existing = new Map<string, Table>();
  for (const [database, tables] of listings) for (const table of tables) existing.set(`${database}.${table.Name}`, table);
  const exists = (database: string, name: string) => existing.get(`${database}.${name}`);

  // A Glue name that holds another source table (from an earlier export) is never overwritten.
  const planned = candidates.filter(({ database, source, table }) => {
    const holder = nameHeldByOtherTable(exists(database, table.name)?.Parameters, source.target)
      ?? nameHeldByOtherTable(exists(database, historyTableName(table.name))?.Parameters, source.target);
    if (holder !== undefined) skipped.push(`${source.target}: the Glue table ${database}.${table.name} holds ${holder}; not overwritten (see docs/exports.md, "Table names")`);
    return holder === undefined;
  });

  // 1. History: every table gets this export as a partition before any current table moves, and
  //    loses its partitions whose data has expired from S3. The history table itself is written only
  //    when its definition changes, and only by the newest export (a backfill adds its partition only).
  //    Its partitions are known from the record on the current table; without one they are listed.
  const cleanPrefix = settings.exportPrefix.replace(/^\/+|\/+$/g, '');
  const exportsRoot = `s3://${settings.bucketName}/${cleanPrefix === '' ? '' : `${cleanPrefix}/`}`;
  const now = settings.now?.() ?? new Date();
  const thisPartition: HistoryPartition = { value: version.snapshotTime, exportedAt: version.exportedAt };
  const histories = await mapWithConcurrency(planned, limit, async ({ database, source, table }) => {
    const history = historyTableInput(table, exportsRoot, source.target, version);
    const historyTable = exists(database, history.Name);
    const current = exists(database, table.name);
    if (!historyTable || !sameTableDefinition(historyTable, history, [SNAPSHOT_TIME_PARAMETER])) {
      await putTableIfNewer(glue, database, history, withNewestSnapshot(historyTable, current), version);
    }
    const added = await addPartitions(glue, database, history.Name, [historyPartitionInput(table, version)]);
    const known = historyTable ? readHistoryPartitions(current?.Parameters) ?? await listPartitions(glue, database, history.Name) : [];
    const expired = expiredPartitionValues([...known, thisPartition], now, settings.retentionDays, [version.snapshotTime]);
    const dropped = await deletePartitions(glue, database, history.Name, expired);
    return { added, dropped, partitions: mergeHistoryPartitions([known, [thisPartition]], expired), expired };
  });
  const partitionsAdded = sum(histories.map((h) => h.added));
  const partitionsDropped = sum(histories.map((h) => h.dropped));

  // 2. Current tables switch to this export, unless they already read a newer one, and record the history's partitions.
  const kept: string[] = [];
  await mapWithConcurrency(planned.map((p, i) => ({ ...p, history: histories[i]! })), limit, async ({ database, source, table, history }) => {
    const record = (recorded: HistoryPartition[] | undefined) => mergeHistoryPartitions([history.partitions, recorded ?? []], history.expired);
    const currentInput = currentTableInput(table, version, source.target);
    const switched = await writeCurrentTable(glue, database, currentInput, exists(database, table.name), version, record);
    if (!switched) kept.push(`${database}.${table.name}`);
  });

  // 3. Current tables of an older export that this export left out stop being current.
  const retired = [...existing.entries()].filter(([, table]) => isRetired(table, stillExported, version)).map(([key]) => key);
  await mapWithConcurrency(retired, limit, (key) => deleteTable(glue, key));

  const result = {
    databases,
    tables: planned.map((p) => `${p.database}.${p.table.name}`),
    currentTablesKept: kept,
    currentTablesRetired: retired,
    partitionsAdded,
    partitionsDropped,
    skipped,
    renamed: [...plan.clashes],
  };
  log.info('catalog registered', {
    exportTaskIdentifier: input.exportTaskIdentifier,
    tables: result.tables.length,
    skipped: skipped.length,
    retired,
    partitionsAdded,
    partitionsDropped,
  });
  // Renamed tables are named in full: a user looks for them under the name the docs promise.
  if (plan.clashes.length > 0) log.warn('tables renamed because their names clash', { renamed: plan.clashes });
  return result;
}

/**
 * A current table (it names its export) of an older snapshot, holding a source table this export no
 * longer has. Tables from before source tables were recorded are never retired.
 */
function isRetired(table: Table, stillExported: ReadonlySet<string>, version: ExportVersion): boolean {
  const parameters = table.Parameters ?? {};
  const source = parameters[SOURCE_TABLE_PARAMETER];
  const snapshotTime = parameters[SNAPSHOT_TIME_PARAMETER];
  if (parameters[EXPORT_ID_PARAMETER] === undefined || source === undefined || snapshotTime === undefined) return false;
  return !stillExported.has(source) && snapshotTime < version.snapshotTime;
}

/**
 * The history table as the newest-export check should see it: its definition is not rewritten when
 * unchanged, so the snapshot time it records may be older than the one the current table reads.
 */
function withNewestSnapshot(history: Table | undefined, current: Table | undefined): Table | undefined {
  const times = [history, current].map((t) => t?.Parameters?.[SNAPSHOT_TIME_PARAMETER]).filter((t): t is string => t !== undefined);
  if (!history || times.length === 0) return history;
  return { ...history, Parameters: { ...history.Parameters, [SNAPSHOT_TIME_PARAMETER]: times.sort().at(-1)! } };
}

function validTime(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' && !Number.isNaN(new Date(value).getTime()) ? value : undefined;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

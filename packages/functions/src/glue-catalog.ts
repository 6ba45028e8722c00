// The Glue calls of catalog registration, each with the answers that are not failures (already
// there, already gone) handled. Throttling and 5xx are retried by the SDK (aws-clients.ts), a
// concurrent write by retryConcurrentModification.

import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  GlueClient,
  paginateGetPartitions,
  paginateGetTables,
  Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import {
  EXPORTED_AT_PARAMETER, ExportVersion, GluePartitionInput, GlueTableInput, HistoryPartition, shouldSwitchCurrentTable, WORKFLOW_ERRORS,
} from '@snaplake/core';
import { chunk } from './concurrency';
import { awsErrorName, WorkflowError } from './errors';
import { CONCURRENT_MODIFICATION, retryConcurrentModification } from './retry';

/** Times a versioned UpdateTable is decided again after another writer changed the table. */
export const MAX_CONCURRENT_RETRIES = 5;
/** BatchCreatePartition takes at most 100 partitions a call. */
const GLUE_PARTITION_BATCH = 100;
/** BatchDeletePartition takes at most 25 partitions a call. */
const GLUE_DELETE_BATCH = 25;

export async function ensureDatabase(glue: GlueClient, name: string, source: string): Promise<void> {
  try {
    await retryConcurrentModification(() => glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: `Exports of ${source} (snaplake)` } })));
  } catch (error) {
    if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
  }
}

/** The tables of a database; none when the database does not exist yet (it is being created alongside). */
export async function listTables(glue: GlueClient, database: string): Promise<Table[]> {
  const tables: Table[] = [];
  try {
    for await (const page of paginateGetTables({ client: glue }, { DatabaseName: database })) tables.push(...(page.TableList ?? []));
  } catch (error) {
    if (awsErrorName(error) !== 'EntityNotFoundException') throw error;
  }
  return tables;
}

export async function getTable(glue: GlueClient, database: string, name: string): Promise<Table | undefined> {
  try {
    return (await glue.send(new GetTableCommand({ DatabaseName: database, Name: name }))).Table;
  } catch (error) {
    if (awsErrorName(error) === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

/** Deletes `<database>.<table>`; a table already gone (a rerun, or dropped by hand) is no failure. */
export async function deleteTable(glue: GlueClient, key: string): Promise<void> {
  const dot = key.indexOf('.');
  try {
    await retryConcurrentModification(() => glue.send(new DeleteTableCommand({ DatabaseName: key.slice(0, dot), Name: key.slice(dot + 1) })));
  } catch (error) {
    if (awsErrorName(error) !== 'EntityNotFoundException') throw error;
  }
}

/**
 * Creates the table, or updates it when it exists and this export is not older than the one it
 * describes. The update names the table version it read (optimistic concurrency): when another
 * execution changed the table meanwhile, the table is read again and the check made again, so an
 * older export never wins a race. Updates skip Glue's archived versions, which would otherwise pile
 * up towards the table-version quota. Returns whether the table now describes this export.
 */
export async function putTableIfNewer(
  glue: GlueClient, database: string, input: GlueTableInput, existing: Table | undefined, version: ExportVersion,
): Promise<boolean> {
  const tableInput = input as never;
  let current = existing;
  for (let attempt = 1; ; attempt++) {
    if (!current) {
      try {
        await retryConcurrentModification(() => glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: tableInput })));
        return true;
      } catch (error) {
        if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
        current = await getTable(glue, database, input.Name);
        continue;
      }
    }
    if (!shouldSwitchCurrentTable(current.Parameters, version)) return false;
    try {
      await glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: tableInput, VersionId: current.VersionId, SkipArchive: true }));
      return true;
    } catch (error) {
      if (awsErrorName(error) !== CONCURRENT_MODIFICATION || attempt >= MAX_CONCURRENT_RETRIES) throw error;
      current = await getTable(glue, database, input.Name);
    }
  }
}

/** Adds partitions, 100 a call; one already there is not a failure. Returns how many were added. */
export async function addPartitions(glue: GlueClient, database: string, table: string, partitions: GluePartitionInput[]): Promise<number> {
  let added = 0;
  for (const batch of chunk(partitions, GLUE_PARTITION_BATCH)) {
    const response = await retryConcurrentModification(() => glue.send(new BatchCreatePartitionCommand({
      DatabaseName: database, TableName: table, PartitionInputList: batch as never,
    })));
    const errors = (response.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
    if (errors.length > 0) {
      const first = errors[0]!.ErrorDetail;
      throw new WorkflowError(WORKFLOW_ERRORS.catalogWriteFailed, `adding ${errors.length} partition(s) to ${database}.${table} failed: ${first?.ErrorCode}: ${first?.ErrorMessage}`);
    }
    added += batch.length - (response.Errors?.length ?? 0);
  }
  return added;
}

export async function listPartitions(glue: GlueClient, database: string, table: string): Promise<HistoryPartition[]> {
  const partitions: HistoryPartition[] = [];
  for await (const page of paginateGetPartitions({ client: glue }, { DatabaseName: database, TableName: table })) {
    for (const p of page.Partitions ?? []) {
      if (typeof p.Values?.[0] === 'string') partitions.push({ value: p.Values[0], exportedAt: p.Parameters?.[EXPORTED_AT_PARAMETER] });
    }
  }
  return partitions;
}

/** Drops partitions by value, 25 a call; one already gone is not a failure, but not counted either. */
export async function deletePartitions(glue: GlueClient, database: string, table: string, expired: readonly string[]): Promise<number> {
  let dropped = 0;
  for (const batch of chunk(expired, GLUE_DELETE_BATCH)) {
    const response = await retryConcurrentModification(() => glue.send(new BatchDeletePartitionCommand({
      DatabaseName: database, TableName: table, PartitionsToDelete: batch.map((v) => ({ Values: [v] })),
    })));
    const errors = response.Errors ?? [];
    const failures = errors.filter((e) => e.ErrorDetail?.ErrorCode !== 'EntityNotFoundException');
    if (failures.length > 0) {
      const first = failures[0]!;
      throw new WorkflowError(WORKFLOW_ERRORS.catalogWriteFailed,
        `dropping ${failures.length} expired partition(s) of ${database}.${table} failed: ${first.PartitionValues?.join('/')}: ${first.ErrorDetail?.ErrorCode}: ${first.ErrorDetail?.ErrorMessage}`);
    }
    dropped += batch.length - errors.length;
  }
  return dropped;
}

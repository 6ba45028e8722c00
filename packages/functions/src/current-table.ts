import { CreateTableCommand, GlueClient, Table, UpdateTableCommand } from '@aws-sdk/client-glue';
import {
  ExportVersion,
  GlueTableInput,
  HISTORY_PARTITIONS_PARAMETER,
  HistoryPartition,
  historyPartitionsParameter,
  readHistoryPartitions,
  shouldSwitchCurrentTable,
} from '@snaplake/core';
import { awsErrorName } from './errors';
import { getTable, MAX_CONCURRENT_RETRIES } from './glue-catalog';
import { CONCURRENT_MODIFICATION, retryConcurrentModification } from './retry';

/** The history partitions to record on a current table, given the record it has (undefined: none). */
export type HistoryRecord = (recorded: HistoryPartition[] | undefined) => HistoryPartition[];

/**
 * Writes a current table: creates it, or switches it to this export unless it reads a newer one,
 * and in every case records the table's history partitions on it (so the next run needs no
 * GetPartitions to find the expired ones). A table left on a newer export keeps its definition:
 * only the record changes. Updates name the table version they read; when another run changed the
 * table meanwhile, it is read again and everything decided again. Returns whether the table now
 * reads this export.
 */
export async function writeCurrentTable(
  glue: GlueClient, database: string, input: GlueTableInput, existing: Table | undefined, version: ExportVersion, record: HistoryRecord,
): Promise<boolean> {
  let current = existing;
  for (let attempt = 1; ; attempt++) {
    const recorded = readHistoryPartitions(current?.Parameters);
    const partitions = historyPartitionsParameter(record(recorded));
    if (!current) {
      try {
        const create = new CreateTableCommand({ DatabaseName: database, TableInput: withParameters(input, partitions) as never });
        await retryConcurrentModification(() => glue.send(create));
        return true;
      } catch (error) {
        if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
        current = await getTable(glue, database, input.Name);
        continue;
      }
    }
    const switching = shouldSwitchCurrentTable(current.Parameters, version);
    if (!switching && current.Parameters?.[HISTORY_PARTITIONS_PARAMETER] === partitions[HISTORY_PARTITIONS_PARAMETER]) return false;
    const tableInput = switching ? withParameters(input, partitions) : withParameters(inputOf(current), partitions);
    try {
      const update = new UpdateTableCommand({
        DatabaseName: database, TableInput: tableInput as never, VersionId: current.VersionId, SkipArchive: true,
      });
      await glue.send(update);
      return switching;
    } catch (error) {
      if (awsErrorName(error) !== CONCURRENT_MODIFICATION || attempt >= MAX_CONCURRENT_RETRIES) throw error;
      current = await getTable(glue, database, input.Name);
    }
  }
}

/** The table input that writes a table back as it is (the fields snaplake sets). */
function inputOf(table: Table): GlueTableInput {
  return {
    Name: table.Name!,
    Description: table.Description ?? '',
    TableType: 'EXTERNAL_TABLE',
    Parameters: table.Parameters ?? {},
    ...(table.PartitionKeys ? { PartitionKeys: table.PartitionKeys as never } : {}),
    StorageDescriptor: table.StorageDescriptor as never,
  };
}

/** The input with the record replaced: without one when the record would not fit in a parameter. */
function withParameters(input: GlueTableInput, record: Record<string, string>): GlueTableInput {
  const { [HISTORY_PARTITIONS_PARAMETER]: _previous, ...others } = input.Parameters;
  return { ...input, Parameters: { ...others, ...record } };
}

import { CatalogTable } from './catalog';
import { SnaplakeError } from './errors';

// Glue's Parquet declaration: what a crawler would write for an export's files.
const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/** The partition column of every history table: `WHERE snapshot_time = '2026-11-21T03:05:00Z'`. */
export const SNAPSHOT_TIME_PARTITION = 'snapshot_time';
/** Table parameter naming the export a current table reads, and the snapshot time it is of. */
export const EXPORT_ID_PARAMETER = 'snaplake:export_task_identifier';
export const SNAPSHOT_TIME_PARAMETER = 'snaplake:snapshot_time';

/** The shape of Glue's TableInput that snaplake writes (plain data: core knows no SDK). */
export interface GlueTableInput {
  readonly Name: string;
  readonly Description: string;
  readonly TableType: 'EXTERNAL_TABLE';
  readonly Parameters: Record<string, string>;
  readonly PartitionKeys?: readonly { Name: string; Type: string; Comment: string }[];
  readonly StorageDescriptor: GlueStorageDescriptor;
}

export interface GlueStorageDescriptor {
  readonly Columns: readonly { Name: string; Type: string; Comment: string }[];
  readonly Location: string;
  readonly InputFormat: string;
  readonly OutputFormat: string;
  readonly SerdeInfo: { SerializationLibrary: string; Parameters: Record<string, string> };
}

export interface GluePartitionInput {
  readonly Values: readonly string[];
  readonly StorageDescriptor: GlueStorageDescriptor;
  readonly Parameters: Record<string, string>;
}

export interface ExportVersion {
  readonly exportTaskIdentifier: string;
  /** Snapshot time as a normalized partition value, from {@link snapshotTimePartitionValue}. */
  readonly snapshotTime: string;
}

/** A snapshot time as a sortable partition value in UTC to the second, such as `2026-11-21T03:05:00Z`. */
export function snapshotTimePartitionValue(time: string | Date): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new SnaplakeError(`snapshot time ${JSON.stringify(time)} is not a date`);
  return `${date.toISOString().slice(0, 19)}Z`;
}

function storageDescriptor(table: CatalogTable, location: string): GlueStorageDescriptor {
  return {
    Columns: table.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
    Location: location,
    InputFormat: PARQUET_INPUT_FORMAT,
    OutputFormat: PARQUET_OUTPUT_FORMAT,
    SerdeInfo: { SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } },
  };
}

/** The current table: reads the newest export of the table, and says which export that is. */
export function currentTableInput(table: CatalogTable, version: ExportVersion, sourceTarget: string): GlueTableInput {
  return {
    Name: table.name,
    Description: `${sourceTarget} as of the snapshot of ${version.snapshotTime} (snaplake)`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification: 'parquet',
      [EXPORT_ID_PARAMETER]: version.exportTaskIdentifier,
      [SNAPSHOT_TIME_PARAMETER]: version.snapshotTime,
    },
    StorageDescriptor: storageDescriptor(table, table.location),
  };
}

/** The `<table>_history` table: one partition per retained export, its columns those of the newest export. */
export function historyTableInput(table: CatalogTable, exportsRoot: string, sourceTarget: string): GlueTableInput {
  return {
    Name: historyTableName(table.name),
    Description: `Every retained export of ${sourceTarget}, partitioned by ${SNAPSHOT_TIME_PARTITION} (snaplake)`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { classification: 'parquet' },
    PartitionKeys: [{ Name: SNAPSHOT_TIME_PARTITION, Type: 'string', Comment: 'time of the exported snapshot, UTC' }],
    StorageDescriptor: storageDescriptor(table, exportsRoot),
  };
}

export function historyTableName(tableName: string): string {
  return `${tableName}_history`;
}

/** The history partition of one export of a table, read from the table's prefix in that export. */
export function historyPartitionInput(table: CatalogTable, version: ExportVersion): GluePartitionInput {
  return {
    Values: [version.snapshotTime],
    StorageDescriptor: storageDescriptor(table, table.location),
    Parameters: { [EXPORT_ID_PARAMETER]: version.exportTaskIdentifier },
  };
}

/**
 * Whether a current table should switch to this export: never to an older snapshot than the one it
 * reads (a backfill or a late retry must not move readers back in time).
 */
export function shouldSwitchCurrentTable(currentParameters: Record<string, string> | undefined, version: ExportVersion): boolean {
  const current = currentParameters?.[SNAPSHOT_TIME_PARAMETER];
  return current === undefined || current <= version.snapshotTime;
}

/**
 * History partitions whose export has expired from S3 (older than the retention), oldest first.
 * The newest partition is never returned, so the history always has the data the current table reads.
 */
export function expiredPartitionValues(snapshotTimes: readonly string[], now: Date, retentionDays: number): string[] {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new SnaplakeError(`retention must be a whole number of days >= 1, got ${retentionDays}`);
  const cutoff = snapshotTimePartitionValue(new Date(now.getTime() - retentionDays * 86_400_000));
  const sorted = [...new Set(snapshotTimes)].sort();
  return sorted.slice(0, -1).filter((time) => time < cutoff);
}

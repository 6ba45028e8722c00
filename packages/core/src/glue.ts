import { CatalogTable } from './catalog';
import { SnaplakeError } from './errors';
import { historyTableName } from './glue-names';

// Glue's Parquet declaration: what a crawler would write for an export's files.
const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/** The partition column of every history table: `WHERE snapshot_time = '2026-11-21T03:05:00Z'`. */
export const SNAPSHOT_TIME_PARTITION = 'snapshot_time';
/** Table parameter naming the export a current table reads, and the snapshot time it is of. */
export const EXPORT_ID_PARAMETER = 'snaplake:export_task_identifier';
export const SNAPSHOT_TIME_PARAMETER = 'snaplake:snapshot_time';
/** Table parameter naming the source table (`database.schema.table`) a Glue table holds: a name never silently changes hands. */
export const SOURCE_TABLE_PARAMETER = 'snaplake:source_table';
/** Partition parameter: when the export was made; S3 expires its files that many days after it, whatever the snapshot's age. */
export const EXPORTED_AT_PARAMETER = 'snaplake:exported_at';
/** The history partition column of a table that has its own `snapshot_time` column. */
export const FALLBACK_SNAPSHOT_TIME_PARTITION = 'snaplake_snapshot_time';

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
  /** When the export ran (its files' age in S3), ISO 8601. @default - the snapshot time */
  readonly exportedAt?: string;
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

/** The current table: reads the newest export of the table, and says which export and source table that is. */
export function currentTableInput(table: CatalogTable, version: ExportVersion, sourceTarget: string): GlueTableInput {
  return {
    Name: table.name,
    Description: `${sourceTarget} as of the snapshot of ${version.snapshotTime} (snaplake)`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification: 'parquet',
      [EXPORT_ID_PARAMETER]: version.exportTaskIdentifier,
      [SNAPSHOT_TIME_PARAMETER]: version.snapshotTime,
      [SOURCE_TABLE_PARAMETER]: sourceTarget,
    },
    StorageDescriptor: storageDescriptor(table, table.location),
  };
}

/**
 * The partition column of a table's history: `snapshot_time`, or `snaplake_snapshot_time` when the
 * table has its own `snapshot_time` column (Athena cannot read a table whose partition key repeats a column).
 */
export function historyPartitionKey(table: Pick<CatalogTable, 'columns'>): string {
  const columns = new Set(table.columns.map((c) => c.name.toLowerCase()));
  let key = SNAPSHOT_TIME_PARTITION;
  for (const candidate of [FALLBACK_SNAPSHOT_TIME_PARTITION, `_${FALLBACK_SNAPSHOT_TIME_PARTITION}`]) {
    if (!columns.has(key)) break;
    key = candidate;
  }
  return key;
}

/**
 * The `<table>_history` table: one partition per retained export, its columns those of the newest
 * export (the snapshot time parameter says which: an older backfill must not change them).
 */
export function historyTableInput(table: CatalogTable, exportsRoot: string, sourceTarget: string, version?: ExportVersion): GlueTableInput {
  const key = historyPartitionKey(table);
  return {
    Name: historyTableName(table.name),
    Description: `Every retained export of ${sourceTarget}, partitioned by ${key} (snaplake)`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification: 'parquet',
      [SOURCE_TABLE_PARAMETER]: sourceTarget,
      ...(version ? { [SNAPSHOT_TIME_PARAMETER]: version.snapshotTime } : {}),
    },
    PartitionKeys: [{ Name: key, Type: 'string', Comment: 'time of the exported snapshot, UTC' }],
    StorageDescriptor: storageDescriptor(table, exportsRoot),
  };
}

/** The history partition of one export of a table, read from the table's prefix in that export. */
export function historyPartitionInput(table: CatalogTable, version: ExportVersion): GluePartitionInput {
  return {
    Values: [version.snapshotTime],
    StorageDescriptor: storageDescriptor(table, table.location),
    Parameters: {
      [EXPORT_ID_PARAMETER]: version.exportTaskIdentifier,
      ...(version.exportedAt ? { [EXPORTED_AT_PARAMETER]: version.exportedAt } : {}),
    },
  };
}

/**
 * Whether a Glue table of this name holds another source table than `sourceTarget` (recorded by an
 * earlier export): then it is not overwritten, and the table is reported as a clash instead.
 */
export function nameHeldByOtherTable(existingParameters: Record<string, string> | undefined, sourceTarget: string): string | undefined {
  const holder = existingParameters?.[SOURCE_TABLE_PARAMETER];
  return holder !== undefined && holder !== sourceTarget ? holder : undefined;
}

/**
 * Whether a current table should switch to this export: never to an older snapshot than the one it
 * reads (a backfill or a late retry must not move readers back in time).
 */
export function shouldSwitchCurrentTable(currentParameters: Record<string, string> | undefined, version: ExportVersion): boolean {
  const current = currentParameters?.[SNAPSHOT_TIME_PARAMETER];
  return current === undefined || current <= version.snapshotTime;
}

/** A history partition as the catalog reads it back: its snapshot time value and, when recorded, its export time. */
export interface HistoryPartition {
  readonly value: string;
  readonly exportedAt?: string;
}

/**
 * History partitions whose export has expired from S3, oldest first. S3 expires an export's files
 * `retentionDays` after the export ran, so a partition expires by its export time (its snapshot time
 * when no export time is recorded): a backfill of an old snapshot stays as long as its files do.
 * Never returned: the newest partition (the history always has the data the current table reads)
 * and the partitions in `keep` (those this run added).
 */
export function expiredPartitionValues(
  partitions: readonly (string | HistoryPartition)[], now: Date, retentionDays: number, keep: readonly string[] = [],
): string[] {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new SnaplakeError(`retention must be a whole number of days >= 1, got ${retentionDays}`);
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const byValue = new Map<string, HistoryPartition>();
  for (const p of partitions) {
    const partition = typeof p === 'string' ? { value: p } : p;
    if (!byValue.has(partition.value) || partition.exportedAt) byValue.set(partition.value, partition);
  }
  const sorted = [...byValue.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const age = (p: HistoryPartition) => {
    const exported = p.exportedAt === undefined ? NaN : new Date(p.exportedAt).getTime();
    return Number.isNaN(exported) ? new Date(p.value).getTime() : exported;
  };
  return sorted.slice(0, -1).filter((p) => !keep.includes(p.value) && age(p) < cutoff).map((p) => p.value);
}

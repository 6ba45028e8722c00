import { GlueTableInput, HistoryPartition } from './glue';

/**
 * Current-table parameter: the history partitions snaplake registered for the table, as JSON
 * (`[["2026-11-21T03:05:00Z", "2026-11-21T03:30:00.000Z"], ...]`: snapshot time, export time). A run
 * finds the expired partitions from it, without listing the history table's partitions.
 */
export const HISTORY_PARTITIONS_PARAMETER = 'snaplake:history_partitions';

/** Glue's limit on the length of a table parameter's value (TableInput.Parameters). */
export const GLUE_PARAMETER_VALUE_LIMIT = 512_000;

/**
 * The history partitions recorded in a current table's parameters, or undefined when none are
 * recorded or the record is unreadable: then the caller lists the partitions instead.
 */
export function readHistoryPartitions(parameters: Record<string, string> | undefined): HistoryPartition[] | undefined {
  const recorded = parameters?.[HISTORY_PARTITIONS_PARAMETER];
  if (recorded === undefined) return undefined;
  try {
    const entries: unknown = JSON.parse(recorded);
    if (!Array.isArray(entries)) return undefined;
    const partitions: HistoryPartition[] = [];
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || (entry[1] !== undefined && typeof entry[1] !== 'string')) return undefined;
      partitions.push(entry[1] === undefined ? { value: entry[0] } : { value: entry[0], exportedAt: entry[1] });
    }
    return partitions;
  } catch {
    return undefined;
  }
}

/**
 * The parameter recording these history partitions (sorted, one entry per value), or no parameter
 * when the record would exceed Glue's limit: the next run then lists the partitions.
 */
export function historyPartitionsParameter(partitions: readonly HistoryPartition[]): Record<string, string> {
  const value = JSON.stringify(partitions.map((p) => (p.exportedAt === undefined ? [p.value] : [p.value, p.exportedAt])));
  return value.length <= GLUE_PARAMETER_VALUE_LIMIT ? { [HISTORY_PARTITIONS_PARAMETER]: value } : {};
}

/**
 * The union of lists of history partitions, sorted by value, leaving out the values in `without`.
 * A value seen twice keeps the entry that records its export time.
 */
export function mergeHistoryPartitions(lists: readonly (readonly HistoryPartition[])[], without: readonly string[] = []): HistoryPartition[] {
  const byValue = new Map<string, HistoryPartition>();
  for (const partition of lists.flat()) {
    if (without.includes(partition.value)) continue;
    if (!byValue.has(partition.value) || partition.exportedAt !== undefined) byValue.set(partition.value, partition);
  }
  return [...byValue.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The parts of a Glue table as GetTables returns them that snaplake writes. */
export interface ExistingGlueTable {
  readonly Description?: string;
  readonly TableType?: string;
  readonly Parameters?: Record<string, string>;
  readonly PartitionKeys?: readonly { Name?: string; Type?: string; Comment?: string }[];
  readonly StorageDescriptor?: {
    readonly Columns?: readonly { Name?: string; Type?: string; Comment?: string }[];
    readonly Location?: string;
    readonly InputFormat?: string;
    readonly OutputFormat?: string;
    readonly SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> };
  };
}

/**
 * Whether an existing table already has the definition `input` would write (columns, partition keys,
 * location, formats, description, parameters), apart from the parameters named in `ignoredParameters`:
 * then an UpdateTable would change nothing a reader sees.
 */
export function sameTableDefinition(existing: ExistingGlueTable, input: GlueTableInput, ignoredParameters: readonly string[] = []): boolean {
  const columns = (list: readonly { Name?: string; Type?: string; Comment?: string }[] | undefined) =>
    (list ?? []).map((c) => [c.Name ?? '', c.Type ?? '', c.Comment ?? '']);
  const parameters = (all: Record<string, string> | undefined) =>
    Object.entries(all ?? {}).filter(([key]) => !ignoredParameters.includes(key)).sort(([a], [b]) => (a < b ? -1 : 1));
  const shape = (table: ExistingGlueTable) => JSON.stringify([
    table.Description ?? '',
    table.TableType ?? '',
    parameters(table.Parameters),
    columns(table.PartitionKeys),
    columns(table.StorageDescriptor?.Columns),
    table.StorageDescriptor?.Location ?? '',
    table.StorageDescriptor?.InputFormat ?? '',
    table.StorageDescriptor?.OutputFormat ?? '',
    table.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? '',
    parameters(table.StorageDescriptor?.SerdeInfo?.Parameters),
  ]);
  return shape(existing) === shape(input);
}

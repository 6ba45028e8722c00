import { ExportMetadataError } from './errors';
import { SourceEngine } from './type-mapping';
import { isObject } from './values';

/** One column of an exported table, from `schemaMetadata.originalTypeMappings`. */
export interface ExportedColumn {
  readonly name: string;
  /** The source database's type name, such as `character varying` or `bigint unsigned`. */
  readonly originalType: string;
  /** The Parquet type RDS wrote, such as `int64` or `binary (UTF8)`. */
  readonly expectedExportedType: string;
  readonly charMaxLength?: number;
  readonly numPrecision?: number;
  readonly numScale?: number;
  readonly dateTimePrecision?: number;
}

/** One table of an export, from `export_tables_info_*.json`. */
export interface ExportedTable {
  /** `database.schema.table` as the export names it (`database.table` for MySQL). */
  readonly target: string;
  readonly database: string;
  /** The schema; for MySQL, the database name. */
  readonly schema: string;
  readonly table: string;
  /** `COMPLETE` when the table was exported whole. */
  readonly status: string;
  readonly sizeGB?: number;
  readonly columns: readonly ExportedColumn[];
  /** The export_tables_info file that lists the table, when the caller named the files. */
  readonly sourceFile?: string;
}

export interface ExportTablesInfo {
  readonly tables: readonly ExportedTable[];
  /** Tables skipped by the export or by this parser, each with the reason. */
  readonly warnings: readonly string[];
}

/**
 * Merges every `export_tables_info_*.json` file of one export. Keys are read case-insensitively;
 * entries the export skipped (a `warningMessage` and no schema) and entries that cannot be read
 * become warnings, never a TypeError.
 * `engine` decides how a target is split: MySQL targets are `database.table` (a table name may hold
 * dots), PostgreSQL targets `database.schema.table`. Without it, only two parts read as MySQL.
 * With `fileNames`, messages name the file and each table records its file in `sourceFile`.
 * @throws ExportMetadataError when a file is not JSON or has no `perTableStatus` list.
 */
export function parseExportTablesInfo(texts: readonly string[], engine?: SourceEngine, fileNames?: readonly string[]): ExportTablesInfo {
  if (!Array.isArray(texts)) throw new ExportMetadataError('parseExportTablesInfo expects a list of file contents');
  const tables = new Map<string, ExportedTable>();
  const warnings: string[] = [];
  texts.forEach((text, fileIndex) => {
    const fileName = fileNames?.[fileIndex];
    const where = fileName ?? `export_tables_info file ${fileIndex + 1} of ${texts.length}`;
    const root = parseJson(text, where);
    const entries = field(root, 'perTableStatus');
    if (!Array.isArray(entries)) throw new ExportMetadataError(`${where} has no perTableStatus list`);
    entries.forEach((entry, i) => {
      const read = readTable(entry, `${where}, entry ${i + 1}`, engine);
      if (typeof read === 'string') {
        warnings.push(read);
        return;
      }
      const result = fileName === undefined ? read : { ...read, sourceFile: fileName };
      const existing = tables.get(result.target);
      if (existing && existing.status === 'COMPLETE') {
        if (result.status === 'COMPLETE') warnings.push(`${result.target}: listed twice; the first complete entry is kept`);
        return;
      }
      tables.set(result.target, result);
    });
  });
  return { tables: [...tables.values()], warnings };
}

function readTable(entry: unknown, where: string, engine?: SourceEngine): ExportedTable | string {
  if (!isObject(entry)) return `${where}: not an object, skipped`;
  const target = field(entry, 'target');
  const warning = field(entry, 'warningMessage');
  if (typeof target !== 'string' || target === '') return `${where}: no target${typeof warning === 'string' ? ` (${warning})` : ''}, skipped`;
  const parts = target.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) return `${target}: target is not database.schema.table, skipped`;
  const status = typeof field(entry, 'status') === 'string' ? field(entry, 'status') as string : 'UNKNOWN';
  const schemaMetadata = field(entry, 'schemaMetadata');
  const mappings = isObject(schemaMetadata) ? field(schemaMetadata, 'originalTypeMappings') : undefined;
  if (!Array.isArray(mappings)) {
    return `${target}: ${typeof warning === 'string' ? warning : `status ${status} and no schema metadata`}, skipped`;
  }
  const columns: ExportedColumn[] = [];
  for (const [i, mapping] of mappings.entries()) {
    const name = isObject(mapping) ? field(mapping, 'columnName') : undefined;
    const originalType = isObject(mapping) ? field(mapping, 'originalType') : undefined;
    const expectedExportedType = isObject(mapping) ? field(mapping, 'expectedExportedType') : undefined;
    if (typeof name !== 'string' || typeof originalType !== 'string' || typeof expectedExportedType !== 'string' || name === '') {
      return `${target}: column ${i + 1} lacks columnName, originalType or expectedExportedType, skipped`;
    }
    columns.push({
      name,
      originalType,
      expectedExportedType,
      charMaxLength: numberField(mapping as Record<string, unknown>, 'originalCharMaxLength'),
      numPrecision: numberField(mapping as Record<string, unknown>, 'originalNumPrecision'),
      numScale: numberField(mapping as Record<string, unknown>, 'originalNumScale'),
      dateTimePrecision: numberField(mapping as Record<string, unknown>, 'originalDateTimePrecision'),
    });
  }
  const [database, ...rest] = parts as [string, ...string[]];
  const mysqlShape = engine === 'mysql' || parts.length === 2;
  // MySQL has no schema level: everything after the database is the table name, dots included.
  const schema = mysqlShape ? database : rest[0]!;
  const table = mysqlShape ? rest.join('.') : rest.slice(1).join('.');
  const size = field(entry, 'sizeGB');
  return { target, database, schema, table, status, sizeGB: typeof size === 'number' ? size : undefined, columns };
}

/** Reads `export_info_*.json`: the export's id, source, snapshot time and status. */
export interface ExportInfo {
  readonly exportTaskIdentifier: string;
  readonly sourceArn: string;
  readonly snapshotTime?: string;
  /** When the export started writing files (their age in S3). */
  readonly taskStartTime?: string;
  readonly status: string;
  readonly s3Bucket?: string;
  readonly s3Prefix?: string;
  readonly totalExportedDataInGB?: number;
}

/** @throws ExportMetadataError (naming `fileName`) when the file is not JSON or lacks the export id, source or status. */
export function parseExportInfo(text: string, fileName = 'export_info'): ExportInfo {
  const root = parseJson(text, fileName);
  const required = (key: string): string => {
    const value = field(root, key);
    if (typeof value !== 'string' || value === '') throw new ExportMetadataError(`${fileName} has no ${key}`);
    return value;
  };
  const optional = (key: string) => (typeof field(root, key) === 'string' ? field(root, key) as string : undefined);
  const total = field(root, 'totalExportedDataInGB');
  return {
    exportTaskIdentifier: required('exportTaskIdentifier'),
    sourceArn: required('sourceArn'),
    status: required('status'),
    snapshotTime: optional('snapshotTime'),
    taskStartTime: optional('taskStartTime'),
    s3Bucket: optional('s3Bucket'),
    s3Prefix: optional('s3Prefix'),
    totalExportedDataInGB: typeof total === 'number' ? total : undefined,
  };
}

function parseJson(text: unknown, where: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new ExportMetadataError(`${where} is not text`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ExportMetadataError(`${where} is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new ExportMetadataError(`${where} is not a JSON object`);
  return value;
}

/** A key read case-insensitively: the casing differs between export sources. */
function field(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  const found = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : obj[found];
}

function numberField(obj: Record<string, unknown>, key: string): number | undefined {
  const value = field(obj, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

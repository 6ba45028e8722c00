import { ExportMetadataError } from './errors';
import { ExportedTable } from './export-metadata';
import { athenaColumnType, SourceEngine } from './type-mapping';

/** A column as Glue and Athena declare it. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  /** The source type, kept as the column comment. */
  readonly comment: string;
}

/** How one exported table is declared: its Glue/Athena name, columns and the S3 prefix of its data. */
export interface CatalogTable {
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** The table's prefix in the export, with a trailing `/`; its numbered batch folders sit below. */
  readonly location: string;
}

/** Glue names: lowercase letters, digits and `_`, starting with a letter or `_`. */
export function catalogName(...parts: readonly string[]): string {
  const name = parts.join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') throw new ExportMetadataError(`cannot make a catalog name from ${JSON.stringify(parts)}`);
  return /^[a-z_]/.test(name) ? name : `t_${name}`;
}

/**
 * The Athena table name of an exported table: the table name for MySQL and for PostgreSQL's
 * `public` schema, `<schema>_<table>` for other PostgreSQL schemas.
 */
export function catalogTableName(table: ExportedTable, engine: SourceEngine): string {
  return engine === 'mysql' || table.schema === 'public' ? catalogName(table.table) : catalogName(table.schema, table.table);
}

/**
 * The S3 prefix of a table inside an export: `<export root>/<database>/<schema>.<table>/`. RDS
 * writes backslash, backtick, double quote and space in names as `_`.
 */
export function exportTableLocation(exportRoot: string, table: ExportedTable): string {
  if (!/^s3:\/\/[^/]+/.test(exportRoot)) throw new ExportMetadataError(`export location must be s3://bucket/prefix/export-id, got ${JSON.stringify(exportRoot)}`);
  const clean = (name: string) => name.replace(/[\\`" ]/g, '_');
  return `${exportRoot.replace(/\/+$/, '')}/${clean(table.database)}/${clean(table.schema)}.${clean(table.table)}/`;
}

/**
 * The catalog declaration of an exported table, or a reason to skip it (a table the export did not
 * finish, or a column whose type snaplake cannot map).
 */
export function catalogTable(table: ExportedTable, exportRoot: string, engine: SourceEngine): CatalogTable | { skipped: string } {
  if (table.status !== 'COMPLETE') return { skipped: `${table.target}: status ${table.status}, not catalogued` };
  if (table.columns.length === 0) return { skipped: `${table.target}: no columns, not catalogued` };
  const columns: CatalogColumn[] = [];
  const seen = new Set<string>();
  for (const column of table.columns) {
    let type: string;
    try {
      type = athenaColumnType(column.originalType, column.expectedExportedType, engine);
    } catch (error) {
      return { skipped: `${table.target}: column ${column.name}: ${(error as Error).message}` };
    }
    const name = column.name.toLowerCase();
    if (seen.has(name)) return { skipped: `${table.target}: columns differ only in case (${column.name}); Athena cannot tell them apart` };
    seen.add(name);
    columns.push({ name, type, comment: column.originalType });
  }
  return { name: catalogTableName(table, engine), columns, location: exportTableLocation(exportRoot, table) };
}

/** `CREATE EXTERNAL TABLE` for Athena, reading the table's Parquet files under its export prefix. */
export function createTableStatement(database: string, table: CatalogTable): string {
  const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const columns = table.columns.map((c) => `  ${quote(c.name)} ${c.type} COMMENT '${c.comment.replace(/'/g, "''")}'`).join(',\n');
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${quote(database)}.${quote(table.name)} (`,
    columns,
    ')',
    'STORED AS PARQUET',
    `LOCATION '${table.location.replace(/'/g, "''")}';`,
  ].join('\n');
}

import { ExportMetadataError } from './errors';
import { ExportedTable } from './export-metadata';
import { glueTableNames, plainGlueTableName } from './glue-names';
import { shortHash } from './identifiers';
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

/**
 * Glue names from configured names (project, stage, database identifier): lowercase letters, digits
 * and `_`, starting with a letter or `_`. Names from source databases use {@link glueNamePart} instead.
 * Parts with no ASCII letter or digit give `t_<hash>` rather than an error.
 */
export function catalogName(...parts: readonly string[]): string {
  const name = parts.join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return `t_${shortHash(parts.join('\u0000'), 6)}`;
  return /^[a-z_]/.test(name) ? name : `t_${name}`;
}

/**
 * The Athena table name of an exported table on its own: the table name for MySQL and for
 * PostgreSQL's `public` schema, `<schema>_<table>` for other PostgreSQL schemas. Use
 * {@link planCatalogTables} for the tables of an export, which also resolves clashes.
 */
export function catalogTableName(table: ExportedTable, engine: SourceEngine): string {
  return plainGlueTableName(table, engine);
}

/**
 * The S3 prefix of a table inside an export: `<export root>/<database>/<schema>.<table>/`. RDS
 * writes backslash, backtick, double quote and space in names as `_`.
 */
export function exportTableLocation(exportRoot: string, table: ExportedTable): string {
  if (!/^s3:\/\/[^/]+/.test(exportRoot)) throw new ExportMetadataError(`export location must be s3://bucket/prefix/export-id, got ${JSON.stringify(exportRoot)}`);
  return `${exportRoot.replace(/\/+$/, '')}/${exportTablePath(table)}/`;
}

/** The table's folder relative to the export root, `<database>/<schema>.<table>`, with names as RDS writes them in paths. */
export function exportTablePath(table: ExportedTable): string {
  const clean = (name: string) => name.replace(/[\\`" ]/g, '_');
  return `${clean(table.database)}/${clean(table.schema)}.${clean(table.table)}`;
}

/**
 * The catalog declaration of an exported table, or a reason to skip it (a table the export did not
 * finish, or a column whose type snaplake cannot map).
 */
export function catalogTable(
  table: ExportedTable, exportRoot: string, engine: SourceEngine, tableName = catalogTableName(table, engine),
): CatalogTable | { skipped: string } {
  const columns = catalogColumns(table, engine);
  if ('skipped' in columns) return columns;
  return { name: tableName, columns, location: exportTableLocation(exportRoot, table) };
}

/** The catalog columns of an exported table, or a reason to skip the table (not COMPLETE, no columns, an unknown type, names that differ only in case). */
export function catalogColumns(table: ExportedTable, engine: SourceEngine): CatalogColumn[] | { skipped: string } {
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
  return columns;
}

export interface CatalogPlan {
  readonly tables: readonly { readonly source: ExportedTable; readonly table: CatalogTable }[];
  /** Tables not catalogued, with why. */
  readonly skipped: readonly string[];
  /** Tables renamed because their plain names clashed (see glue-names). */
  readonly clashes: readonly string[];
}

/**
 * The catalog declarations of the tables of one export, grouped per source database: each with a
 * distinct, stable Glue name (clashes are resolved and reported, never overwritten).
 */
export function planCatalogTables(tables: readonly ExportedTable[], exportRoot: string, engine: SourceEngine): CatalogPlan {
  const planned: { source: ExportedTable; table: CatalogTable }[] = [];
  const skipped: string[] = [];
  const clashes: string[] = [];
  const byDatabase = new Map<string, ExportedTable[]>();
  for (const table of tables) byDatabase.set(table.database, [...byDatabase.get(table.database) ?? [], table]);
  for (const group of byDatabase.values()) {
    const names = glueTableNames(group, engine);
    clashes.push(...names.clashes);
    for (const source of group) {
      const table = catalogTable(source, exportRoot, engine, names.names.get(source.target));
      if ('skipped' in table) skipped.push(table.skipped);
      else planned.push({ source, table });
    }
  }
  return { tables: planned, skipped, clashes };
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

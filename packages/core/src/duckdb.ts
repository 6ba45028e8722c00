// A DuckDB SQL script over one RDS snapshot export, local or in S3: one view (or table) per
// completely exported table, named as the Glue catalog names it. Pure: the caller lists and reads the
// files (core needs neither DuckDB nor an AWS SDK to print the script).
import { catalogColumns, exportTablePath } from './catalog';
import { ExportMetadataError } from './errors';
import { ExportedTable, ExportInfo, parseExportInfo, parseExportTablesInfo } from './export-metadata';
import { glueNamePart, glueTableNames } from './glue-names';
import { sourceEngineOf } from './source-engine';
import { SourceEngine } from './type-mapping';

/** The metadata files of one export, found by name among the files at the export's root. */
export interface ExportMetadataFileNames {
  readonly exportTaskIdentifier: string;
  readonly exportInfo: string;
  readonly tablesInfo: readonly string[];
}

/** What a caller reads from an export's folder (locally or in S3) for {@link planDuckdbExport}. */
export interface ExportFolder {
  /** An absolute local path or an `s3://bucket/prefix/export-id` URI, without a trailing `/`. */
  readonly root: string;
  readonly exportInfo: { readonly name: string; readonly text: string };
  readonly tablesInfo: readonly { readonly name: string; readonly text: string }[];
  /** Every Parquet file under the root, relative to it, with `/` separators. */
  readonly dataFiles: readonly string[];
}

export interface DuckdbColumn {
  /** The column's name in the catalog (lowercase). */
  readonly name: string;
  /** The column's name as RDS wrote it in the Parquet files. */
  readonly sourceName: string;
  /** The DuckDB type, such as `BIGINT`, `VARCHAR` or `DECIMAL(20,0)`. */
  readonly type: string;
  /** The source database's type, kept as a comment. */
  readonly sourceType: string;
}

export interface DuckdbTable {
  /** `database.schema.table` as the export names it. */
  readonly target: string;
  /** The DuckDB schema: the source database, named as its Glue database part. */
  readonly schema: string;
  /** The table's name, as the Glue catalog names it. */
  readonly name: string;
  readonly columns: readonly DuckdbColumn[];
  /** `read_parquet` arguments: one glob per partition folder (or the files themselves); empty for a table with no files. */
  readonly sources: readonly string[];
  readonly files: number;
}

export interface DuckdbPlan {
  readonly root: string;
  readonly exportInfo: ExportInfo;
  readonly engine: SourceEngine;
  /** True when the engine was read from the table targets rather than given. */
  readonly engineInferred: boolean;
  readonly tables: readonly DuckdbTable[];
  /** Tables left out, each with the reason (and the metadata file that lists it). */
  readonly skipped: readonly string[];
  /** Tables whose catalog names clashed, each with the name it got (the Glue catalog's rule). */
  readonly renamed: readonly string[];
}

const EXPORT_INFO = /^export_info_(.+)\.json$/;
const TABLES_INFO = /^export_tables_info_(.+)_from_\d+_to_\d+\.json$/;

/**
 * Picks the metadata files of one export among the file names at its root.
 * @throws ExportMetadataError when there are none, or when they belong to more than one export.
 */
export function exportMetadataFileNames(names: readonly string[], root: string): ExportMetadataFileNames {
  const infos = names.filter((n) => EXPORT_INFO.test(n)).sort();
  const tables = names.filter((n) => TABLES_INFO.test(n)).sort();
  if (infos.length === 0) {
    throw new ExportMetadataError(
      `no export metadata in ${root}: expected export_info_<export id>.json and export_tables_info_<export id>_from_<n>_to_<m>.json there. `
      + 'Give the folder RDS named after the export task id (the one that holds those files).',
    );
  }
  if (infos.length > 1) {
    throw new ExportMetadataError(`${root} mixes several exports (${infos.join(', ')}): give the folder of one export`);
  }
  const exportInfo = infos[0]!;
  const exportTaskIdentifier = EXPORT_INFO.exec(exportInfo)![1]!;
  const foreign = tables.find((n) => TABLES_INFO.exec(n)![1] !== exportTaskIdentifier);
  if (foreign) {
    throw new ExportMetadataError(`${root} mixes several exports: ${foreign} is not of export ${exportTaskIdentifier} (${exportInfo})`);
  }
  if (tables.length === 0) throw new ExportMetadataError(`no export_tables_info_${exportTaskIdentifier}_from_<n>_to_<m>.json next to ${exportInfo} in ${root}`);
  return { exportTaskIdentifier, exportInfo, tablesInfo: tables };
}

/**
 * Plans the DuckDB script of one export: the tables to declare, their names and columns and the
 * Parquet files to read, and the tables left out with why.
 * @throws ExportMetadataError naming the file for unreadable metadata, a mixed export or an export that is not COMPLETE.
 */
export function planDuckdbExport(folder: ExportFolder, engine?: SourceEngine): DuckdbPlan {
  const exportInfo = parseExportInfo(folder.exportInfo.text, folder.exportInfo.name);
  const named = EXPORT_INFO.exec(folder.exportInfo.name)?.[1];
  if (named !== undefined && named !== exportInfo.exportTaskIdentifier) {
    throw new ExportMetadataError(`${folder.exportInfo.name} describes export ${exportInfo.exportTaskIdentifier}: the folder mixes several exports`);
  }
  if (exportInfo.status !== 'COMPLETE') {
    throw new ExportMetadataError(`export ${exportInfo.exportTaskIdentifier} is ${exportInfo.status}, not COMPLETE (${folder.exportInfo.name}): its files may be partial`);
  }
  const texts = folder.tablesInfo.map((f) => f.text);
  const names = folder.tablesInfo.map((f) => f.name);
  const chosen = engine ?? engineOfExport(parseExportTablesInfo(texts, undefined, names).tables, folder.root);
  const info = parseExportTablesInfo(texts, chosen, names);
  const filesByTable = groupByTableFolder(folder.dataFiles);
  const skipped = [...info.warnings];
  const tables: DuckdbTable[] = [];
  // Names as the Glue catalog gives them: per source database, clashes renamed and reported.
  const tableNames = new Map<string, string>();
  const renamed: string[] = [];
  for (const group of groupBy(info.tables, (t) => t.database).values()) {
    const glue = glueTableNames(group, chosen);
    glue.names.forEach((name, target) => tableNames.set(target, name));
    renamed.push(...glue.clashes);
  }
  for (const source of info.tables) {
    const columns = catalogColumns(source, chosen);
    if ('skipped' in columns) {
      skipped.push(`${columns.skipped}${source.sourceFile ? ` (${source.sourceFile})` : ''}`);
      continue;
    }
    const schema = glueNamePart(source.database);
    const name = tableNames.get(source.target)!;
    const path = exportTablePath(source);
    const files = filesByTable.get(path) ?? [];
    tables.push({
      target: source.target,
      schema,
      name,
      columns: columns.map((c, i) => ({ name: c.name, sourceName: source.columns[i]!.name, type: duckdbType(c.type), sourceType: c.comment })),
      sources: readParquetSources(folder.root, path, files),
      files: files.length,
    });
  }
  return { root: folder.root, exportInfo, engine: chosen, engineInferred: engine === undefined, tables, skipped, renamed };
}

/** The engine the export's table names and types show (see `sourceEngineOf`). */
function engineOfExport(listed: readonly ExportedTable[], root: string): SourceEngine {
  const tables = listed.filter((t) => t.status === 'COMPLETE' && t.columns.length > 0);
  if (tables.length === 0) return 'postgres'; // nothing to declare: the engine does not matter
  const { engine, evidence } = sourceEngineOf(tables);
  if (engine !== undefined) return engine;
  const shown = (list: readonly string[]) => list.slice(0, 3).join(', ');
  throw new ExportMetadataError(evidence.mysql.length === 0 && evidence.postgres.length === 0
    ? `cannot tell the source engine of the export in ${root}; give --engine=postgres or --engine=mysql`
    : `the export in ${root} looks like MySQL (${shown(evidence.mysql)}) and PostgreSQL (${shown(evidence.postgres)}); give --engine`);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...groups.get(key(item)) ?? [], item]);
  return groups;
}

/** Data files grouped by their table folder (`<database>/<schema.table>`), paths relative to that folder. */
function groupByTableFolder(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length < 3) continue;
    const key = `${parts[0]}/${parts[1]}`;
    const list = groups.get(key) ?? [];
    list.push(parts.slice(2).join('/'));
    groups.set(key, list);
  }
  return groups;
}

/**
 * One `<folder>/*.parquet` glob per partition folder RDS wrote (`1/`, `2/`, ..., or the table folder
 * itself for the older naming). A path with glob characters lists its files instead.
 */
function readParquetSources(root: string, tablePath: string, files: readonly string[]): string[] {
  const base = `${root}/${tablePath}`;
  if (/[*?[\]{}]/.test(base) || files.some((f) => /[*?[\]{}]/.test(f))) return files.map((f) => `${base}/${f}`).sort();
  const folders = [...new Set(files.map((f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '')))];
  folders.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return folders.map((folder) => `${base}${folder === '' ? '' : `/${folder}`}/*.parquet`);
}

const DUCKDB_TYPES = new Map([
  ['string', 'VARCHAR'], ['tinyint', 'TINYINT'], ['smallint', 'SMALLINT'], ['int', 'INTEGER'], ['bigint', 'BIGINT'], ['float', 'FLOAT'],
  ['double', 'DOUBLE'], ['boolean', 'BOOLEAN'], ['binary', 'BLOB'], ['date', 'DATE'], ['timestamp', 'TIMESTAMP'],
]);

/** The DuckDB type of an Athena column type (see `athenaColumnType`, which follows the Parquet type RDS wrote). */
export function duckdbType(athenaType: string): string {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(athenaType);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const type = DUCKDB_TYPES.get(athenaType);
  if (type === undefined) throw new ExportMetadataError(`no DuckDB type for the catalog type ${JSON.stringify(athenaType)}`);
  return type;
}

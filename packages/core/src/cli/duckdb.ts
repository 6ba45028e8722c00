// `snaplake duckdb <export root> [--into=file.duckdb]`: prints a DuckDB script over an RDS snapshot
// export, or copies its tables into a DuckDB database file.
// Printing the script for a local export needs nothing but Node.js. DuckDB (the optional peer
// dependency @duckdb/node-api) is loaded only for --into and for s3:// roots, where DuckDB itself
// reads S3 with the default AWS credential chain: core carries no AWS SDK.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckdbPlan, ExportFolder, exportMetadataFileNames, planDuckdbExport } from '../duckdb';
import { duckdbS3Setup, DuckdbScriptOptions, duckdbScript, duckdbStatements, isS3Root, qualifiedName, quoteString } from '../duckdb-sql';
import { SnaplakeError } from '../errors';
import { SourceEngine } from '../type-mapping';
import { CliCommand, CliIo, EXIT, stringOption, UsageError } from './command';

/** The part of @duckdb/node-api snaplake uses (loaded on demand, so core does not depend on it). */
export interface DuckdbConnectionLike {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
  closeSync?(): void;
}
export interface DuckdbModuleLike {
  DuckDBInstance: { create(path?: string): Promise<{ connect(): Promise<DuckdbConnectionLike>; closeSync?(): void }> };
}

/** The CLI's io, plus what tests replace: how DuckDB is loaded, and the clock of the progress lines. */
export interface DuckdbCommandIo extends CliIo {
  readonly loadDuckdb?: () => Promise<DuckdbModuleLike>;
  readonly now?: () => number;
}

const ENGINES: readonly string[] = ['postgres', 'mysql'];

/** `snaplake duckdb`: an export, local or in S3, as DuckDB views, or copied into a DuckDB file. */
export const duckdbCommand: CliCommand = {
  name: 'duckdb',
  summary: 'prints a DuckDB script over an export (a local copy or s3://), or copies its tables into a DuckDB file',
  help: `usage: snaplake duckdb <export root> [--into=<file.duckdb>] [--engine=postgres|mysql] [--region=<aws region>]

Prints a DuckDB SQL script with one view per completely exported table of an RDS snapshot export,
named as snaplake's catalog names them; skipped and renamed tables are listed in its comments and
on stderr.

  <export root>  the export's folder, named after the export task id: a local copy
                 (aws s3 sync s3://bucket/prefix/export-id ./export-id) or the s3:// URI itself
  --into         copy every table into this DuckDB database file instead, one progress line per table
  --engine       the source engine, postgres or mysql; by default read from the export
  --region       s3:// roots: the bucket's region (the snapshot's); by default AWS_REGION or the profile's

--into and s3:// roots need DuckDB for Node.js (npm install @duckdb/node-api); s3:// roots use DuckDB's
httpfs and aws extensions (installed on first use) and the default AWS credential chain.`,
  options: {
    into: { type: 'string' },
    engine: { type: 'string' },
    region: { type: 'string' },
  },
  positionals: true,
  run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'no export root given' : 'give one export root');
    const engine = stringOption(values, 'engine');
    if (engine !== undefined && !ENGINES.includes(engine)) throw new UsageError(`--engine must be postgres or mysql, got '${engine}'`);
    const into = stringOption(values, 'into');
    if (into === '') throw new UsageError('--into needs a file name');
    const region = stringOption(values, 'region');
    if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region must be an AWS region such as eu-west-1, got '${region}'`);
    return run(positionals[0]!, into, engine as SourceEngine | undefined, { region }, io).then(() => EXIT.ok);
  },
};

async function run(
  rootArg: string, into: string | undefined, engine: SourceEngine | undefined, options: DuckdbScriptOptions, io: DuckdbCommandIo,
): Promise<void> {
  const s3 = isS3Root(rootArg);
  const root = s3 ? rootArg.replace(/\/+$/, '') : resolve(rootArg).replace(/\\/g, '/');
  if (!s3 && into === undefined) {
    const plan = planDuckdbExport(readLocalExportFolder(root), engine);
    reportSkipped(plan, io);
    io.out(duckdbScript(plan).trimEnd());
    return;
  }
  const duckdb = await loadDuckdb(io);
  const instance = await duckdbStep(`opening ${into ?? 'an in-memory database'}`, () => duckdb.DuckDBInstance.create(into ?? ':memory:'));
  const connection = await instance.connect();
  try {
    if (s3) {
      for (const sql of duckdbS3Setup(options)) {
        await duckdbStep('setting up S3 access (httpfs and aws extensions, default credential chain)', () => connection.run(sql));
      }
    }
    const folder = s3 ? await readExportFolderWithDuckdb(connection, root) : readLocalExportFolder(root);
    const plan = planDuckdbExport(folder, engine);
    reportSkipped(plan, io);
    if (into === undefined) io.out(duckdbScript(plan, options).trimEnd());
    else await materialize(connection, plan, into, options, io);
  } finally {
    connection.closeSync?.();
    instance.closeSync?.();
  }
}

/** Says on stderr which tables are left out or renamed; an export with no table to declare is an error. */
function reportSkipped(plan: DuckdbPlan, io: DuckdbCommandIo): void {
  for (const reason of plan.skipped) io.err(`skipped: ${reason}`);
  for (const clash of plan.renamed) io.err(`renamed: ${clash}`);
  if (plan.tables.length === 0) {
    throw new SnaplakeError(`no tables: none of the tables of export ${plan.exportInfo.exportTaskIdentifier} can be declared${plan.skipped.length > 0 ? ' (see the skipped tables above)' : ''}`);
  }
}

/** Copies every table into the database file, one progress line per table on stderr. */
async function materialize(
  connection: DuckdbConnectionLike, plan: DuckdbPlan, into: string, options: DuckdbScriptOptions, io: DuckdbCommandIo,
): Promise<void> {
  const now = io.now ?? Date.now;
  const started = now();
  // DuckDB names the file's catalog after it: `shop.duckdb` and the schema `shop` make `shop.orders` ambiguous.
  const catalog = String((await connection.runAndReadAll('SELECT current_database()')).getRows()[0]?.[0] ?? '');
  const clash = plan.tables.find((t) => t.schema.toLowerCase() === catalog.toLowerCase());
  if (clash) {
    throw new SnaplakeError(`${into} is named like the schema ${clash.schema} (source database ${clash.target.split('.')[0]}): DuckDB could not tell `
      + `the file from the schema in ${clash.schema}.${clash.name}. Choose another file name, such as ${clash.schema}-export.duckdb`);
  }
  // The S3 setup ran before the metadata was read; the rest prepares schemas, then one statement per table.
  const statements = duckdbStatements(plan, true, options).filter((s) => s.table !== undefined || s.sql.startsWith('CREATE SCHEMA'));
  let done = 0;
  for (const statement of statements) {
    const table = statement.table;
    if (!table) {
      await duckdbStep('preparing the database', () => connection.run(statement.sql));
      continue;
    }
    const tableStarted = now();
    await duckdbStep(`${table.target}`, () => connection.run(statement.sql));
    const count = await connection.runAndReadAll(`SELECT count(*) FROM ${qualifiedName(table)}`);
    done++;
    const seconds = ((now() - tableStarted) / 1000).toFixed(1);
    const rows = Number(count.getRows()[0]![0]);
    io.err(`[${done}/${plan.tables.length}] ${table.schema}.${table.name}: ${counted(rows, 'row')} from ${counted(table.files, 'file')} (${seconds} s)`);
  }
  io.err(`${into}: ${plan.tables.length} tables of export ${plan.exportInfo.exportTaskIdentifier}, ${plan.skipped.length} skipped, in ${((now() - started) / 1000).toFixed(1)} s`);
}

/** `1 row`, `1,600 rows`. */
function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Runs one DuckDB call; its error becomes a one-line message naming what was being done. */
async function duckdbStep<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SnaplakeError) throw error;
    const message = (error as Error).message ?? String(error);
    throw new SnaplakeError(`${what}: DuckDB: ${message.split('\n').filter((l) => l.trim() !== '').slice(0, 2).join(' ')}`);
  }
}

async function loadDuckdb(io: DuckdbCommandIo): Promise<DuckdbModuleLike> {
  try {
    return io.loadDuckdb ? await io.loadDuckdb() : await import('@duckdb/node-api') as unknown as DuckdbModuleLike;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new SnaplakeError('--into and s3:// roots need DuckDB for Node.js, which is not installed: npm install @duckdb/node-api');
    }
    throw error;
  }
}

/** Reads a local export folder: its metadata files, and every Parquet file below it. */
export function readLocalExportFolder(root: string): ExportFolder {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SnaplakeError(`${root} is not a folder`);
  const names = exportMetadataFileNames(readdirSync(root), root);
  const read = (name: string) => ({ name, text: readFileSync(join(root, name), 'utf8') });
  return { root, exportInfo: read(names.exportInfo), tablesInfo: names.tablesInfo.map(read), dataFiles: parquetFilesBelow(root, '') };
}

/** Parquet files below a folder, relative to the root; marker and hidden files (`_...`, `.…`) are left out. */
function parquetFilesBelow(root: string, relative: string): string[] {
  return readdirSync(join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) return [];
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) return parquetFilesBelow(root, path);
    return relative !== '' && entry.name.endsWith('.parquet') ? [path] : [];
  });
}

/** Reads an export folder through DuckDB (what s3:// roots use; it reads local folders the same way). */
export async function readExportFolderWithDuckdb(connection: DuckdbConnectionLike, root: string): Promise<ExportFolder> {
  const list = async (pattern: string) => {
    const rows = await duckdbStep(`listing ${pattern}`, () => connection.runAndReadAll(`SELECT file FROM glob(${quoteString(pattern)})`));
    return rows.getRows().map((row) => String(row[0]).slice(root.length + 1)).sort();
  };
  const names = exportMetadataFileNames(await list(`${root}/*.json`), root);
  const read = async (name: string) => {
    const rows = await duckdbStep(`reading ${root}/${name}`, () => connection.runAndReadAll(`SELECT content FROM read_text(${quoteString(`${root}/${name}`)})`));
    return { name, text: String(rows.getRows()[0]?.[0] ?? '') };
  };
  const dataFiles = (await list(`${root}/*/*/**/*.parquet`))
    .filter((path) => !path.split('/').some((part) => part.startsWith('_') || part.startsWith('.')));
  const tablesInfo = [];
  for (const name of names.tablesInfo) tablesInfo.push(await read(name));
  return { root, exportInfo: await read(names.exportInfo), tablesInfo, dataFiles };
}

import { catalogName, createTableStatement, planCatalogTables } from '../catalog';
import { ExportedTable, parseExportTablesInfo } from '../export-metadata';
import { glueNamePart } from '../glue-names';
import { sourceEngineOf } from '../source-engine';
import { SourceEngine } from '../type-mapping';
import { CliCommand, CliIo, EXIT, readInputFile, stringOption, UsageError } from './command';

const ENGINES: readonly SourceEngine[] = ['postgres', 'mysql'];

/** `snaplake ddl`: Athena CREATE EXTERNAL TABLE statements for an export made by hand. */
export const ddlCommand: CliCommand = {
  name: 'ddl',
  summary: 'prints Athena CREATE EXTERNAL TABLE statements for the tables of an export',
  help: `usage: snaplake ddl <export_tables_info_*.json ...> --location=s3://bucket/prefix/export-id [--engine=postgres|mysql] [--database=name]

Prints one CREATE EXTERNAL TABLE statement per completely exported table, named as snaplake's own
catalog names them. Skipped tables and renamed (clashing) tables are listed on stderr.

  --location   the export's root in S3: the folder named after the export task id (required)
  --engine     the source engine, postgres or mysql; by default read from the export's table
               names and column types (MySQL: database.table, varchar, tinyint; PostgreSQL:
               database.schema.table, character varying), and an error when they do not tell
  --database   the Athena database to create the tables in (default: the source database's name)`,
  options: {
    location: { type: 'string' },
    engine: { type: 'string' },
    database: { type: 'string' },
  },
  positionals: true,
  run(values, files, io) {
    const location = stringOption(values, 'location');
    if (files.length === 0) throw new UsageError('no export_tables_info files given');
    if (!location) throw new UsageError('--location is required');
    const given = stringOption(values, 'engine');
    if (given !== undefined && !(ENGINES as readonly string[]).includes(given)) throw new UsageError(`--engine must be postgres or mysql, got '${given}'`);
    const texts = files.map((file) => readInputFile(io, file, 'an export_tables_info_*.json file'));
    const listed = withFileNames(() => parseExportTablesInfo(texts, given as SourceEngine | undefined), files);
    for (const warning of listed.warnings) io.err(`skipped: ${nameFiles(warning, files)}`);
    if (listed.tables.length === 0) {
      io.err(`snaplake ddl: no tables: ${files.join(', ')} list${files.length === 1 ? 's' : ''} no exported table`);
      return EXIT.failed;
    }
    const engine = given as SourceEngine | undefined ?? engineOf(listed.tables, io);
    if (engine === undefined) return EXIT.failed;
    const twoPart = listed.tables.find((t) => t.target.split('.').length === 2);
    if (engine === 'postgres' && twoPart) {
      io.err(`snaplake ddl: --engine postgres, but table ${twoPart.target} is named database.table, as MySQL exports name tables`);
      return EXIT.failed;
    }
    // Targets split by the engine: a MySQL table name may hold dots.
    const { tables } = given === undefined ? parseExportTablesInfo(texts, engine) : listed;
    const plan = planCatalogTables(tables, location, engine);
    for (const clash of plan.clashes) io.err(`renamed: ${clash}`);
    for (const skipped of plan.skipped) io.err(`skipped: ${skipped}`);
    if (plan.tables.length === 0) {
      io.err('snaplake ddl: no tables: none of the exported tables can be declared (see the skipped tables above)');
      return EXIT.failed;
    }
    const database = stringOption(values, 'database');
    for (const { source, table } of plan.tables) {
      io.out(`${createTableStatement(database ?? catalogName(glueNamePart(source.database)), table)}\n`);
    }
    return EXIT.ok;
  },
};

/** The engine the export's table names and types show (said on stderr), or undefined after saying why not. */
function engineOf(tables: readonly ExportedTable[], io: CliIo): SourceEngine | undefined {
  const { engine, evidence } = sourceEngineOf(tables);
  const shown = (list: readonly string[]) => list.slice(0, 3).join(', ');
  if (engine !== undefined) {
    io.err(`engine: ${engine}, from the export (${shown(evidence[engine])}); give --engine to say otherwise`);
    return engine;
  }
  io.err(evidence.mysql.length === 0
    ? 'snaplake ddl: cannot tell the source engine from the export; give --engine=postgres or --engine=mysql'
    : `snaplake ddl: the export looks like MySQL (${shown(evidence.mysql)}) and PostgreSQL (${shown(evidence.postgres)}); give --engine`);
  return undefined;
}

/** Runs the parser, putting the file's name in place of `export_tables_info file N of M` in its errors. */
function withFileNames<T>(parse: () => T, files: readonly string[]): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof Error) error.message = nameFiles(error.message, files);
    throw error;
  }
}

function nameFiles(message: string, files: readonly string[]): string {
  return message.replace(/export_tables_info file (\d+) of \d+/g, (whole, n: string) => files[Number(n) - 1] ?? whole);
}

// Lays out an RDS snapshot export on disk as RDS documents it, with Parquet written by DuckDB:
//   <root>/export_info_<id>.json
//   <root>/export_tables_info_<id>_from_<n>_to_<m>.json   (several files)
//   <root>/<database>/<schema>.<table>/<batch>/part-00000-<uuid>-c000.gz.parquet
// Each column is written with the Parquet physical type the RDS data-conversion tables list
// (USER_ExportSnapshot.data-types): the DuckDB type given here is chosen to produce it.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { runCli } from '../src/cli';
import { DuckdbCommandIo } from '../src/cli/duckdb';

export interface FixtureColumn {
  readonly name: string;
  readonly originalType: string;
  readonly expectedExportedType: string;
  /** The DuckDB type that writes the Parquet type RDS writes, such as `SMALLINT` for INT32 (INT_16). */
  readonly writeAs: string;
}

export interface FixtureTable {
  /** `database.schema.table` (`database.table` for MySQL). */
  readonly target: string;
  readonly status?: string;
  readonly columns: readonly FixtureColumn[];
  /** Per batch folder (`1`, `2`, ...), a SQL query giving its rows in column order; none for an empty table. */
  readonly batches?: Readonly<Record<string, string>>;
}

export interface FixtureExport {
  readonly exportTaskIdentifier: string;
  readonly tables: readonly FixtureTable[];
  /** Entries RDS writes for skipped objects: a warning and no schema. */
  readonly warnings?: readonly string[];
  /** How many tables each export_tables_info file lists. */
  readonly tablesPerInfoFile: number;
  readonly status?: string;
}

/** RDS writes `\`, backtick, `"` and space in names as `_` in paths; for MySQL the schema part is the database. */
export function tableFolder(target: string): string {
  const parts = target.split('.');
  const [database, schema, table] = parts.length === 2 ? [parts[0]!, parts[0]!, parts[1]!] : [parts[0]!, parts[1]!, parts.slice(2).join('.')];
  const clean = (name: string) => name.replace(/[\\`" ]/g, '_');
  return `${clean(database)}/${clean(schema)}.${clean(table)}`;
}

export async function writeRdsExport(connection: DuckDBConnection, root: string, spec: FixtureExport): Promise<void> {
  mkdirSync(root, { recursive: true });
  const id = spec.exportTaskIdentifier;
  writeFileSync(join(root, `export_info_${id}.json`), JSON.stringify({
    exportTaskIdentifier: id,
    sourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:shop-2026-11-21-03-05',
    exportOnly: [],
    snapshotTime: '2026-11-21T03:05:12.000Z',
    taskStartTime: '2026-11-21T03:10:00.000Z',
    taskEndTime: '2026-11-21T03:40:00.000Z',
    s3Bucket: 'exports-bucket',
    s3Prefix: 'exports',
    exportedFilesPath: `exports/${id}`,
    iamRoleArn: 'arn:aws:iam::111111111111:role/export',
    kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    status: spec.status ?? 'COMPLETE',
    percentProgress: 100,
    totalExportedDataInGB: 0.001,
  }, null, 2));

  const entries: unknown[] = spec.tables.map((table) => ({
    tableStatistics: {
      extractionStartTime: '2026-11-21T03:20:00.000Z',
      extractionEndTime: '2026-11-21T03:21:00.000Z',
    },
    schemaMetadata: {
      originalTypeMappings: table.columns.map((c) => ({
        columnName: c.name,
        originalType: c.originalType,
        expectedExportedType: c.expectedExportedType,
        originalCharMaxLength: 0,
        originalNumPrecision: 0,
        originalDateTimePrecision: 0,
      })),
    },
    status: table.status ?? 'COMPLETE',
    sizeGB: 0.000_1,
    target: table.target,
  }));
  for (const warning of spec.warnings ?? []) entries.push({ warningMessage: warning, status: 'SKIPPED', sizeGB: 0 });
  for (let first = 0; first < entries.length; first += spec.tablesPerInfoFile) {
    const chunk = entries.slice(first, first + spec.tablesPerInfoFile);
    const name = `export_tables_info_${id}_from_${first + 1}_to_${first + chunk.length}.json`;
    writeFileSync(join(root, name), JSON.stringify({ perTableStatus: chunk }, null, 2));
  }

  for (const table of spec.tables) {
    for (const [batch, rows] of Object.entries(table.batches ?? {})) {
      const folder = join(root, tableFolder(table.target), batch);
      mkdirSync(folder, { recursive: true });
      const select = table.columns.map((c, i) => `CAST(col${i} AS ${c.writeAs}) AS "${c.name.replace(/"/g, '""')}"`).join(', ');
      const columnAliases = table.columns.map((_, i) => `col${i}`).join(', ');
      const file = join(folder, `part-00000-${randomUUID()}-c000.gz.parquet`);
      await connection.run(`COPY (SELECT ${select} FROM (${rows}) AS rows(${columnAliases})) TO '${file}' (FORMAT parquet, COMPRESSION gzip)`);
    }
  }
}

export const PG_ID = 'rds-shop-2026-11-21-03-05-1a2b3c4d';
export const MYSQL_ID = 'rds-billing-2026-11-21-04-00-5e6f7a8b';
const BIGINT = { originalType: 'bigint', expectedExportedType: 'int64', writeAs: 'BIGINT' };
const TEXT = { originalType: 'text', expectedExportedType: 'binary (UTF8)', writeAs: 'VARCHAR' };

/** A PostgreSQL export: every Parquet type of the RDS PostgreSQL table, several batch folders, and the awkward cases. */
export const POSTGRES_EXPORT: FixtureExport = {
  exportTaskIdentifier: PG_ID,
  tablesPerInfoFile: 3,
  warnings: ['The table public.secrets was skipped: PERMISSIONS_DO_NOT_EXIST'],
  tables: [
    {
      target: 'shop.public.orders',
      columns: [
        { name: 'id', ...BIGINT },
        { name: 'customer_id', originalType: 'integer', expectedExportedType: 'int32', writeAs: 'INTEGER' },
        { name: 'quantity', originalType: 'smallint', expectedExportedType: 'int32', writeAs: 'SMALLINT' },
        { name: 'price', originalType: 'double precision', expectedExportedType: 'double', writeAs: 'DOUBLE' },
        { name: 'weight', originalType: 'real', expectedExportedType: 'float', writeAs: 'FLOAT' },
        { name: 'paid', originalType: 'boolean', expectedExportedType: 'boolean', writeAs: 'BOOLEAN' },
        { name: 'receipt', originalType: 'bytea', expectedExportedType: 'binary', writeAs: 'BLOB' },
        { name: 'total', originalType: 'numeric', expectedExportedType: 'binary (UTF8)', writeAs: 'VARCHAR' },
        { name: 'ordered_on', originalType: 'date', expectedExportedType: 'binary (UTF8)', writeAs: 'VARCHAR' },
        { name: 'CreatedAt', originalType: 'timestamp with time zone', expectedExportedType: 'binary (UTF8)', writeAs: 'VARCHAR' },
        { name: 'select', ...TEXT },
      ],
      batches: {
        1: 'SELECT i, i % 7, i % 3, i * 1.5, i / 4, i % 2 = 0, \'\\xCA\\xFE\'::BLOB, \'12345678901234567890.12\', \'2026-11-20\', \'2026-11-20 10:00:00+00\', \'a\' FROM range(1, 1001) t(i)',
        2: 'SELECT i, i % 7, i % 3, i * 1.5, i / 4, i % 2 = 0, NULL, \'NaN\', \'2026-11-21\', NULL, NULL FROM range(1001, 1501) t(i)',
        10: 'SELECT i, i % 7, i % 3, i * 1.5, i / 4, true, NULL, \'0.10\', \'infinity\', NULL, NULL FROM range(1501, 1601) t(i)',
      },
    },
    { target: 'shop.public.audit_log', status: 'FAILED', columns: [{ name: 'id', ...BIGINT }], batches: { 1: 'SELECT 1' } },
    { target: 'shop.public.empty_table', columns: [{ name: 'id', ...BIGINT }, { name: 'label', ...TEXT }] },
    { target: 'shop.public.sales_orders', columns: [{ name: 'id', ...BIGINT }], batches: { 1: 'SELECT i FROM range(5) t(i)' } },
    { target: 'shop.sales.orders', columns: [{ name: 'id', ...BIGINT }], batches: { 1: 'SELECT i FROM range(7) t(i)' } },
    { target: 'shop.public.order', columns: [{ name: 'group', ...TEXT }], batches: { 1: "SELECT 'x'", 2: "SELECT 'it''s'" } },
    { target: 'shop.public.Order Lines', columns: [{ name: 'id', ...BIGINT }], batches: { 1: 'SELECT 42' } },
  ],
};

/** A MySQL export: DECIMAL(p,s) stored as INT32, INT64 and FIXED_LEN_BYTE_ARRAY, BIGINT UNSIGNED, TINYINT, DATETIME. */
export const MYSQL_EXPORT: FixtureExport = {
  exportTaskIdentifier: MYSQL_ID,
  tablesPerInfoFile: 1,
  tables: [
    {
      target: 'billing.invoices',
      columns: [
        { name: 'id', originalType: 'bigint', expectedExportedType: 'int64', writeAs: 'BIGINT' },
        { name: 'small_amount', originalType: 'decimal', expectedExportedType: 'int32 DECIMAL(5,2)', writeAs: 'DECIMAL(5,2)' },
        { name: 'amount', originalType: 'decimal', expectedExportedType: 'int64 DECIMAL(18,2)', writeAs: 'DECIMAL(18,2)' },
        { name: 'big_amount', originalType: 'decimal', expectedExportedType: 'fixed_len_byte_array(13) DECIMAL(30,4)', writeAs: 'DECIMAL(30,4)' },
        { name: 'counter', originalType: 'bigint unsigned', expectedExportedType: 'fixed_len_byte_array(9) DECIMAL(20,0)', writeAs: 'DECIMAL(20,0)' },
        { name: 'flag', originalType: 'tinyint', expectedExportedType: 'int32', writeAs: 'INTEGER' },
        { name: 'issued_at', originalType: 'datetime', expectedExportedType: 'timestamp_micros', writeAs: 'TIMESTAMP' },
      ],
      batches: {
        1: "SELECT 1, 123.45, 1234567890123456.78, 12345678901234567890123456.7891, 18446744073709551615, 1, TIMESTAMP '2026-11-20 23:30:00'",
        2: "SELECT 2, -0.01, 0.10, 0.0001, 0, 0, TIMESTAMP '2026-11-21 00:00:00'",
      },
    },
    { target: 'billing.customers', columns: [{ name: 'id', ...BIGINT }], batches: { 1: 'SELECT 1' } },
  ],
};

export interface Run {
  readonly code: number;
  /** Everything printed on stdout, each line ended by a newline. */
  readonly out: string;
  readonly err: string[];
}

/** `snaplake duckdb <args>` through the CLI's entry point. */
export async function runDuckdb(args: readonly string[], io: Partial<DuckdbCommandIo> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['duckdb', ...args], {
    out: (line) => out.push(line), err: (line) => err.push(line), readFile: (path) => readFileSync(path, 'utf8'), ...io,
  });
  return { code, out: out.map((line) => `${line}\n`).join(''), err };
}

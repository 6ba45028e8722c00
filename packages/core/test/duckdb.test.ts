// `snaplake duckdb` against exports laid out as RDS writes them, with the script run in a real DuckDB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MYSQL_EXPORT, MYSQL_ID, PG_ID, POSTGRES_EXPORT, runDuckdb, writeRdsExport } from './rds-export-fixture';

let workDir: string;
let writer: DuckDBInstance;
let writerConnection: DuckDBConnection;
let pgRoot: string;
let mysqlRoot: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'snaplake-duckdb-'));
  writer = await DuckDBInstance.create(':memory:');
  writerConnection = await writer.connect();
  pgRoot = join(workDir, 'exports', PG_ID);
  mysqlRoot = join(workDir, 'exports', MYSQL_ID);
  await writeRdsExport(writerConnection, pgRoot, POSTGRES_EXPORT);
  await writeRdsExport(writerConnection, mysqlRoot, MYSQL_EXPORT);
});

afterAll(() => {
  writerConnection.closeSync();
  writer.closeSync();
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs a script in a fresh in-memory DuckDB and returns a query helper on it. */
async function runScript(script: string): Promise<(sql: string) => Promise<Record<string, unknown>[]>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(script);
  return async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

async function columnTypes(query: (sql: string) => Promise<Record<string, unknown>[]>, table: string): Promise<string[]> {
  return (await query(`DESCRIBE ${table}`)).map((row) => `${row.column_name} ${row.column_type}`);
}

describe('snaplake duckdb on a PostgreSQL export', () => {
  test('every complete table is a view over all its batch folders, with the types RDS wrote', async () => {
    const { code, out } = await runDuckdb([pgRoot]);
    expect(code).toBe(0);
    const query = await runScript(out);
    expect(await query('SELECT count(*) AS n, count(DISTINCT id) AS ids, max(id) AS top FROM shop.orders')).toEqual([{ n: '1600', ids: '1600', top: '1600' }]);
    expect(await columnTypes(query, 'shop.orders')).toEqual([
      'id BIGINT', 'customer_id INTEGER', 'quantity SMALLINT', 'price DOUBLE', 'weight FLOAT', 'paid BOOLEAN',
      'receipt BLOB', 'total VARCHAR', 'ordered_on VARCHAR', 'createdat VARCHAR', 'select VARCHAR',
    ]);
    // numeric, dates and timestamps are the text PostgreSQL wrote: no precision lost, NaN and infinity kept.
    expect(await query('SELECT id, quantity, price, weight, paid, hex(receipt) AS receipt, total, ordered_on, createdat, "select" FROM shop.orders WHERE id IN (4, 1200, 1600) ORDER BY id')).toEqual([
      { id: '4', quantity: 1, price: 6, weight: 1, paid: true, receipt: 'CAFE', total: '12345678901234567890.12', ordered_on: '2026-11-20', createdat: '2026-11-20 10:00:00+00', select: 'a' },
      { id: '1200', quantity: 0, price: 1800, weight: 300, paid: true, receipt: null, total: 'NaN', ordered_on: '2026-11-21', createdat: null, select: null },
      { id: '1600', quantity: 1, price: 2400, weight: 400, paid: true, receipt: null, total: '0.10', ordered_on: 'infinity', createdat: null, select: null },
    ]);
  });

  test('a FAILED table and an object RDS skipped are listed in comments with the reason and file, and not declared', async () => {
    const { out, err } = await runDuckdb([pgRoot]);
    const infoFile = `export_tables_info_${PG_ID}_from_1_to_3.json`;
    expect(out).toContain(`--   shop.public.audit_log: status FAILED, not catalogued (${infoFile})`);
    expect(out).toContain('PERMISSIONS_DO_NOT_EXIST');
    expect(err).toContain(`skipped: shop.public.audit_log: status FAILED, not catalogued (${infoFile})`);
    const query = await runScript(out);
    expect(await query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'shop' AND view_name LIKE 'audit%'")).toEqual([]);
  });

  test('a table with no Parquet files is an empty view that still has its columns and types', async () => {
    const query = await runScript((await runDuckdb([pgRoot])).out);
    expect(await query('SELECT count(*) AS n FROM shop.empty_table')).toEqual([{ n: '0' }]);
    expect(await columnTypes(query, 'shop.empty_table')).toEqual(['id BIGINT', 'label VARCHAR']);
  });

  test('names that need quoting work: a keyword table and column, and a table name with a space', async () => {
    const { out } = await runDuckdb([pgRoot]);
    const query = await runScript(out);
    expect(await query('SELECT "group" FROM shop."order" ORDER BY 1')).toEqual([{ group: 'it\'s' }, { group: 'x' }]);
    // A name that is not plain ASCII gets the catalog's readable part and a hash of the exact name.
    const [lines] = await query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'shop' AND view_name LIKE 'order_lines%'");
    expect(lines!.view_name).toMatch(/^order_lines_[0-9a-f]{6}$/);
    expect(await query(`SELECT id FROM shop.${lines!.view_name}`)).toEqual([{ id: '42' }]);
  });

  test('two tables whose catalog names clash both stay, named as the Glue catalog names them', async () => {
    const { out, err } = await runDuckdb([pgRoot]);
    const query = await runScript(out);
    // public.sales_orders is exactly the plain name and keeps it; sales.orders gets a hash of its schema.table.
    expect(await query('SELECT count(*) AS n FROM shop.sales_orders')).toEqual([{ n: '5' }]);
    const [other] = await query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'shop' AND view_name LIKE 'sales_orders_%'");
    expect(await query(`SELECT count(*) AS n FROM shop.${other!.view_name}`)).toEqual([{ n: '7' }]);
    const clash = err.find((line) => line.startsWith('renamed: shop.sales.orders'));
    expect(clash).toContain(other!.view_name);
    expect(out).toContain(`--   ${clash!.slice('renamed: '.length)}`);
  });
});

describe('snaplake duckdb on a MySQL export', () => {
  test('DECIMAL(p,s) stored as INT32, INT64 and fixed-length bytes keeps exact values; tables keep their names', async () => {
    const { code, out } = await runDuckdb([mysqlRoot]);
    expect(code).toBe(0);
    expect(out).toContain('-- engine mysql (read from the export; --engine overrides)');
    const query = await runScript(`SET TimeZone = 'America/New_York';\n${out}`);
    expect(await columnTypes(query, 'billing.invoices')).toEqual([
      'id BIGINT', 'small_amount DECIMAL(5,2)', 'amount DECIMAL(18,2)', 'big_amount DECIMAL(30,4)', 'counter DECIMAL(20,0)', 'flag TINYINT', 'issued_at TIMESTAMP',
    ]);
    expect(await query('SELECT small_amount::VARCHAR AS s, amount::VARCHAR AS a, big_amount::VARCHAR AS b, counter::VARCHAR AS c, flag, issued_at::VARCHAR AS t FROM billing.invoices ORDER BY id')).toEqual([
      { s: '123.45', a: '1234567890123456.78', b: '12345678901234567890123456.7891', c: '18446744073709551615', flag: 1, t: '2026-11-20 23:30:00' },
      { s: '-0.01', a: '0.10', b: '0.0001', c: '0', flag: 0, t: '2026-11-21 00:00:00' },
    ]);
    expect(await query('SELECT count(*) AS n FROM billing.customers')).toEqual([{ n: '1' }]);
  });
});

// `snaplake duckdb`: --into, the s3:// path, and every error a user can meet.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MYSQL_EXPORT, MYSQL_ID, PG_ID, POSTGRES_EXPORT, runDuckdb, tableFolder, writeRdsExport } from './rds-export-fixture';
import { DuckdbConnectionLike, DuckdbModuleLike, readExportFolderWithDuckdb, readLocalExportFolder } from '../src/cli/duckdb';

let workDir: string;
let writer: DuckDBInstance;
let connection: DuckDBConnection;
let pgRoot: string;
let mysqlRoot: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'snaplake-duckdb-cli-'));
  writer = await DuckDBInstance.create(':memory:');
  connection = await writer.connect();
  pgRoot = join(workDir, 'exports', PG_ID);
  mysqlRoot = join(workDir, 'exports', MYSQL_ID);
  await writeRdsExport(connection, pgRoot, POSTGRES_EXPORT);
  await writeRdsExport(connection, mysqlRoot, MYSQL_EXPORT);
});

afterAll(() => {
  connection.closeSync();
  writer.closeSync();
  rmSync(workDir, { recursive: true, force: true });
});

/** A scratch folder holding copies of chosen metadata files of the fixture exports. */
function folderWith(name: string, files: Record<string, string>): string {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}
const pgFile = (name: string) => readFileSync(join(pgRoot, name), 'utf8');
const pgInfo = `export_info_${PG_ID}.json`;
const pgTables = `export_tables_info_${PG_ID}_from_1_to_3.json`;

describe('snaplake duckdb --into', () => {
  test('copies every complete table into the database file with one progress line per table', async () => {
    const file = join(workDir, 'local-lake.duckdb');
    const first = await runDuckdb([pgRoot, '--into', file]);
    expect(first.code).toBe(0);
    expect(first.out).toBe('');
    const progress = first.err.filter((l) => l.startsWith('['));
    expect(progress[0]).toMatch(new RegExp(`^\\[1/${progress.length}\\] shop\\.orders: 1,600 rows from 3 files \\(\\d+\\.\\d s\\)$`));
    expect(progress).toContainEqual(expect.stringMatching(/^\[\d\/\d\] shop\.empty_table: 0 rows from 0 files/));
    expect(progress).toContainEqual(expect.stringMatching(/^\[\d\/\d\] shop\.order: 2 rows from 2 files/));
    expect(progress).toContainEqual(expect.stringMatching(/^\[\d\/\d\] shop\.order_lines_[0-9a-f]{6}: 1 row from 1 file \(/));
    expect(first.err.at(-1)).toMatch(new RegExp(`: ${progress.length} tables of export ${PG_ID}, \\d+ skipped, in \\d+\\.\\d s$`));
    // Running again replaces the tables; the file holds tables (a copy), not views over the export.
    expect((await runDuckdb([pgRoot, '--into', file])).code).toBe(0);
    const db = await DuckDBInstance.create(file);
    const reader = await db.connect();
    const tables = (await reader.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'shop' ORDER BY 1")).getRowObjectsJson();
    const orders = (await reader.runAndReadAll('SELECT count(*) AS n, sum(id) AS s FROM shop.orders')).getRowObjectsJson();
    reader.closeSync();
    db.closeSync();
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['empty_table', 'order', 'orders', 'sales_orders']));
    expect(tables).toHaveLength(progress.length);
    expect(progress.length).toBe(6);
    expect(orders).toEqual([{ n: '1600', s: String((1600 * 1601) / 2) }]);
  });

  test('a file named like a source database is refused before any table is written (DuckDB could not tell them apart)', async () => {
    const run = await runDuckdb([pgRoot, '--into', join(workDir, 'shop.duckdb')]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toBe(`snaplake duckdb: ${join(workDir, 'shop.duckdb')} is named like the schema shop (source database shop): DuckDB could not tell `
      + 'the file from the schema in shop.orders. Choose another file name, such as shop-export.duckdb');
  });

  test('without DuckDB installed, it says how to install it', async () => {
    const missing = Object.assign(new Error("Cannot find module '@duckdb/node-api'"), { code: 'MODULE_NOT_FOUND' });
    const run = await runDuckdb([pgRoot, '--into', join(workDir, 'x.duckdb')], { loadDuckdb: () => Promise.reject(missing) });
    expect(run).toEqual({ code: 1, out: '', err: [expect.stringContaining('need DuckDB for Node.js, which is not installed: npm install @duckdb/node-api')] });
  });
});

describe('snaplake duckdb on an s3:// root', () => {
  const s3Root = `s3://exports-bucket/exports/${PG_ID}`;
  /** DuckDB with the bucket served from the local copy: S3 setup statements are recorded, paths mapped. */
  function duckdbWithLocalS3(statements: string[]): DuckdbModuleLike {
    const local = (sql: string) => sql.split('s3://exports-bucket/exports/').join(`${join(workDir, 'exports')}/`);
    const toS3 = (value: unknown) => (typeof value === 'string' ? value.split(`${join(workDir, 'exports')}/`).join('s3://exports-bucket/exports/') : value);
    return {
      DuckDBInstance: {
        create: async (path?: string) => {
          const instance = await DuckDBInstance.create(path);
          return {
            closeSync: () => instance.closeSync(),
            connect: async (): Promise<DuckdbConnectionLike> => {
              const real = await instance.connect();
              return {
                run: async (sql) => {
                  statements.push(sql);
                  return /^(INSTALL|LOAD|CREATE OR REPLACE SECRET)/.test(sql) ? undefined : real.run(local(sql));
                },
                runAndReadAll: async (sql) => {
                  statements.push(sql);
                  const rows = (await real.runAndReadAll(local(sql))).getRows();
                  return { getRows: () => rows.map((row) => row.map(toS3)) };
                },
                closeSync: () => real.closeSync(),
              };
            },
          };
        },
      },
    };
  }

  test('sets up httpfs with the default credential chain before reading, and the script reads S3', async () => {
    const statements: string[] = [];
    const run = await runDuckdb([`${s3Root}/`], { loadDuckdb: async () => duckdbWithLocalS3(statements) });
    expect(run.code).toBe(0);
    expect(statements.slice(0, 5)).toEqual(['INSTALL httpfs', 'LOAD httpfs', 'INSTALL aws', 'LOAD aws', 'CREATE OR REPLACE SECRET snaplake_s3 (TYPE s3, PROVIDER credential_chain)']);
    expect(statements[5]).toBe(`SELECT file FROM glob('${s3Root}/*.json')`);
    expect(run.out).toContain('CREATE OR REPLACE SECRET snaplake_s3 (TYPE s3, PROVIDER credential_chain);');
    expect(run.out).toContain(`  '${s3Root}/shop/public.orders/10/*.parquet'`);
    expect(run.out).toContain('default AWS\n-- credential chain');
  });

  test('--region goes into the secret, for reading the metadata and in the script', async () => {
    const statements: string[] = [];
    const run = await runDuckdb([s3Root, '--region', 'eu-west-1'], { loadDuckdb: async () => duckdbWithLocalS3(statements) });
    const secret = "CREATE OR REPLACE SECRET snaplake_s3 (TYPE s3, PROVIDER credential_chain, REGION 'eu-west-1')";
    expect(statements[4]).toBe(secret);
    expect(run.out).toContain(`${secret};`);
    expect((await runDuckdb([s3Root, '--region', 'Ireland'])).err[0]).toMatch(/^snaplake duckdb: --region must be an AWS region such as eu-west-1, got 'Ireland'\n/);
  });

  test('--into copies the tables read from S3, setting up S3 once', async () => {
    const statements: string[] = [];
    const run = await runDuckdb([s3Root, '--into', join(workDir, 's3.duckdb')], { loadDuckdb: async () => duckdbWithLocalS3(statements) });
    expect(run.code).toBe(0);
    expect(statements.filter((sql) => sql.startsWith('CREATE OR REPLACE SECRET'))).toHaveLength(1);
    expect(run.err).toContainEqual(expect.stringMatching(/^\[1\/\d\] shop\.orders: 1,600 rows from 3 files/));
  });

  test('DuckDB finds the same metadata and Parquet files as the local reader', async () => {
    const real = await writer.connect();
    const root = pgRoot.replace(/\\/g, '/');
    expect(await readExportFolderWithDuckdb(real, root)).toEqual(readLocalExportFolder(root));
    real.closeSync();
  });

  test('a DuckDB failure is one line naming the step, never a stack trace', async () => {
    const failing: DuckdbModuleLike = {
      DuckDBInstance: {
        create: async () => ({
          connect: async () => ({
            run: async () => { throw new Error('IO Error: Failed to download extension "httpfs"\nmore detail\n\nand more'); },
            runAndReadAll: async () => ({ getRows: () => [] }),
          }),
        }),
      },
    };
    const run = await runDuckdb([s3Root], { loadDuckdb: async () => failing });
    expect(run).toEqual({
      code: 1,
      out: '',
      err: ['snaplake duckdb: setting up S3 access (httpfs and aws extensions, default credential chain): DuckDB: IO Error: Failed to download extension "httpfs" more detail'],
    });
  });
});

describe('snaplake duckdb errors name the file', () => {
  test('a folder with no export metadata', async () => {
    const dir = folderWith('empty', {});
    expect(await runDuckdb([dir])).toEqual({
      code: 1,
      out: '',
      err: [expect.stringMatching(new RegExp(`^snaplake duckdb: no export metadata in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: expected export_info_<export id>\\.json`))],
    });
    expect((await runDuckdb([join(workDir, 'missing')])).err).toEqual([`snaplake duckdb: ${join(workDir, 'missing')} is not a folder`]);
  });

  test('the parent folder of several exports is no export', async () => {
    const run = await runDuckdb([join(workDir, 'exports')]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toContain('Give the folder RDS named after the export task id');
  });

  test('a mixed export: two export_info files, or tables info of another export', async () => {
    const mysqlInfo = `export_info_${MYSQL_ID}.json`;
    const two = folderWith('mixed-1', { [pgInfo]: pgFile(pgInfo), [pgTables]: pgFile(pgTables), [mysqlInfo]: readFileSync(join(mysqlRoot, mysqlInfo), 'utf8') });
    expect((await runDuckdb([two])).err).toEqual([`snaplake duckdb: ${two} mixes several exports (${mysqlInfo}, ${pgInfo}): give the folder of one export`]);
    const foreign = `export_tables_info_${MYSQL_ID}_from_1_to_1.json`;
    const other = folderWith('mixed-2', { [pgInfo]: pgFile(pgInfo), [pgTables]: pgFile(pgTables), [foreign]: readFileSync(join(mysqlRoot, foreign), 'utf8') });
    expect((await runDuckdb([other])).err).toEqual([`snaplake duckdb: ${other} mixes several exports: ${foreign} is not of export ${PG_ID} (${pgInfo})`]);
  });

  test('an export that is not COMPLETE, and metadata that is not JSON', async () => {
    const failed = folderWith('failed', { [pgInfo]: pgFile(pgInfo).replace('"COMPLETE"', '"FAILED"'), [pgTables]: pgFile(pgTables) });
    expect((await runDuckdb([failed])).err).toEqual([`snaplake duckdb: export ${PG_ID} is FAILED, not COMPLETE (${pgInfo}): its files may be partial`]);
    const broken = folderWith('broken', { [pgInfo]: pgFile(pgInfo), [pgTables]: '{"perTableStatus": [' });
    expect((await runDuckdb([broken])).err).toEqual([expect.stringMatching(new RegExp(`^snaplake duckdb: ${pgTables} is not JSON: `))]);
  });

  test('a column of an unknown type skips its table, naming the type and the file', async () => {
    const text = pgFile(pgTables).replace('"expectedExportedType": "int32"', '"expectedExportedType": "int128"');
    const dir = folderWith('unknown-type', { [pgInfo]: pgFile(pgInfo), [pgTables]: text });
    const run = await runDuckdb([dir]);
    expect(run.code).toBe(0);
    const reason = `shop.public.orders: column customer_id: unknown exported type "int128" for postgres type "integer" (${pgTables})`;
    expect(run.err).toContain(`skipped: ${reason}`);
    expect(run.out).toContain(`--   ${reason}`);
    expect(run.out).not.toContain('"shop"."orders"');
  });

  test('an export with no table to declare says so and exits 1', async () => {
    const onlyFailed = JSON.stringify({ perTableStatus: [{ target: 'shop.public.audit_log', status: 'FAILED', schemaMetadata: { originalTypeMappings: [] } }] });
    const dir = folderWith('nothing', { [pgInfo]: pgFile(pgInfo), [pgTables]: onlyFailed });
    const run = await runDuckdb([dir]);
    expect(run).toEqual({
      code: 1,
      out: '',
      err: [
        `skipped: shop.public.audit_log: status FAILED, not catalogued (${pgTables})`,
        `snaplake duckdb: no tables: none of the tables of export ${PG_ID} can be declared (see the skipped tables above)`,
      ],
    });
  });

  test('wrong arguments exit with 2 and the usage', async () => {
    for (const args of [[], [pgRoot, mysqlRoot], [pgRoot, '--engine', 'oracle'], [pgRoot, '--into'], [pgRoot, '--bogus']]) {
      const run = await runDuckdb(args);
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toContain('usage: snaplake duckdb <export root>');
    }
    expect((await runDuckdb(['--help'])).out).toContain('default AWS credential chain');
  });
});

describe('the fixture writes the Parquet physical types RDS documents', () => {
  const physical = async (file: string) => (await connection.runAndReadAll(`SELECT name, type, converted_type FROM parquet_schema('${file}') WHERE type IS NOT NULL`)).getRowObjectsJson();
  const firstFile = (root: string, target: string) => {
    const folder = join(root, tableFolder(target), '1');
    return join(folder, readdirSync(folder)[0]!);
  };

  test('PostgreSQL: INT64, INT32 (INT_16 for smallint), DOUBLE, FLOAT, BOOLEAN, BYTE_ARRAY for bytea, UTF8 BYTE_ARRAY for numeric, dates, timestamps', async () => {
    expect(await physical(firstFile(pgRoot, 'shop.public.orders'))).toEqual([
      { name: 'id', type: 'INT64', converted_type: 'INT_64' },
      { name: 'customer_id', type: 'INT32', converted_type: 'INT_32' },
      { name: 'quantity', type: 'INT32', converted_type: 'INT_16' },
      { name: 'price', type: 'DOUBLE', converted_type: null },
      { name: 'weight', type: 'FLOAT', converted_type: null },
      { name: 'paid', type: 'BOOLEAN', converted_type: null },
      { name: 'receipt', type: 'BYTE_ARRAY', converted_type: null },
      { name: 'total', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'ordered_on', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'CreatedAt', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'select', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    ]);
  });

  test('MySQL: DECIMAL(p,s) as INT32, INT64 or FIXED_LEN_BYTE_ARRAY; BIGINT UNSIGNED as FIXED_LEN_BYTE_ARRAY DECIMAL(20,0)', async () => {
    const types = await physical(firstFile(mysqlRoot, 'billing.invoices'));
    expect(types.filter((t) => t.converted_type === 'DECIMAL').map((t) => `${t.name} ${t.type}`)).toEqual([
      'small_amount INT32', 'amount INT64', 'big_amount FIXED_LEN_BYTE_ARRAY', 'counter FIXED_LEN_BYTE_ARRAY',
    ]);
  });
});

test('a copy made with aws s3 sync keeps working when marker files sit beside the data', async () => {
  const dir = join(workDir, 'synced');
  mkdirSync(join(dir, tableFolder('billing.customers'), '1'), { recursive: true });
  for (const name of readdirSync(mysqlRoot).filter((n) => n.endsWith('.json'))) copyFileSync(join(mysqlRoot, name), join(dir, name));
  const source = join(mysqlRoot, tableFolder('billing.customers'), '1');
  for (const name of readdirSync(source)) copyFileSync(join(source, name), join(dir, tableFolder('billing.customers'), '1', name));
  writeFileSync(join(dir, tableFolder('billing.customers'), '_SUCCESS'), '');
  const run = await runDuckdb([dir]);
  expect(run.code).toBe(0);
  expect(run.out).toContain(`'${dir}/billing/billing.customers/1/*.parquet'`);
  expect(run.out).toContain('-- billing.invoices: 7 columns, no Parquet files (an empty table)');
});

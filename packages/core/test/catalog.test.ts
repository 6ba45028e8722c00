import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogName, catalogTable, createTableStatement, exportTableLocation, parseExportTablesInfo } from '../src';
import { runCli } from '../src/cli';

const fixtures = join(__dirname, 'fixtures');
const files = ['export_tables_info_pg_from_1_to_3.json', 'export_tables_info_pg_from_4_to_4.json'].map((f) => join(fixtures, f));
const tables = parseExportTablesInfo(files.map((f) => readFileSync(f, 'utf8'))).tables;
const root = 's3://exports-bucket/exports/rds-orders-1a2b3c4d';

describe('catalog declarations', () => {
  test('a complete table gets its columns typed from the Parquet types and its export prefix as location', () => {
    expect(catalogTable(tables[0]!, root, 'postgres')).toEqual({
      name: 'orders',
      location: 's3://exports-bucket/exports/rds-orders-1a2b3c4d/shop/public.orders/',
      columns: [
        { name: 'id', type: 'bigint', comment: 'bigint' },
        { name: 'status', type: 'string', comment: 'character varying' },
        { name: 'quantity', type: 'smallint', comment: 'smallint' },
        { name: 'total', type: 'string', comment: 'numeric' },
        { name: 'created_at', type: 'string', comment: 'timestamp without time zone' },
      ],
    });
  });

  test('a table the export did not finish is skipped with the reason', () => {
    expect(catalogTable({ ...tables[0]!, status: 'FAILED' }, root, 'postgres')).toEqual({ skipped: 'shop.public.orders: status FAILED, not catalogued' });
  });

  test('names RDS rewrites in paths are rewritten the same way', () => {
    expect(exportTableLocation(`${root}/`, { ...tables[0]!, schema: 'my schema', table: 'a"b' })).toBe(`${root}/shop/my_schema.a_b/`);
  });

  test('catalog names are lowercase letters, digits and underscores', () => {
    expect(catalogName('Snaplake', 'prod', 'Order-DB')).toBe('snaplake_prod_order_db');
    expect(catalogName('2026 sales')).toBe('t_2026_sales');
  });

  test('the statement quotes names and reads Parquet under the location', () => {
    const table = catalogTable(tables[1]!, root, 'postgres');
    if ('skipped' in table) throw new Error(table.skipped);
    expect(createTableStatement('shop', table)).toBe([
      'CREATE EXTERNAL TABLE IF NOT EXISTS `shop`.`events` (',
      "  `id` int COMMENT 'integer',",
      "  `payload` binary COMMENT 'bytea'",
      ')',
      'STORED AS PARQUET',
      "LOCATION 's3://exports-bucket/exports/rds-orders-1a2b3c4d/shop/public.events/';",
    ].join('\n'));
  });
});

describe('snaplake ddl', () => {
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: (p) => readFileSync(p, 'utf8') });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('prints a statement per complete table and lists skipped ones on stderr', () => {
    const result = run(['ddl', ...files, '--location', root]);
    expect(result.code).toBe(0);
    expect(result.out.match(/CREATE EXTERNAL TABLE/g)).toHaveLength(2);
    expect(result.out).toContain('`shop`.`orders`');
    expect(result.err).toContain('skipped: shop.public.audit');
  });

  test('--database names the Athena database', () => {
    expect(run(['ddl', files[1]!, '--location', root, '--database', 'lake']).out).toContain('`lake`.`events`');
  });

  test.each([
    [['ddl', '--location', root], /no export_tables_info files given/],
    [['ddl', files[0]!], /--location is required/],
    [['ddl', files[0]!, '--location', root, '--engine', 'oracle'], /--engine must be postgres or mysql/],
    [['ddl', files[0]!, '--location'], /option --location needs a value/],
    [['dll'], /unknown command 'dll'/],
  ])('%p fails with usage and exit code 2', (args, message) => {
    const result = run(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  test('a missing file fails with exit code 1 and the error', () => {
    const result = run(['ddl', '/nonexistent/export_tables_info.json', '--location', root]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/snaplake ddl: ENOENT/);
  });

  test('a location that is not s3:// fails with exit code 1 naming it', () => {
    const result = run(['ddl', files[1]!, '--location', 'bucket/prefix']);
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('export location must be s3://bucket/prefix/export-id, got "bucket/prefix"') });
  });
});

describe('snaplake partner-policy', () => {
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: () => '' });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('prints the statements the partner applies', () => {
    const result = run(['partner-policy', '--destination', 'partner-lake', '--role-arn', 'arn:aws:iam::111111111111:role/snaplake-prod-delivery', '--prefix', 'from-acme']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).bucketPolicyStatements[1].Resource).toBe('arn:aws:s3:::partner-lake/from-acme/*');
  });

  test('missing or wrong arguments fail with usage', () => {
    expect(run(['partner-policy', '--destination', 'x']).code).toBe(2);
    expect(run(['partner-policy', '--destination', 's3://x', '--role-arn', 'arn:aws:iam::111111111111:role/r'])).toMatchObject({ code: 1, err: expect.stringContaining('neither a bucket name') });
  });
});

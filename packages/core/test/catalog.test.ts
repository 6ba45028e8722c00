import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogName, catalogTable, createTableStatement, exportTableLocation, parseExportTablesInfo } from '../src';

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

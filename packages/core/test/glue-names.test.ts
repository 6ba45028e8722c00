import {
  catalogName,
  EXPORTED_AT_PARAMETER,
  expiredPartitionValues,
  ExportedTable,
  glueDatabaseName,
  glueNamePart,
  glueTableNames,
  historyPartitionKey,
  historyPartitionInput,
  historyTableInput,
  nameHeldByOtherTable,
  parseExportTablesInfo,
  planCatalogTables,
  SNAPSHOT_TIME_PARAMETER,
  SOURCE_TABLE_PARAMETER,
} from '../src';

const table = (target: string, status = 'COMPLETE'): ExportedTable => {
  const [database, schema, ...rest] = target.split('.');
  return {
    target,
    database: database!,
    schema: schema!,
    table: rest.join('.'),
    status,
    columns: [{ name: 'id', originalType: 'bigint', expectedExportedType: 'int64' }],
  };
};
const root = 's3://exports/snaplake-prod-rds-shop-1a2b3c4d';

describe('Glue names of source tables', () => {
  test('a table whose name has no ASCII letter or digit is catalogued, and the rest of the export too (issue 14 #4)', () => {
    const plan = planCatalogTables([table('shop.public.注文'), table('shop.public.orders')], root, 'postgres');
    expect(plan.skipped).toEqual([]);
    const names = plan.tables.map((t) => t.table.name);
    expect(names[0]).toMatch(/^t_[0-9a-f]{6}$/);
    expect(names[1]).toBe('orders');
    // Stable: the same name on every export.
    expect(planCatalogTables([table('shop.public.注文')], root, 'postgres').tables[0]!.table.name).toBe(names[0]);
  });

  test('a source database with no ASCII letter or digit still gets a Glue database', () => {
    expect(glueDatabaseName('snaplake_prod', 'orders-db', 'ショップ')).toMatch(/^snaplake_prod_orders_db_t_[0-9a-f]{6}$/);
    expect(glueDatabaseName('snaplake_prod', 'orders-db', 'shop')).toBe('snaplake_prod_orders_db_shop');
    expect(catalogName('注文')).toMatch(/^t_[0-9a-f]{6}$/);
  });

  test('public.sales_orders and sales.orders get distinct names; the public table keeps the plain one (issue 14 #8)', () => {
    const { names, clashes } = glueTableNames([table('shop.sales.orders'), table('shop.public.sales_orders')], 'postgres');
    expect(names.get('shop.public.sales_orders')).toBe('sales_orders');
    expect(names.get('shop.sales.orders')).toMatch(/^sales_orders_[0-9a-f]{6}$/);
    expect(clashes).toEqual([expect.stringContaining('shop.sales.orders: its name sales_orders clashes with shop.public.sales_orders')]);
  });

  test('"Orders" and orders get distinct names; orders keeps its own (issue 14 #8)', () => {
    for (const order of [['Orders', 'orders'], ['orders', 'Orders']]) {
      const { names } = glueTableNames(order.map((t) => table(`shop.public.${t}`)), 'postgres');
      expect(names.get('shop.public.orders')).toBe('orders');
      expect(names.get('shop.public.Orders')).toMatch(/^orders_[0-9a-f]{6}$/);
    }
    // Alone, an upper-case name is simply lower-cased.
    expect(glueTableNames([table('shop.public.Orders')], 'postgres').names.get('shop.public.Orders')).toBe('orders');
  });

  test('names that need more than lower-casing carry a hash, so they never take a plain name', () => {
    expect(glueNamePart('order-items')).toMatch(/^order_items_[0-9a-f]{6}$/);
    expect(glueNamePart('order_items')).toBe('order_items');
    expect(glueNamePart('OrderItems')).toBe('orderitems');
  });

  test('a Glue table already holding another source table is reported, not overwritten', () => {
    expect(nameHeldByOtherTable({ [SOURCE_TABLE_PARAMETER]: 'shop.public.Orders' }, 'shop.public.orders')).toBe('shop.public.Orders');
    expect(nameHeldByOtherTable({ [SOURCE_TABLE_PARAMETER]: 'shop.public.orders' }, 'shop.public.orders')).toBeUndefined();
    expect(nameHeldByOtherTable({}, 'shop.public.orders')).toBeUndefined();
  });
});

describe('MySQL table names with dots (issue 14 #15)', () => {
  const info = JSON.stringify({
    perTableStatus: [{
      target: 'shop.order.items',
      status: 'COMPLETE',
      schemaMetadata: {
        originalTypeMappings: [
          { columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' },
        ],
      },
    }],
  });

  test('the table name is everything after the database, dots included', () => {
    const [parsed] = parseExportTablesInfo([info], 'mysql').tables;
    expect(parsed).toMatchObject({ database: 'shop', schema: 'shop', table: 'order.items' });
    const plan = planCatalogTables([parsed!], root, 'mysql');
    expect(plan.tables[0]!.table.location).toBe(`${root}/shop/shop.order.items/`);
    expect(plan.tables[0]!.table.name).toMatch(/^order_items_[0-9a-f]{6}$/);
  });

  test('PostgreSQL keeps database.schema.table', () => {
    expect(parseExportTablesInfo([info], 'postgres').tables[0]).toMatchObject({ database: 'shop', schema: 'order', table: 'items' });
  });
});

describe('history tables', () => {
  const version = { exportTaskIdentifier: 'snaplake-prod-x-1a2b3c4d', snapshotTime: '2026-11-21T03:05:00Z', exportedAt: '2026-11-21T04:00:00.000Z' };

  test('a column named snapshot_time does not repeat the partition key (issue 14 #9)', () => {
    const columns = [{ name: 'snapshot_time', type: 'string', comment: 'timestamp' }];
    expect(historyPartitionKey({ columns })).toBe('snaplake_snapshot_time');
    const input = historyTableInput({ name: 'events', columns, location: `${root}/shop/public.events/` }, 's3://exports/', 'shop.public.events', version);
    expect(input.PartitionKeys!.map((k) => k.Name)).not.toContain('snapshot_time');
    expect(historyPartitionKey({ columns: [{ name: 'id', type: 'bigint', comment: '' }] })).toBe('snapshot_time');
  });

  test('the history table records the snapshot its columns come from, and each partition its export time', () => {
    const t = { name: 'orders', columns: [{ name: 'id', type: 'bigint', comment: '' }], location: `${root}/shop/public.orders/` };
    expect(historyTableInput(t, 's3://exports/', 'shop.public.orders', version).Parameters[SNAPSHOT_TIME_PARAMETER]).toBe('2026-11-21T03:05:00Z');
    expect(historyPartitionInput(t, version).Parameters[EXPORTED_AT_PARAMETER]).toBe('2026-11-21T04:00:00.000Z');
  });
});

describe('expiredPartitionValues', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  test('a backfilled old snapshot is kept as long as its export lives, and never dropped by the run that added it (issue 14 #12)', () => {
    const partitions = [
      { value: '2026-01-01T03:00:00Z', exportedAt: '2026-11-21T11:00:00Z' }, // backfill exported today
      { value: '2026-11-20T03:00:00Z', exportedAt: '2026-11-20T04:00:00Z' },
      { value: '2026-11-21T03:00:00Z', exportedAt: '2026-11-21T04:00:00Z' },
    ];
    expect(expiredPartitionValues(partitions, now, 30)).toEqual([]);
    // Without an export time the snapshot time decides, but the run's own partition is kept.
    expect(expiredPartitionValues(['2026-01-01T03:00:00Z', '2026-11-21T03:00:00Z'], now, 30, ['2026-01-01T03:00:00Z'])).toEqual([]);
    expect(expiredPartitionValues(['2026-01-01T03:00:00Z', '2026-11-21T03:00:00Z'], now, 30)).toEqual(['2026-01-01T03:00:00Z']);
  });
});

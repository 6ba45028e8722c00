import { catalogSummary, NAMES_IN_STEP_RESULT } from '../src/step-results';

/** Step Functions' limit on a state's input and output (and so on a task result). */
const STATE_LIMIT_BYTES = 256 * 1024;

describe('catalogSummary', () => {
  test('a catalog of 5,400 tables (a schema per tenant, long names) returns a result far under 256 KiB, with the counts', () => {
    const tables = Array.from({ length: 5400 }, (_, i) => `snaplake_prod_orders_db_shop.tenant_${String(i).padStart(5, '0')}_order_line_items_history`);
    const summary = catalogSummary({
      databases: ['snaplake_prod_orders_db_shop'],
      tables,
      currentTablesKept: tables,
      currentTablesRetired: [],
      partitionsAdded: 5400,
      partitionsDropped: 5400,
      skipped: tables.map((t) => `${t}: column "a b" is not exportable`),
      renamed: tables,
    });
    expect(Buffer.byteLength(JSON.stringify(tables))).toBeGreaterThan(STATE_LIMIT_BYTES);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThan(16 * 1024);
    expect(summary).toMatchObject({ tableCount: 5400, skippedCount: 5400, databaseCount: 1, currentTablesKeptCount: 5400, renamedCount: 5400 });
    expect(summary.tables).toHaveLength(NAMES_IN_STEP_RESULT);
    expect(summary.tables[0]).toBe(tables[0]);
  });

  test('a small catalog is returned whole', () => {
    const summary = catalogSummary({ databases: ['d'], tables: ['d.a', 'd.b'], currentTablesKept: [], currentTablesRetired: [], partitionsAdded: 2, partitionsDropped: 0, skipped: [], renamed: [] });
    expect(summary).toEqual({
      databases: ['d'], databaseCount: 1, tables: ['d.a', 'd.b'], tableCount: 2, currentTablesKeptCount: 0, partitionsAdded: 2, partitionsDropped: 0, skipped: [], skippedCount: 0, renamed: [], renamedCount: 0,
    });
  });
});

import fc from 'fast-check';
import {
  CatalogTable,
  GLUE_PARAMETER_VALUE_LIMIT,
  HISTORY_PARTITIONS_PARAMETER,
  historyPartitionsParameter,
  historyTableInput,
  mergeHistoryPartitions,
  readHistoryPartitions,
  sameTableDefinition,
  SNAPSHOT_TIME_PARAMETER,
} from '../src';

const table: CatalogTable = {
  name: 'orders',
  location: 's3://exports/e/rds-orders-2026-11-21-1a2b3c4d/shop/public.orders/',
  columns: [{ name: 'id', type: 'bigint', comment: 'bigint' }, { name: 'status', type: 'string', comment: 'character varying' }],
};
const version = (snapshotTime: string) => ({ exportTaskIdentifier: `export-${snapshotTime}`, snapshotTime });

describe('the history partitions recorded on the current table', () => {
  test('are read back as written, export times included', () => {
    const partitions = [{ value: '2026-11-20T03:05:00Z' }, { value: '2026-11-21T03:05:00Z', exportedAt: '2026-11-21T03:30:00.000Z' }];
    expect(readHistoryPartitions(historyPartitionsParameter(partitions))).toEqual(partitions);
  });

  test('property: any list of partitions survives the round trip', () => {
    const partition = fc.record({ value: fc.string(), exportedAt: fc.option(fc.string(), { nil: undefined }) })
      .map(({ value, exportedAt }) => (exportedAt === undefined ? { value } : { value, exportedAt }));
    fc.assert(fc.property(fc.array(partition, { maxLength: 50 }), (partitions) => {
      expect(readHistoryPartitions(historyPartitionsParameter(partitions))).toEqual(partitions);
    }));
  });

  test('none recorded, or a record that is not snaplake\'s, reads as unknown (the caller lists the partitions)', () => {
    expect(readHistoryPartitions(undefined)).toBeUndefined();
    expect(readHistoryPartitions({ classification: 'parquet' })).toBeUndefined();
    for (const broken of ['', 'not json', '{}', '[1]', '[[1]]', '[["a", 2]]']) {
      expect(readHistoryPartitions({ [HISTORY_PARTITIONS_PARAMETER]: broken })).toBeUndefined();
    }
  });

  test('a record longer than Glue allows in a parameter value is left out, so the next run lists instead', () => {
    const many = Array.from({ length: 12_000 }, (_, i) => ({ value: `2026-01-01T00:00:${String(i).padStart(5, '0')}Z`, exportedAt: '2026-01-01T00:00:00.000Z' }));
    expect(historyPartitionsParameter(many)).toEqual({});
    const fits = historyPartitionsParameter(many.slice(0, 1000))[HISTORY_PARTITIONS_PARAMETER]!;
    expect(fits.length).toBeLessThanOrEqual(GLUE_PARAMETER_VALUE_LIMIT);
  });

  test('merging keeps one entry per value, in order, prefers the one with an export time, and drops the removed', () => {
    const merged = mergeHistoryPartitions([
      [{ value: 'b' }, { value: 'a', exportedAt: 'x' }],
      [{ value: 'a' }, { value: 'c' }, { value: 'b', exportedAt: 'y' }],
    ], ['c']);
    expect(merged).toEqual([{ value: 'a', exportedAt: 'x' }, { value: 'b', exportedAt: 'y' }]);
  });
});

describe('sameTableDefinition', () => {
  const input = historyTableInput(table, 's3://exports/e/', 'shop.public.orders', version('2026-11-21T03:05:00Z'));
  // What GetTables returns for the table that input created: the input plus fields Glue adds.
  const existing = { ...input, DatabaseName: 'db', CreateTime: new Date(), VersionId: '3', IsRegisteredWithLakeFormation: false };

  test('a table as it was written is the same, whatever snapshot time it records', () => {
    expect(sameTableDefinition(existing, input, [SNAPSHOT_TIME_PARAMETER])).toBe(true);
    const nextNight = historyTableInput(table, 's3://exports/e/', 'shop.public.orders', version('2026-11-22T03:05:00Z'));
    expect(sameTableDefinition(existing, nextNight, [SNAPSHOT_TIME_PARAMETER])).toBe(true);
    expect(sameTableDefinition(existing, nextNight)).toBe(false);
  });

  test('a column added, dropped, retyped or renamed is a change', () => {
    const changed: CatalogTable[] = [
      { ...table, columns: [...table.columns, { name: 'note', type: 'string', comment: 'text' }] },
      { ...table, columns: table.columns.slice(1) },
      { ...table, columns: [{ name: 'id', type: 'string', comment: 'bigint' }, table.columns[1]!] },
      { ...table, columns: [{ name: 'order_id', type: 'bigint', comment: 'bigint' }, table.columns[1]!] },
    ];
    for (const other of changed) {
      expect(sameTableDefinition(existing, historyTableInput(other, 's3://exports/e/', 'shop.public.orders'), [SNAPSHOT_TIME_PARAMETER])).toBe(false);
    }
  });

  test('another location or another source table is a change', () => {
    expect(sameTableDefinition(existing, historyTableInput(table, 's3://exports/other/', 'shop.public.orders'), [SNAPSHOT_TIME_PARAMETER])).toBe(false);
    expect(sameTableDefinition(existing, historyTableInput(table, 's3://exports/e/', 'shop.public.orders2'), [SNAPSHOT_TIME_PARAMETER])).toBe(false);
  });

  test('a table someone edited by hand (a parameter added) is a change, so snaplake writes it back', () => {
    expect(sameTableDefinition({ ...existing, Parameters: { ...existing.Parameters, owner: 'me' } }, input, [SNAPSHOT_TIME_PARAMETER])).toBe(false);
  });
});

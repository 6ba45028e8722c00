import fc from 'fast-check';
import {
  CatalogTable,
  currentTableInput,
  expiredPartitionValues,
  historyPartitionInput,
  historyTableInput,
  shouldSwitchCurrentTable,
  snapshotTimePartitionValue,
} from '../src';

const table: CatalogTable = {
  name: 'orders',
  location: 's3://exports/e/rds-orders-2026-11-21-1a2b3c4d/shop/public.orders/',
  columns: [{ name: 'id', type: 'bigint', comment: 'bigint' }, { name: 'status', type: 'string', comment: 'character varying' }],
};
const version = { exportTaskIdentifier: 'rds-orders-2026-11-21-1a2b3c4d', snapshotTime: '2026-11-21T03:05:00Z' };

describe('Glue declarations', () => {
  test('the current table reads Parquet from the newest export and records which one', () => {
    const input = currentTableInput(table, version, 'shop.public.orders');
    expect(input).toMatchObject({
      Name: 'orders',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { 'classification': 'parquet', 'snaplake:export_task_identifier': version.exportTaskIdentifier, 'snaplake:snapshot_time': '2026-11-21T03:05:00Z' },
      StorageDescriptor: {
        Location: table.location,
        Columns: [{ Name: 'id', Type: 'bigint', Comment: 'bigint' }, { Name: 'status', Type: 'string', Comment: 'character varying' }],
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      },
    });
    expect(input.PartitionKeys).toBeUndefined();
  });

  test('the history table is partitioned by snapshot_time and each export is a partition at its own prefix', () => {
    expect(historyTableInput(table, 's3://exports/e/', 'shop.public.orders')).toMatchObject({
      Name: 'orders_history', PartitionKeys: [{ Name: 'snapshot_time', Type: 'string' }],
    });
    expect(historyPartitionInput(table, version)).toMatchObject({ Values: ['2026-11-21T03:05:00Z'], StorageDescriptor: { Location: table.location } });
  });

  test('snapshot times become sortable UTC partition values', () => {
    expect(snapshotTimePartitionValue('2026-11-21T04:05:00.123+01:00')).toBe('2026-11-21T03:05:00Z');
    expect(() => snapshotTimePartitionValue('yesterday')).toThrow('snapshot time "yesterday" is not a date');
  });

  test('a current table never switches back to an older snapshot', () => {
    expect(shouldSwitchCurrentTable(undefined, version)).toBe(true);
    expect(shouldSwitchCurrentTable({ 'snaplake:snapshot_time': '2026-11-20T03:05:00Z' }, version)).toBe(true);
    expect(shouldSwitchCurrentTable({ 'snaplake:snapshot_time': '2026-11-21T03:05:00Z' }, version)).toBe(true);
    expect(shouldSwitchCurrentTable({ 'snaplake:snapshot_time': '2026-11-22T03:05:00Z' }, version)).toBe(false);
  });
});

describe('expiredPartitionValues', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  test('returns partitions older than the retention, oldest first', () => {
    expect(expiredPartitionValues(['2026-11-20T03:00:00Z', '2026-11-01T03:00:00Z', '2026-11-13T03:00:00Z', '2026-11-15T03:00:00Z', '2026-10-30T03:00:00Z'], now, 7))
      .toEqual(['2026-10-30T03:00:00Z', '2026-11-01T03:00:00Z', '2026-11-13T03:00:00Z']);
  });

  test('never drops the newest partition, however old', () => {
    expect(expiredPartitionValues(['2026-01-01T00:00:00Z'], now, 7)).toEqual([]);
  });

  test('property: the newest partition survives and nothing younger than the retention is dropped', () => {
    const times = fc.array(fc.date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map(snapshotTimePartitionValue), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(times, fc.integer({ min: 1, max: 400 }), (values, days) => {
      const expired = expiredPartitionValues(values, now, days);
      const newest = [...values].sort().at(-1)!;
      const cutoff = now.getTime() - days * 86_400_000;
      return !expired.includes(newest) && expired.every((v) => new Date(v).getTime() < cutoff);
    }), { numRuns: 1000 });
  });
});

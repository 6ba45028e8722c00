import { DEFAULT_EXPORT_PRICE, EXPORT_METRICS } from '@snaplake/core';
import { reportExport } from '../src';
import { quietLogs } from './quiet-logs';

const namespace = 'snaplake/prod/exports';
const completed = {
  outcome: 'completed' as const,
  snapshot: { databaseIdentifier: 'orders-db' },
  export: { totalExtractedDataInGB: 250, taskStartTime: '2026-11-21T03:10:00.000Z', taskEndTime: '2026-11-21T05:40:00.000Z' },
  catalog: { tables: ['a.orders', 'a.customers', 'a.invoices'] },
};

function run(input: unknown) {
  const lines: string[] = [];
  const result = reportExport(input as never, { namespace, price: DEFAULT_EXPORT_PRICE, now: () => new Date('2026-11-21T05:45:00Z'), emit: (l) => lines.push(l) });
  return { result, records: lines.map((l) => JSON.parse(l)) };
}

beforeAll(quietLogs);

describe('reportExport', () => {
  test('a catalogued export: the cost report for the notification and one EMF record with the freshness count', () => {
    const { result, records } = run(completed);
    expect(result).toEqual({
      databaseIdentifier: 'orders-db', extractedGB: 250, durationMinutes: 150, tables: 3, estimatedChargeUSD: 2.5, pricePerGB: 0.01, priceAsOf: DEFAULT_EXPORT_PRICE.asOf,
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      Database: 'orders-db',
      ExportsCatalogued: 1,
      ExtractedGB: 250,
      ExportDurationMinutes: 150,
      TablesExported: 3,
      EstimatedExportChargeUSD: 2.5,
      _aws: { Timestamp: Date.parse('2026-11-21T05:45:00Z'), CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['Database']] }] },
    });
  });

  test('with a crawler the table count is unknown: no TablesExported value, the rest is reported', () => {
    const { result, records } = run({ ...completed, catalog: { crawlerName: 'c' } });
    expect(result).not.toHaveProperty('tables');
    expect(records[0]).not.toHaveProperty('TablesExported');
    expect(records[0].ExportsCatalogued).toBe(1);
  });

  test('no task times from RDS: the duration runs from the execution start to now', () => {
    const { result } = run({ ...completed, export: { totalExtractedDataInGB: 1, taskStartTime: '', taskEndTime: '' }, startedAt: '2026-11-21T05:15:00Z' });
    expect(result).toMatchObject({ durationMinutes: 30 });
  });

  test('a failure counts one ExportsFailed for the database, or for "unknown" before the snapshot was resolved', () => {
    expect(run({ outcome: 'failed', state: { snapshot: { databaseIdentifier: 'orders-db' }, error: {} } }).records[0])
      .toMatchObject({ Database: 'orders-db', [EXPORT_METRICS.failed]: 1 });
    expect(run({ outcome: 'failed', state: { request: { databaseIdentifier: 'billing', kind: 'cluster' } } }).records[0]).toMatchObject({ Database: 'billing' });
    expect(run({ outcome: 'failed', state: { request: { snapshotArn: 'arn:x' } } }).records[0]).toMatchObject({ Database: 'unknown' });
  });

  test('bad input is an InvalidInput error naming the field, and nothing is emitted', () => {
    expect(() => run({ outcome: 'maybe' })).toThrow(/outcome must be 'completed' or 'failed'/);
    expect(() => run({ ...completed, export: { totalExtractedDataInGB: 'lots' } })).toThrow(expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(/extractedGB/) }));
    expect(() => run({ ...completed, snapshot: {} })).toThrow(/databaseIdentifier is missing/);
  });
});

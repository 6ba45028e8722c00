import { completedExportMetrics, DEFAULT_EXPORT_PRICE, embeddedMetricRecord, exportCostReport, EXPORT_METRIC_DEFINITIONS, metricNamespace, SnaplakeError } from '../src';

const done = {
  databaseIdentifier: 'orders-db', extractedGB: 123.4, taskStartTime: '2026-11-21T03:10:00Z', taskEndTime: '2026-11-21T04:55:30Z', tables: 42,
};

describe('export cost report', () => {
  test('GB, minutes, tables and the charge at the stage price', () => {
    expect(exportCostReport(done, { usdPerGB: 0.012, asOf: '2026-01-01' })).toEqual({
      databaseIdentifier: 'orders-db', extractedGB: 123.4, durationMinutes: 105.5, tables: 42, estimatedChargeUSD: 1.4808, pricePerGB: 0.012, priceAsOf: '2026-01-01',
    });
  });

  test('the default price is dated, so a reader knows how old it is', () => {
    expect(DEFAULT_EXPORT_PRICE.usdPerGB).toBe(0.01);
    expect(DEFAULT_EXPORT_PRICE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(exportCostReport(done, DEFAULT_EXPORT_PRICE).estimatedChargeUSD).toBe(1.234);
  });

  test('bad input names the field', () => {
    expect(() => exportCostReport({ ...done, extractedGB: -1 }, DEFAULT_EXPORT_PRICE)).toThrow(/extractedGB must be a number >= 0/);
    expect(() => exportCostReport({ ...done, taskEndTime: '' }, DEFAULT_EXPORT_PRICE)).toThrow(/taskEndTime must be an ISO date/);
    expect(() => exportCostReport({ ...done, databaseIdentifier: '' }, DEFAULT_EXPORT_PRICE)).toThrow(SnaplakeError);
    expect(() => exportCostReport(undefined as never, DEFAULT_EXPORT_PRICE)).toThrow(SnaplakeError);
  });
});

describe('embedded metric records', () => {
  test('a complete export becomes one EMF record per database with every cost metric and the freshness count', () => {
    const line = embeddedMetricRecord(metricNamespace('prod', 'exports'), { Database: 'orders-db' }, completedExportMetrics(exportCostReport(done, DEFAULT_EXPORT_PRICE)), new Date(0));
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [{
          Namespace: 'snaplake/prod/exports',
          Dimensions: [['Database']],
          Metrics: [
            { Name: 'ExportsCatalogued', Unit: 'Count' }, { Name: 'ExtractedGB', Unit: 'Gigabytes' }, { Name: 'ExportDurationMinutes', Unit: 'None' },
            { Name: 'TablesExported', Unit: 'Count' }, { Name: 'EstimatedExportChargeUSD', Unit: 'None' },
          ],
        }],
      },
      Database: 'orders-db',
      ExportsCatalogued: 1,
      ExtractedGB: 123.4,
      ExportDurationMinutes: 105.5,
      TablesExported: 42,
      EstimatedExportChargeUSD: 1.234,
    });
  });

  test('a namespace of another area, a missing dimension or a NaN value is refused', () => {
    const one = [{ metric: EXPORT_METRIC_DEFINITIONS.failed, value: 1 }];
    expect(() => embeddedMetricRecord(metricNamespace('prod', 'dr'), { Database: 'a' }, one, new Date())).toThrow(/not snaplake\/<stage>\/exports/);
    expect(() => embeddedMetricRecord(metricNamespace('prod', 'exports'), {}, one, new Date())).toThrow(/dimension Database needs a value/);
    expect(() => embeddedMetricRecord(metricNamespace('prod', 'exports'), { Database: 'a' }, [{ metric: EXPORT_METRIC_DEFINITIONS.failed, value: NaN }], new Date())).toThrow(/finite/);
    expect(() => metricNamespace('Prod!', 'exports')).toThrow(SnaplakeError);
  });
});

import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_EXPORT_PRICE, metricNamespace, SNAPLAKE_METRICS } from '@snaplake/core';
import { finishScheduledQuery, reportExport, reportRecoveryPoints } from '../src';
import { quietLogs } from './quiet-logs';

// Every metric core declares is emitted by a function, with the declared namespace, dimensions and unit:
// the dashboard and the alarms (infra) name metrics only through these declarations.
interface Emitted { namespace: string; name: string; dimensions: string[]; unit: string }

function emittedBy(lines: string[]): Emitted[] {
  return lines.flatMap((line) => {
    const record = JSON.parse(line);
    type MetricSet = { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] };
    return record._aws.CloudWatchMetrics.flatMap((set: MetricSet) => set.Metrics.map((m) => {
      expect(typeof record[m.Name]).toBe('number');
      for (const dimension of set.Dimensions[0]!) expect(typeof record[dimension]).toBe('string');
      return { namespace: set.Namespace, name: m.Name, dimensions: set.Dimensions[0]!, unit: m.Unit };
    }));
  });
}

test('the functions emit every metric core declares, exactly as declared', async () => {
  quietLogs();
  const lines: string[] = [];
  const emit = (line: string) => lines.push(line);
  reportExport({
    outcome: 'completed',
    snapshot: { databaseIdentifier: 'orders-db' },
    export: { totalExtractedDataInGB: 1, taskStartTime: '2026-11-21T03:00:00Z', taskEndTime: '2026-11-21T04:00:00Z' },
    catalog: { tables: ['t'] },
  }, { namespace: metricNamespace('prod', 'exports'), price: DEFAULT_EXPORT_PRICE, emit });
  reportExport({ outcome: 'failed', state: {} }, { namespace: metricNamespace('prod', 'exports'), price: DEFAULT_EXPORT_PRICE, emit });
  const noCopies = Object.assign(new RDSClient({ region: 'eu-central-1' }), { send: async () => ({ DBSnapshots: [] }) });
  await reportRecoveryPoints(() => noCopies, [{ databaseIdentifier: 'orders-db', kind: 'instance' }], ['eu-central-1'], metricNamespace('prod', 'dr'), new Date(), emit);
  const status = { queryExecutionId: 'q', state: 'FAILED' as const, reason: '', retryable: false, bytesScanned: 1, runTimeMs: 1, outputLocation: '' };
  await finishScheduledQuery(new S3Client({}), { query: { name: 'daily' }, status, outcome: 'failed' }, { resultsBucket: 'r', namespace: metricNamespace('prod', 'scheduled-queries') }, emit);

  const key = (m: { namespace: string; name: string; dimensions: readonly string[]; unit: string }) => `${m.namespace} ${m.name} [${m.dimensions.join(',')}] ${m.unit}`;
  const declared = SNAPLAKE_METRICS.map((m) => key({ namespace: metricNamespace('prod', m.area), name: m.name, dimensions: m.dimensions, unit: m.unit }));
  expect([...new Set(emittedBy(lines).map(key))].sort()).toEqual([...declared].sort());
});

// The nightly run: tables exist, schemas rarely change, one history partition expires per table.
// Its Glue calls are what bench/catalog.mjs counts: no GetPartitions (the current table records the
// history's partitions) and no history UpdateTable while the schema stays the same.
import {
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetPartitionsCommand,
  GetTablesCommand,
  GlueClient,
  Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { HISTORY_PARTITIONS_PARAMETER, historyPartitionsParameter, readHistoryPartitions } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { registerCatalog } from '../src';
import { answerAsEmptyCatalog } from './glue-mock';
import { LocalS3, startLocalS3 } from './local-s3';
import { quietLogs } from './quiet-logs';

const bucket = 'snaplake-exports';
const exportId = 'rds-orders-db-nightly';
const glue = mockClient(GlueClient);
const glueClient = new GlueClient({ region: 'eu-west-1' });
let s3: LocalS3;

const columns = (extra: boolean) => [
  { columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' },
  ...(extra ? [{ columnName: 'note', originalType: 'text', expectedExportedType: 'binary (UTF8)' }] : []),
];
const tablesInfo = (extra: boolean) => JSON.stringify({
  perTableStatus: [{ target: 'shop.public.orders', status: 'COMPLETE', schemaMetadata: { originalTypeMappings: columns(extra) } }],
});
const exportInfo = (id: string) => JSON.stringify({ exportTaskIdentifier: id, sourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:x', snapshotTime: '2026-11-21T03:05:00Z', status: 'COMPLETE' });
const night = (day: number, id = exportId) => ({
  input: { exportTaskIdentifier: id, databaseIdentifier: 'orders-db', engine: 'postgres' as const, snapshotTime: `2026-11-${day}T03:05:00Z` },
  settings: { bucketName: bucket, exportPrefix: '', databasePrefix: 'snaplake_prod', retentionDays: 7, now: () => new Date(`2026-11-${day}T12:00:00Z`) },
});

beforeAll(async () => {
  quietLogs();
  s3 = await startLocalS3([bucket]);
  await s3.put(bucket, `${exportId}/export_info_${exportId}.json`, exportInfo(exportId));
  await s3.put(bucket, `${exportId}/export_tables_info_${exportId}_from_1_to_1.json`, tablesInfo(false));
  await s3.put(bucket, 'with-note/export_info_with-note.json', exportInfo('with-note'));
  await s3.put(bucket, 'with-note/export_tables_info_with-note_from_1_to_1.json', tablesInfo(true));
});
afterAll(async () => s3.stop());
beforeEach(() => {
  answerAsEmptyCatalog(glue);
});

/** The tables as Glue holds them after a first export on the 20th, with an old partition recorded too. */
async function tablesAfterFirstExport(): Promise<Table[]> {
  const { input, settings } = night(20);
  await registerCatalog(glueClient, s3.client, input, settings);
  const tables = glue.commandCalls(CreateTableCommand).map((c) => ({ ...c.args[0].input.TableInput, VersionId: '1' }) as Table);
  const current = tables.find((t) => t.Name === 'orders')!;
  const recorded = readHistoryPartitions(current.Parameters)!;
  current.Parameters = { ...current.Parameters, ...historyPartitionsParameter([{ value: '2026-11-01T03:05:00Z', exportedAt: '2026-11-01T03:30:00.000Z' }, ...recorded]) };
  glue.resetHistory();
  return tables;
}
const callCounts = () => Object.fromEntries(['GetPartitions', 'UpdateTable', 'BatchCreatePartition', 'BatchDeletePartition', 'CreateTable']
  .map((name) => [name, glue.calls().filter((c) => c.args[0].constructor.name === `${name}Command`).length]));

describe('a nightly export', () => {
  test('the first export records its partition on the current table', async () => {
    await tablesAfterFirstExport();
    const { input, settings } = night(20);
    await registerCatalog(glueClient, s3.client, input, settings);
    const current = glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input.TableInput!).find((t) => t.Name === 'orders')!;
    expect(readHistoryPartitions(current.Parameters)).toEqual([{ value: '2026-11-20T03:05:00Z', exportedAt: expect.any(String) }]);
  });

  test('with the schema unchanged: no GetPartitions, no history UpdateTable; the expired partition is dropped and the record follows', async () => {
    const tables = await tablesAfterFirstExport();
    glue.on(GetTablesCommand).resolves({ TableList: tables });
    const { input, settings } = night(21);
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(callCounts()).toEqual({ GetPartitions: 0, UpdateTable: 1, BatchCreatePartition: 1, BatchDeletePartition: 1, CreateTable: 0 });
    expect(result.partitionsDropped).toBe(1);
    expect(glue.commandCalls(BatchDeletePartitionCommand)[0]!.args[0].input.PartitionsToDelete).toEqual([{ Values: ['2026-11-01T03:05:00Z'] }]);
    const current = glue.commandCalls(UpdateTableCommand)[0]!.args[0].input.TableInput!;
    expect(current.Name).toBe('orders');
    expect(readHistoryPartitions(current.Parameters)!.map((p) => p.value)).toEqual(['2026-11-20T03:05:00Z', '2026-11-21T03:05:00Z']);
  });

  test('a column added since the last export rewrites the history table too', async () => {
    const tables = await tablesAfterFirstExport();
    glue.on(GetTablesCommand).resolves({ TableList: tables });
    const { input, settings } = night(21, 'with-note');
    await registerCatalog(glueClient, s3.client, input, settings);
    const history = glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input.TableInput!).find((t) => t.Name === 'orders_history')!;
    expect(history.StorageDescriptor!.Columns!.map((c) => c.Name)).toEqual(['id', 'note']);
  });

  test('tables catalogued before the record existed have their partitions listed once, then recorded', async () => {
    const tables = await tablesAfterFirstExport();
    const current = tables.find((t) => t.Name === 'orders')!;
    const { [HISTORY_PARTITIONS_PARAMETER]: _record, ...withoutRecord } = current.Parameters!;
    current.Parameters = withoutRecord;
    glue.on(GetTablesCommand).resolves({ TableList: tables });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['2026-11-01T03:05:00Z'] }, { Values: ['2026-11-20T03:05:00Z'] }] });
    const { input, settings } = night(21);
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(GetPartitionsCommand)).toHaveLength(1);
    expect(glue.commandCalls(BatchDeletePartitionCommand)[0]!.args[0].input.PartitionsToDelete).toEqual([{ Values: ['2026-11-01T03:05:00Z'] }]);
    const written = glue.commandCalls(UpdateTableCommand)[0]!.args[0].input.TableInput!;
    expect(readHistoryPartitions(written.Parameters)!.map((p) => p.value)).toEqual(['2026-11-20T03:05:00Z', '2026-11-21T03:05:00Z']);
  });

  test('a backfill older than the current table never rewrites the history table, even if that table was last written long ago', async () => {
    // The history table was written on the 20th and left alone since (same schema); the current table reads the 25th.
    const tables = await tablesAfterFirstExport();
    const current = tables.find((t) => t.Name === 'orders')!;
    current.Parameters = { ...current.Parameters, 'snaplake:snapshot_time': '2026-11-25T03:05:00Z' };
    glue.on(GetTablesCommand).resolves({ TableList: tables });
    const { input, settings } = night(22, 'with-note');
    const result = await registerCatalog(glueClient, s3.client, input, { ...settings, now: () => new Date('2026-11-26T12:00:00Z') });
    expect(result.currentTablesKept).toEqual(['snaplake_prod_orders_db_shop.orders']);
    expect(glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input.TableInput!.Name)).not.toContain('orders_history');
  });

  test('a database that does not exist yet is created and has no tables (listed alongside its creation)', async () => {
    glue.on(GetTablesCommand).rejects(new EntityNotFoundException({ message: 'Database snaplake_prod_orders_db_shop not found', $metadata: {} }));
    const { input, settings } = night(20);
    await expect(registerCatalog(glueClient, s3.client, input, settings)).resolves.toMatchObject({ tables: ['snaplake_prod_orders_db_shop.orders'] });
    expect(glue.commandCalls(CreateDatabaseCommand)).toHaveLength(1);
  });
});

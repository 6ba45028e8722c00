import {
  AlreadyExistsException,
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  EntityNotFoundException,
  GetPartitionsCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { readHistoryPartitions } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { CatalogRefusedError, registerCatalog } from '../src';
import { answerAsEmptyCatalog } from './glue-mock';
import { LocalS3, startLocalS3 } from './local-s3';
import { quietLogs } from './quiet-logs';

const bucket = 'snaplake-exports';
const exportId = 'rds-orders-db-2026-11-21-03-05-1a2b3c4d';
const glue = mockClient(GlueClient);
const glueClient = new GlueClient({ region: 'eu-west-1' });
let s3: LocalS3;

const exportInfo = (status = 'COMPLETE') => JSON.stringify({
  exportTaskIdentifier: exportId,
  sourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-11-21-03-05',
  snapshotTime: '2026-11-21T03:05:12.000Z',
  status,
  s3Bucket: bucket,
  s3Prefix: 'exports',
});
const tablesInfo = (tables: string[]) => JSON.stringify({
  perTableStatus: tables.map((target) => ({
    target,
    status: 'COMPLETE',
    schemaMetadata: {
      originalTypeMappings: [
        { columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' },
        { columnName: 'note', originalType: 'text', expectedExportedType: 'binary (UTF8)' },
      ],
    },
  })),
});

const input = { exportTaskIdentifier: exportId, databaseIdentifier: 'orders-db', engine: 'postgres' as const, snapshotTime: '2026-11-21T03:05:12Z' };
const settings = { bucketName: bucket, exportPrefix: 'exports', databasePrefix: 'snaplake_dev', retentionDays: 7, now: () => new Date('2026-11-21T12:00:00Z') };

beforeAll(async () => {
  quietLogs();
  s3 = await startLocalS3([bucket]);
  const root = `exports/${exportId}`;
  await s3.put(bucket, `${root}/export_info_${exportId}.json`, exportInfo());
  await s3.put(bucket, `${root}/export_tables_info_${exportId}_from_1_to_2.json`, tablesInfo(['shop.public.orders', 'shop.public.customers']));
  await s3.put(bucket, `${root}/export_tables_info_${exportId}_from_3_to_3.json`, tablesInfo(['shop.billing.invoices']));
  await s3.put(bucket, `${root}/shop/public.orders/1/part-00000-c000.gz.parquet`, 'parquet bytes');
  // An incomplete export elsewhere in the bucket.
  await s3.put(bucket, 'exports/failed-export/export_info_failed-export.json', exportInfo('FAILED'));
  await s3.put(bucket, 'exports/failed-export/export_tables_info_failed-export_from_1_to_1.json', tablesInfo(['shop.public.orders']));
});
afterAll(async () => s3.stop());
beforeEach(() => {
  answerAsEmptyCatalog(glue);
  glue.on(DeleteTableCommand).resolves({});
});

describe('registerCatalog', () => {
  test('reads the metadata from S3 and catalogs every table of every metadata file', async () => {
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.databases).toEqual(['snaplake_dev_orders_db_shop']);
    expect(result.tables).toEqual(['snaplake_dev_orders_db_shop.orders', 'snaplake_dev_orders_db_shop.customers', 'snaplake_dev_orders_db_shop.billing_invoices']);
    expect(result.partitionsAdded).toBe(3);
    const created = glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input.TableInput!);
    expect(created.map((t) => t.Name).sort()).toEqual(['billing_invoices', 'billing_invoices_history', 'customers', 'customers_history', 'orders', 'orders_history']);
    const orders = created.find((t) => t.Name === 'orders')!;
    expect(orders.StorageDescriptor!.Location).toBe(`s3://${bucket}/exports/${exportId}/shop/public.orders/`);
    expect(orders.Parameters!['snaplake:snapshot_time']).toBe('2026-11-21T03:05:12Z');
    const partition = glue.commandCalls(BatchCreatePartitionCommand).find((c) => c.args[0].input.TableName === 'orders_history')!.args[0].input;
    expect(partition.PartitionInputList![0]!.Values).toEqual(['2026-11-21T03:05:12Z']);
  });

  test('history partitions are all written before any current table switches', async () => {
    await registerCatalog(glueClient, s3.client, input, settings);
    const order = glue.calls().map((c) => c.args[0]);
    const lastPartition = order.map((cmd) => cmd instanceof BatchCreatePartitionCommand).lastIndexOf(true);
    const firstCurrent = order.findIndex((cmd) => cmd instanceof CreateTableCommand && !cmd.input.TableInput!.Name!.endsWith('_history'));
    expect(lastPartition).toBeLessThan(firstCurrent);
  });

  test('an export that is not COMPLETE leaves the catalog untouched', async () => {
    const error = await registerCatalog(glueClient, s3.client, { ...input, exportTaskIdentifier: 'failed-export' }, settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogRefusedError);
    expect((error as Error).message).toBe('export failed-export is FAILED, not COMPLETE: the catalog is left untouched');
    expect(glue.calls()).toHaveLength(0);
  });

  test('an export whose metadata is missing fails with the location named', async () => {
    await expect(registerCatalog(glueClient, s3.client, { ...input, exportTaskIdentifier: 'nope' }, settings))
      .rejects.toThrow(`s3://${bucket}/exports/nope/ has no export_info_*.json`);
  });

  test('a current table that already reads a newer export keeps reading it; only its record of history partitions grows (backfill)', async () => {
    const newer = { Name: 'orders', Description: 'newer', Parameters: { 'snaplake:snapshot_time': '2026-11-22T03:05:00Z' }, StorageDescriptor: { Location: 's3://newer/' } };
    glue.on(GetTablesCommand).resolves({ TableList: [newer] });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.currentTablesKept).toEqual(['snaplake_dev_orders_db_shop.orders']);
    const [update, ...others] = glue.commandCalls(UpdateTableCommand).filter((c) => c.args[0].input.TableInput!.Name === 'orders');
    expect(others).toEqual([]);
    const written = update!.args[0].input.TableInput!;
    expect(written).toMatchObject({ Description: 'newer', StorageDescriptor: { Location: 's3://newer/' }, Parameters: newer.Parameters });
    expect(readHistoryPartitions(written.Parameters)).toEqual([{ value: '2026-11-21T03:05:12Z', exportedAt: expect.any(String) }]);
  });

  test('an existing table is updated, so a column added or dropped since the last export is picked up', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'customers', Parameters: { 'snaplake:snapshot_time': '2026-11-20T03:05:00Z' } }] });
    await registerCatalog(glueClient, s3.client, input, settings);
    const update = glue.commandCalls(UpdateTableCommand).find((c) => c.args[0].input.TableInput!.Name === 'customers')!;
    expect(update.args[0].input.TableInput!.StorageDescriptor!.Columns!.map((c) => c.Name)).toEqual(['id', 'note']);
  });

  test('the database and partitions that already exist are not errors (a rerun)', async () => {
    glue.on(CreateDatabaseCommand).rejects(new AlreadyExistsException({ message: 'exists', $metadata: {} }));
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [{ PartitionValues: ['2026-11-21T03:05:12Z'], ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } }] });
    await expect(registerCatalog(glueClient, s3.client, input, settings)).resolves.toMatchObject({ partitionsAdded: 0 });
  });

  test('a partition Glue refuses for another reason fails the step with the reason', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [{ ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'bad location' } }] });
    await expect(registerCatalog(glueClient, s3.client, input, settings)).rejects.toThrow(/adding 1 partition\(s\) to .* failed: InvalidInputException: bad location/);
  });

  test('partitions older than the retention are dropped, the newest never', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders_history' }], NextToken: undefined });
    glue.on(GetPartitionsCommand, { TableName: 'orders_history' }).resolves({
      Partitions: ['2026-10-01T03:05:00Z', '2026-11-01T03:05:00Z', '2026-11-20T03:05:00Z', '2026-11-21T03:05:12Z'].map((v) => ({ Values: [v] })),
    });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.partitionsDropped).toBe(2);
    expect(glue.commandCalls(BatchDeletePartitionCommand)[0]!.args[0].input.PartitionsToDelete).toEqual([{ Values: ['2026-10-01T03:05:00Z'] }, { Values: ['2026-11-01T03:05:00Z'] }]);
  });

  test('a new history table holds only this export, so no partitions are listed for expiry', async () => {
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(GetPartitionsCommand)).toHaveLength(0);
  });

  test('existing tables are listed once per database, with pagination', async () => {
    glue.on(GetTablesCommand, { NextToken: undefined }).resolves({ TableList: [{ Name: 'a' }], NextToken: 'next' });
    glue.on(GetTablesCommand, { NextToken: 'next' }).resolves({ TableList: [{ Name: 'orders' }] });
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(GetTablesCommand)).toHaveLength(2);
    expect(glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input.TableInput!.Name)).toEqual(['orders']);
  });

  test('a Glue write that met a concurrent change is tried again and then succeeds', async () => {
    const conflict = Object.assign(new Error('Concurrent modification'), { name: 'ConcurrentModificationException' });
    glue.on(CreateDatabaseCommand).rejectsOnce(conflict).resolves({});
    await expect(registerCatalog(glueClient, s3.client, input, settings)).resolves.toMatchObject({ databases: ['snaplake_dev_orders_db_shop'] });
    expect(glue.commandCalls(CreateDatabaseCommand)).toHaveLength(2);
  });

  test('an access-denied Glue error fails the step unchanged', async () => {
    glue.on(CreateDatabaseCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(registerCatalog(glueClient, s3.client, input, settings)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  test('bad input is an InvalidInput error naming what is missing', async () => {
    await expect(registerCatalog(glueClient, s3.client, { ...input, engine: 'oracle' as never }, settings)).rejects.toThrow(/engine must be postgres or mysql/);
    await expect(registerCatalog(glueClient, s3.client, {} as never, settings)).rejects.toThrow(/exportTaskIdentifier and databaseIdentifier are required/);
  });
});

describe('registerCatalog with exportOnly: only what was exported is current', () => {
  const current = (name: string, snapshotTime: string) => ({
    Name: name,
    Parameters: { 'snaplake:export_task_identifier': 'older', 'snaplake:snapshot_time': snapshotTime, 'snaplake:source_table': `shop.public.${name}` },
  });

  test('tables outside exportOnly are never catalogued, even when the metadata lists them', async () => {
    const result = await registerCatalog(glueClient, s3.client, { ...input, exportOnly: ['shop.public'] }, settings);
    expect(result.tables).toEqual(['snaplake_dev_orders_db_shop.orders', 'snaplake_dev_orders_db_shop.customers']);
    expect(result.skipped).toEqual(['shop.billing.invoices: outside exportOnly, not catalogued']);
    const names = glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input.TableInput!.Name);
    expect(names).not.toContain('billing_invoices');
    expect(names).not.toContain('billing_invoices_history');
  });

  test('a current table an older export had and this one leaves out is deleted; its history table stays as it is', async () => {
    glue.on(GetTablesCommand).resolves({
      TableList: [current('customers_pii', '2026-11-20T03:05:00Z'), { Name: 'customers_pii_history' }, current('orders', '2026-11-20T03:05:00Z')],
    });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.currentTablesRetired).toEqual(['snaplake_dev_orders_db_shop.customers_pii']);
    expect(glue.commandCalls(DeleteTableCommand).map((c) => c.args[0].input)).toEqual([{ DatabaseName: 'snaplake_dev_orders_db_shop', Name: 'customers_pii' }]);
    const touched = glue.calls().map((c) => (c.args[0].input as { TableName?: string; TableInput?: { Name?: string } }))
      .map((i) => i.TableName ?? i.TableInput?.Name);
    expect(touched).not.toContain('customers_pii_history');
  });

  test('a table left out by exportOnly stops being current, while the tables in scope switch', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [current('customers', '2026-11-20T03:05:00Z'), current('orders', '2026-11-20T03:05:00Z')] });
    const result = await registerCatalog(glueClient, s3.client, { ...input, exportOnly: ['shop.public.orders'] }, settings);
    expect(result.currentTablesRetired).toEqual(['snaplake_dev_orders_db_shop.customers']);
    expect(glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input.TableInput!.Name)).toEqual(['orders']);
  });

  test('a backfill of an older snapshot never retires tables a newer export has', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [current('customers_pii', '2026-11-22T03:05:00Z')] });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.currentTablesRetired).toEqual([]);
    expect(glue.commandCalls(DeleteTableCommand)).toHaveLength(0);
  });

  test('tables snaplake did not create (no export id), and current tables that do not name their source table, are never deleted', async () => {
    glue.on(GetTablesCommand).resolves({
      TableList: [
        { Name: 'analyst_view', Parameters: { 'snaplake:snapshot_time': '2026-01-01T00:00:00Z', 'snaplake:source_table': 'shop.public.x' } },
        { Name: 'notes' },
        { Name: 'legacy', Parameters: { 'snaplake:export_task_identifier': 'older', 'snaplake:snapshot_time': '2026-01-01T00:00:00Z' } },
      ],
    });
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(DeleteTableCommand)).toHaveLength(0);
  });

  test('a table already deleted by someone else is not an error', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [current('customers_pii', '2026-11-20T03:05:00Z')] });
    glue.on(DeleteTableCommand).rejects(new EntityNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(registerCatalog(glueClient, s3.client, input, settings)).resolves.toMatchObject({ currentTablesRetired: ['snaplake_dev_orders_db_shop.customers_pii'] });
  });
});

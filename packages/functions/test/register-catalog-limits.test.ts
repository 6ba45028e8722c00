// The catalog under production conditions: odd names, backfills, races and partial Glue failures (issue 14).
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  ConcurrentModificationException,
  CreateTableCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { registerCatalog } from '../src';
import { answerAsEmptyCatalog } from './glue-mock';
import { LocalS3, startLocalS3 } from './local-s3';
import { quietLogs } from './quiet-logs';

const bucket = 'snaplake-exports';
const glue = mockClient(GlueClient);
const glueClient = new GlueClient({ region: 'eu-west-1' });
let s3: LocalS3;

const columns = [{ columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' }];
const tablesInfo = (tables: string[]) => JSON.stringify({
  perTableStatus: tables.map((target) => ({ target, status: 'COMPLETE', schemaMetadata: { originalTypeMappings: columns } })),
});
// A Serverless v1 export: export_info names the temporary snapshot's time, not the original's.
const exportInfo = (id: string) => JSON.stringify({
  exportTaskIdentifier: id,
  sourceArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-x',
  snapshotTime: '2026-11-21T09:00:00Z',
  taskStartTime: '2026-11-21T09:30:00Z',
  status: 'COMPLETE',
});
const pg = 'pg-export';
const my = 'mysql-export';
const input = { exportTaskIdentifier: pg, databaseIdentifier: 'orders-db', engine: 'postgres' as const, snapshotTime: '2026-01-05T03:05:00Z' };
const settings = { bucketName: bucket, exportPrefix: '', databasePrefix: 'snaplake_prod', retentionDays: 30, now: () => new Date('2026-11-21T12:00:00Z') };
const db = 'snaplake_prod_orders_db_shop';

beforeAll(async () => {
  quietLogs();
  s3 = await startLocalS3([bucket]);
  await s3.put(bucket, `${pg}/export_info_${pg}.json`, exportInfo(pg));
  await s3.put(bucket, `${pg}/export_tables_info_${pg}_from_1_to_5.json`,
    tablesInfo(['shop.public.注文', 'shop.public.orders', 'shop.public.Orders', 'shop.public.sales_orders', 'shop.sales.orders']));
  await s3.put(bucket, `${my}/export_info_${my}.json`, exportInfo(my));
  await s3.put(bucket, `${my}/export_tables_info_${my}_from_1_to_1.json`, tablesInfo(['shop.order.items']));
});
afterAll(async () => s3.stop());
beforeEach(() => {
  answerAsEmptyCatalog(glue);
});
const created = () => glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input.TableInput!);

describe('names', () => {
  test('a table named with no ASCII letter or digit is catalogued with the rest of the export (#4)', async () => {
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.tables).toContainEqual(expect.stringMatching(new RegExp(`^${db}\\.t_[0-9a-f]{6}$`)));
    expect(result.tables).toContain(`${db}.orders`);
  });

  test('clashing names get distinct, reported names; nothing is overwritten (#8)', async () => {
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    const names = created().filter((t) => !t.Name!.endsWith('_history')).map((t) => t.Name!);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['orders', 'sales_orders', expect.stringMatching(/^orders_[0-9a-f]{6}$/), expect.stringMatching(/^sales_orders_[0-9a-f]{6}$/)]));
    expect(result.renamed).toHaveLength(2);
  });

  test('a Glue table that holds another source table is left alone and reported', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders', Parameters: { 'snaplake:source_table': 'shop.public.legacy_orders' } }] });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.skipped).toContainEqual(expect.stringContaining(`shop.public.orders: the Glue table ${db}.orders holds shop.public.legacy_orders`));
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  test('a MySQL table name with a dot gets its own name and location (#15)', async () => {
    await registerCatalog(glueClient, s3.client, { ...input, exportTaskIdentifier: my, engine: 'mysql' }, settings);
    const table = created().find((t) => !t.Name!.endsWith('_history'))!;
    expect(table.Name).toMatch(/^order_items_[0-9a-f]{6}$/);
    expect(table.StorageDescriptor!.Location).toBe(`s3://${bucket}/${my}/shop/shop.order.items/`);
  });
});

describe('backfills and detours', () => {
  test('the export is catalogued under the requested snapshot\'s time, not the temporary snapshot\'s (#7)', async () => {
    await registerCatalog(glueClient, s3.client, input, settings);
    const partition = glue.commandCalls(BatchCreatePartitionCommand)[0]!.args[0].input.PartitionInputList![0]!;
    expect(partition.Values).toEqual(['2026-01-05T03:05:00Z']);
    expect(partition.Parameters!['snaplake:exported_at']).toBe('2026-11-21T09:30:00.000Z');
  });

  test('a backfill adds its partition but leaves the history table\'s columns to the newest export (#10)', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders_history', Parameters: { 'snaplake:snapshot_time': '2026-11-20T03:05:00Z' } }] });
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input.TableInput!.Name)).not.toContain('orders_history');
    expect(glue.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.TableName)).toContain('orders_history');
  });

  test('a backfill older than the retention is not dropped by the run that added it (#12)', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders_history' }] });
    glue.on(GetPartitionsCommand).resolves({
      Partitions: [
        { Values: ['2026-01-05T03:05:00Z'], Parameters: { 'snaplake:exported_at': '2026-11-21T09:30:00.000Z' } },
        { Values: ['2026-11-20T03:05:00Z'] },
      ],
    });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.partitionsDropped).toBe(0);
    expect(glue.commandCalls(BatchDeletePartitionCommand)).toHaveLength(0);
  });
});

describe('Glue writes', () => {
  const expiring = () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders_history' }] });
    glue.on(GetPartitionsCommand).resolves({ Partitions: ['2026-09-01T03:05:00Z', '2026-09-02T03:05:00Z', '2026-11-20T03:05:00Z'].map((v) => ({ Values: [v] })) });
  };

  test('a partition Glue fails to delete fails the step with the reason, and is not counted as dropped (#16)', async () => {
    expiring();
    glue.on(BatchDeletePartitionCommand).resolves({ Errors: [{ PartitionValues: ['2026-09-01T03:05:00Z'], ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'try later' } }] });
    await expect(registerCatalog(glueClient, s3.client, input, settings))
      .rejects.toThrow(`dropping 1 expired partition(s) of ${db}.orders_history failed: 2026-09-01T03:05:00Z: InternalServiceException: try later`);
  });

  test('a partition already gone is not an error, and not counted (#16)', async () => {
    expiring();
    glue.on(BatchDeletePartitionCommand).resolves({ Errors: [{ PartitionValues: ['2026-09-01T03:05:00Z'], ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'gone' } }] });
    await expect(registerCatalog(glueClient, s3.client, input, settings)).resolves.toMatchObject({ partitionsDropped: 1 });
  });

  test('updates name the table version they read and archive no version', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders', VersionId: '7', Parameters: { 'snaplake:snapshot_time': '2026-01-01T00:00:00Z' } }] });
    await registerCatalog(glueClient, s3.client, input, settings);
    expect(glue.commandCalls(UpdateTableCommand)[0]!.args[0].input).toMatchObject({ VersionId: '7', SkipArchive: true });
  });

  test('when another run changed the table meanwhile, it is read again and an older export does not win (race)', async () => {
    glue.on(GetTablesCommand).resolves({ TableList: [{ Name: 'orders', VersionId: '7', Parameters: { 'snaplake:snapshot_time': '2026-01-01T00:00:00Z' } }] });
    glue.on(UpdateTableCommand, { VersionId: '7' }).rejects(new ConcurrentModificationException({ message: 'version mismatch', $metadata: {} }));
    glue.on(GetTableCommand).resolves({ Table: { Name: 'orders', VersionId: '8', DatabaseName: db, Parameters: { 'snaplake:snapshot_time': '2026-11-21T03:05:00Z' } } });
    const result = await registerCatalog(glueClient, s3.client, input, settings);
    expect(result.currentTablesKept).toContain(`${db}.orders`);
    // The second write, on the version read again, keeps the newer export and only records the history's partitions.
    const writes = glue.commandCalls(UpdateTableCommand).filter((c) => c.args[0].input.TableInput!.Name === 'orders').map((c) => c.args[0].input);
    expect(writes.map((w) => [w.VersionId, w.TableInput!.Parameters!['snaplake:snapshot_time']])).toEqual([['7', '2026-01-05T03:05:00Z'], ['8', '2026-11-21T03:05:00Z']]);
  });
});

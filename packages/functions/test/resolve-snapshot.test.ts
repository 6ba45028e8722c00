import { DBSnapshotNotFoundFault, DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { exportTaskIdentifier } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { ExportRejectedError, InvalidInputError, resolveSnapshot, SnapshotNotFoundError } from '../src';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
const arn = (type: string, id: string) => `arn:aws:rds:eu-west-1:111111111111:${type}:${id}`;
const instanceSnapshot = (id: string, status: string, time: string) => ({
  DBSnapshotIdentifier: id, DBSnapshotArn: arn('snapshot', id), DBInstanceIdentifier: 'orders-db', Engine: 'postgres', Status: status, SnapshotCreateTime: new Date(time), SnapshotType: 'automated',
});

beforeEach(() => rds.reset());

describe('resolveSnapshot', () => {
  test('by ARN: describes the instance snapshot and derives the export id from its name', async () => {
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'rds:orders-db-2026-11-21-03-05' })
      .resolves({ DBSnapshots: [instanceSnapshot('rds:orders-db-2026-11-21-03-05', 'available', '2026-11-21T03:05:12Z')] });
    await expect(resolveSnapshot(client, { snapshotArn: arn('snapshot', 'rds:orders-db-2026-11-21-03-05') })).resolves.toEqual({
      arn: arn('snapshot', 'rds:orders-db-2026-11-21-03-05'),
      identifier: 'rds:orders-db-2026-11-21-03-05',
      kind: 'instance',
      databaseIdentifier: 'orders-db',
      engine: 'postgres',
      engineName: 'postgres',
      engineMode: 'provisioned',
      status: 'available',
      snapshotTime: '2026-11-21T03:05:12.000Z',
      exportTaskIdentifier: exportTaskIdentifier('rds:orders-db-2026-11-21-03-05'),
      exportOnly: [],
    });
  });

  test('the database\'s exportOnly list comes with the snapshot, for the export and the catalog', async () => {
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'rds:orders-db-2026-11-21-03-05' })
      .resolves({ DBSnapshots: [instanceSnapshot('rds:orders-db-2026-11-21-03-05', 'available', '2026-11-21T03:05:12Z')] });
    const scopes = { 'orders-db': ['shop.public.orders'], 'other-db': ['crm'] };
    await expect(resolveSnapshot(client, { snapshotArn: arn('snapshot', 'rds:orders-db-2026-11-21-03-05') }, undefined, { exportScopes: scopes }))
      .resolves.toMatchObject({ databaseIdentifier: 'orders-db', exportOnly: ['shop.public.orders'] });
  });

  test('by ARN: a cluster snapshot is described as a cluster snapshot (not the instance API)', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [{
        DBClusterSnapshotIdentifier: 'billing-manual',
        DBClusterSnapshotArn: arn('cluster-snapshot', 'billing-manual'),
        DBClusterIdentifier: 'billing',
        Engine: 'aurora-mysql',
        EngineMode: 'provisioned',
        Status: 'creating',
        SnapshotCreateTime: new Date('2026-11-21T04:00:00Z'),
      }],
    });
    await expect(resolveSnapshot(client, { snapshotArn: arn('cluster-snapshot', 'billing-manual') }))
      .resolves.toMatchObject({ kind: 'cluster', databaseIdentifier: 'billing', engine: 'mysql', status: 'creating' });
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(0);
  });

  test('by database: the newest available automated snapshot, across pages', async () => {
    rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'orders-db', SnapshotType: 'automated', Marker: undefined })
      .resolves({ DBSnapshots: [instanceSnapshot('rds:orders-db-2026-11-19', 'available', '2026-11-19T03:05:00Z')], Marker: 'page2' });
    rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: 'orders-db', SnapshotType: 'automated', Marker: 'page2' }).resolves({
      DBSnapshots: [
        instanceSnapshot('rds:orders-db-2026-11-20', 'available', '2026-11-20T03:05:00Z'),
        instanceSnapshot('rds:orders-db-2026-11-21', 'creating', '2026-11-21T03:05:00Z'),
      ],
    });
    await expect(resolveSnapshot(client, { databaseIdentifier: 'orders-db', kind: 'instance' })).resolves.toMatchObject({ identifier: 'rds:orders-db-2026-11-20' });
  });

  test('by database with no available snapshot: SnapshotNotFound naming the database', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    await expect(resolveSnapshot(client, { databaseIdentifier: 'orders-db', kind: 'instance' }))
      .rejects.toEqual(new SnapshotNotFoundError('DB instance orders-db has no available automated snapshot'));
  });

  test('a snapshot that does not exist: SnapshotNotFound', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(new DBSnapshotNotFoundFault({ message: 'nope', $metadata: {} }));
    await expect(resolveSnapshot(client, { snapshotArn: arn('snapshot', 'gone') })).rejects.toMatchObject({ name: 'SnapshotNotFound', message: expect.stringContaining('gone does not exist') });
  });

  test('an Aurora Serverless v1 snapshot is rejected with the reason', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [{
        DBClusterSnapshotIdentifier: 'old', DBClusterSnapshotArn: arn('cluster-snapshot', 'old'), DBClusterIdentifier: 'legacy', Engine: 'aurora-postgresql', EngineMode: 'serverless', Status: 'available',
      }],
    });
    await expect(resolveSnapshot(client, { snapshotArn: arn('cluster-snapshot', 'old') })).rejects.toBeInstanceOf(ExportRejectedError);
    // With the restore detour configured, it resolves and says so.
    await expect(resolveSnapshot(client, { snapshotArn: arn('cluster-snapshot', 'old') }, undefined, { allowServerlessV1: true }))
      .resolves.toMatchObject({ engineMode: 'serverless', engineName: 'aurora-postgresql', databaseIdentifier: 'legacy' });
  });

  test('an engine snaplake cannot map is rejected', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ ...instanceSnapshot('o', 'available', '2026-11-21T00:00:00Z'), Engine: 'oracle-ee' }] });
    await expect(resolveSnapshot(client, { snapshotArn: arn('snapshot', 'o') })).rejects.toThrow(/engine "oracle-ee"; snaplake exports PostgreSQL, MySQL and MariaDB/);
  });

  test('throttling is passed on for the workflow to retry', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
    await expect(resolveSnapshot(client, { snapshotArn: arn('snapshot', 'x') })).rejects.toMatchObject({ name: 'Throttling' });
  });

  test.each([
    [{ snapshotArn: 'arn:aws:s3:::bucket' }, /is not a DB snapshot or DB cluster snapshot ARN/],
    [{ databaseIdentifier: 'orders-db', kind: 'table' }, /kind must be 'instance' or 'cluster'/],
    [{}, /expected \{ snapshotArn \} or \{ databaseIdentifier, kind \}/],
    [null, /expected \{ snapshotArn \}/],
  ])('bad input %p is an InvalidInput error', async (bad, message) => {
    const error = await resolveSnapshot(client, bad as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
  });
});

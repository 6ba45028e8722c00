import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DBSnapshotAlreadyExistsFault,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBInstanceStateFault,
  InvalidDBSnapshotStateFault,
  KMSKeyNotAccessibleFault,
  RDSClient,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-rds';
import { copySnapshotIdentifier, DR_COPY_TAG, SNAPLAKE_TAG_KEYS } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { copySnapshot, CopyQuotaExceededError, CopyRejectedError, deleteSourceSnapshot, NO_COPY_AGE_HOURS, NotReadyError, planCopies, pruneCopies, reportRecoveryPoints } from '../src';
import { quietLogs } from './quiet-logs';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-central-1' });
const sourceArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-11-21-03-05';
const plan = {
  sourceArn,
  sourceRegion: 'eu-west-1',
  kind: 'instance' as const,
  databaseIdentifier: 'orders-db',
  region: 'eu-central-1',
  kmsKeyArn: 'arn:aws:kms:eu-central-1:111111111111:alias/snaplake-prod-dr',
  copyIdentifier: copySnapshotIdentifier('rds:orders-db-2026-11-21-03-05', 'eu-west-1', 'instance'),
};
const now = new Date('2026-11-21T12:00:00Z');
const snapshot = (id: string, daysAgo: number, tagged = true, status = 'available') => ({
  DBSnapshotIdentifier: id,
  DBSnapshotArn: `arn:aws:rds:eu-central-1:111111111111:snapshot:${id}`,
  Status: status,
  SnapshotCreateTime: new Date(now.getTime() - daysAgo * 86_400_000),
  TagList: tagged ? [{ Key: DR_COPY_TAG, Value: 'true' }] : [],
});

beforeAll(quietLogs);
beforeEach(() => rds.reset());

describe('planCopies', () => {
  test('one copy per destination, with the derived id and each region\'s key', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{
        DBSnapshotIdentifier: 'rds:orders-db-2026-11-21-03-05', DBSnapshotArn: sourceArn, DBInstanceIdentifier: 'orders-db', Engine: 'postgres', Status: 'available', SnapshotCreateTime: now,
      }],
    });
    const result = await planCopies(new RDSClient({ region: 'eu-west-1' }), { snapshotArn: sourceArn }, {
      sourceRegion: 'eu-west-1',
      destinations: [{ region: 'eu-central-1', kmsKeyArn: plan.kmsKeyArn }, { region: 'eu-north-1', kmsKeyArn: 'arn:aws:kms:eu-north-1:111111111111:alias/snaplake-prod-dr' }],
    });
    expect(result.copies).toEqual([plan, { ...plan, region: 'eu-north-1', kmsKeyArn: 'arn:aws:kms:eu-north-1:111111111111:alias/snaplake-prod-dr' }]);
  });

  test('a cluster snapshot copy id fits the 63 characters of CopyDBClusterSnapshot (issue 14 #2)', async () => {
    const clusterArn = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:billing-cluster-2026-11-21-03-05';
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [{
        DBClusterSnapshotIdentifier: 'rds:billing-cluster-2026-11-21-03-05',
        DBClusterSnapshotArn: clusterArn,
        DBClusterIdentifier: 'billing-cluster',
        Engine: 'aurora-postgresql',
        Status: 'available',
        SnapshotCreateTime: now,
      }],
    });
    const result = await planCopies(new RDSClient({ region: 'eu-west-1' }), { snapshotArn: clusterArn }, {
      sourceRegion: 'eu-west-1', destinations: [{ region: 'eu-central-1', kmsKeyArn: plan.kmsKeyArn }],
    });
    expect(result.copies[0]!.copyIdentifier.length).toBeLessThanOrEqual(63);
    expect(result.copies[0]!.copyIdentifier).toMatch(/^snaplake-dr-eu-west-1-rds-billing-cluster-/);
  });

  test('a scheduled source snapshot of a cluster with a long name fits 63 characters (issue 14 #2)', async () => {
    const cluster = `billing-${'c'.repeat(55)}`;
    rds.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { DBClusterSnapshotArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:x' } });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [{
        DBClusterSnapshotIdentifier: 'x',
        DBClusterSnapshotArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:x',
        DBClusterIdentifier: cluster,
        Engine: 'aurora-mysql',
        Status: 'creating',
      }],
    });
    await planCopies(client, { createSnapshotOf: { databaseIdentifier: cluster, kind: 'cluster' }, scheduledTime: '2026-11-21T02:00:00Z' },
      { sourceRegion: 'eu-west-1', destinations: [] });
    const id = rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input.DBClusterSnapshotIdentifier!;
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id.startsWith('snaplake-dr-source-')).toBe(true);
  });

  test('on a schedule, a manual snapshot is made first; a second run for the same time finds it', async () => {
    rds.on(CreateDBSnapshotCommand).rejects(new DBSnapshotAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'snaplake-dr-source-x', DBSnapshotArn: sourceArn, DBInstanceIdentifier: 'orders-db', Engine: 'postgres', Status: 'creating' }] });
    const result = await planCopies(client, { createSnapshotOf: { databaseIdentifier: 'orders-db', kind: 'instance' }, scheduledTime: '2026-11-21T02:00:00Z' },
      { sourceRegion: 'eu-west-1', destinations: [] });
    expect(result.snapshot.status).toBe('creating');
    expect(rds.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toMatchObject({ DBInstanceIdentifier: 'orders-db', DBSnapshotIdentifier: expect.stringMatching(/^snaplake-dr-source-orders-db-2026-11-21T02-00-[0-9a-f]{8}$/) });
  });

  test('a database that is not available for a snapshot is NotReady (retried later)', async () => {
    rds.on(CreateDBSnapshotCommand).rejects(new InvalidDBInstanceStateFault({ message: 'backing-up', $metadata: {} }));
    await expect(planCopies(client, { createSnapshotOf: { databaseIdentifier: 'orders-db', kind: 'instance' } }, { sourceRegion: 'eu-west-1', destinations: [] }))
      .rejects.toBeInstanceOf(NotReadyError);
  });
});

describe('copySnapshot', () => {
  test('copies with the destination key, copying tags and tagging the copy as snaplake\'s', async () => {
    rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'pending' } });
    await expect(copySnapshot(client, plan)).resolves.toEqual({ copyIdentifier: plan.copyIdentifier, region: 'eu-central-1', status: 'pending', joined: false });
    expect(rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toEqual({
      SourceDBSnapshotIdentifier: sourceArn,
      TargetDBSnapshotIdentifier: plan.copyIdentifier,
      KmsKeyId: plan.kmsKeyArn,
      CopyTags: true,
      Tags: [{ Key: DR_COPY_TAG, Value: 'true' }, { Key: 'snaplake:source-arn', Value: sourceArn }, { Key: 'snaplake:database', Value: 'orders-db' }],
    });
    // Each key is one core checks against RDS's tag key constraint.
    for (const { Key } of rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input.Tags!) expect(SNAPLAKE_TAG_KEYS).toContain(Key);
  });

  test('a cluster snapshot is copied with the cluster API', async () => {
    rds.on(CopyDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { Status: 'copying' } });
    await copySnapshot(client, { ...plan, kind: 'cluster', sourceArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:billing-x' });
    expect(rds.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(1);
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });

  test('a duplicate event finds the copy already there (in progress or done) and joins it', async () => {
    rds.on(CopyDBSnapshotCommand).rejects(new DBSnapshotAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: plan.copyIdentifier }).resolves({ DBSnapshots: [{ Status: 'copying' }] });
    await expect(copySnapshot(client, plan)).resolves.toMatchObject({ status: 'copying', joined: true });
  });

  test.each([
    [new InvalidDBSnapshotStateFault({ message: 'not available', $metadata: {} }), NotReadyError, /cannot be copied yet/],
    [new SnapshotQuotaExceededFault({ message: 'quota', $metadata: {} }), CopyQuotaExceededError, /eu-central-1 holds the most manual snapshots allowed/],
    [new KMSKeyNotAccessibleFault({ message: 'denied', $metadata: {} }), CopyRejectedError, /the KMS key arn:aws:kms:eu-central-1:111111111111:alias\/snaplake-prod-dr in eu-central-1 cannot be used/],
  ])('%p has its defined behaviour', async (fault, type, message) => {
    rds.on(CopyDBSnapshotCommand).rejects(fault);
    const error = await copySnapshot(client, plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  test('throttling is passed on for the workflow to retry', async () => {
    rds.on(CopyDBSnapshotCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));
    await expect(copySnapshot(client, plan)).rejects.toMatchObject({ name: 'Throttling' });
  });
});

describe('pruneCopies', () => {
  test('deletes only snaplake\'s copies beyond the policy, never an untagged snapshot or the last good copy', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        snapshot('c1', 1), snapshot('c2', 2), snapshot('c3', 3), snapshot('manual-by-dba', 30, false), snapshot('c4', 40),
      ],
    });
    rds.on(DeleteDBSnapshotCommand).resolves({});
    const result = await pruneCopies(client, { databaseIdentifier: 'orders-db', kind: 'instance', region: 'eu-central-1' }, { keepLast: 2 }, now);
    expect(result).toEqual({ region: 'eu-central-1', deleted: ['c4', 'c3'], deletedCount: 2, newestCopyAgeHours: 24 });
    expect(rds.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input.DBSnapshotIdentifier)).toEqual(['c4', 'c3']);
  });

  test('a retention change that lets hundreds of copies go deletes them all and returns the first 50 names with the count', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: Array.from({ length: 300 }, (_, i) => snapshot(`snaplake-dr-orders-db-copy-${i}`, i + 1)) });
    rds.on(DeleteDBSnapshotCommand).resolves({});
    const result = await pruneCopies(client, { databaseIdentifier: 'orders-db', kind: 'instance', region: 'eu-central-1' }, { keepLast: 7 }, now);
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(293);
    expect(result).toMatchObject({ deletedCount: 293, deleted: expect.arrayContaining([expect.stringMatching(/^snaplake-dr-orders-db-copy-/)]) });
    expect(result.deleted).toHaveLength(50);
  });

  test('the only copy, however old, is kept', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('only', 400)] });
    await expect(pruneCopies(client, { databaseIdentifier: 'orders-db', kind: 'instance', region: 'eu-central-1' }, { maxAgeDays: 7 }, now)).resolves.toMatchObject({ deleted: [] });
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  test('clusters are listed with the cluster API', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    await pruneCopies(client, { databaseIdentifier: 'billing', kind: 'cluster', region: 'eu-central-1' }, { keepLast: 3 }, now);
    expect(rds.commandCalls(DescribeDBClusterSnapshotsCommand)[0]!.args[0].input).toMatchObject({ DBClusterIdentifier: 'billing', SnapshotType: 'manual' });
  });
});

describe('reportRecoveryPoints', () => {
  test('emits the newest good copy\'s age per database and region, and a huge age when there is none', async () => {
    const central = mockClient(RDSClient);
    central.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('c1', 0.5), snapshot('c2', 2)] });
    const lines: string[] = [];
    const empty = Object.assign(new RDSClient({ region: 'eu-north-1' }), { send: async () => ({ DBSnapshots: [] }) });
    const results = await reportRecoveryPoints((region) => (region === 'eu-central-1' ? new RDSClient({ region }) : empty),
      [{ databaseIdentifier: 'orders-db', kind: 'instance' }], ['eu-central-1', 'eu-north-1'], 'snaplake/prod/dr', now, (l) => lines.push(l));
    expect(results).toEqual([
      { databaseIdentifier: 'orders-db', region: 'eu-central-1', ageHours: 12 },
      { databaseIdentifier: 'orders-db', region: 'eu-north-1', ageHours: NO_COPY_AGE_HOURS },
    ]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ Database: 'orders-db', Region: 'eu-central-1', NewestCopyAgeHours: 12 });
    central.restore();
  });
});

describe('deleteSourceSnapshot (issue 14 #11)', () => {
  const source = 'snaplake-dr-source-billing-cluster-2026-11-21t02-00-1a2b3c4d';

  test('deletes the scheduled source snapshot once its copies are available', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: source, TagList: [{ Key: 'snaplake:dr-source', Value: 'true' }] }] });
    rds.on(DeleteDBClusterSnapshotCommand).resolves({});
    await expect(deleteSourceSnapshot(client, { identifier: source, kind: 'cluster' })).resolves.toEqual({ deleted: true });
    expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)[0]!.args[0].input).toEqual({ DBClusterSnapshotIdentifier: source });
  });

  test('never deletes a snapshot that is not snaplake\'s DR source (by name and by tag)', async () => {
    await expect(deleteSourceSnapshot(client, { identifier: 'rds:orders-db-2026-11-21-03-05', kind: 'instance' })).resolves.toMatchObject({ deleted: false });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'snaplake-dr-source-x', TagList: [] }] });
    await expect(deleteSourceSnapshot(client, { identifier: 'snaplake-dr-source-x', kind: 'instance' })).resolves.toMatchObject({ deleted: false });
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  test('a source already gone is not an error', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(Object.assign(new Error('gone'), { name: 'DBSnapshotNotFoundFault' }));
    await expect(deleteSourceSnapshot(client, { identifier: 'snaplake-dr-source-x', kind: 'instance' })).resolves.toEqual({ deleted: false, reason: 'already deleted' });
  });
});

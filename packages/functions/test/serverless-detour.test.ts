import {
  CreateDBClusterSnapshotCommand, DBClusterAlreadyExistsFault, DBClusterNotFoundFault, DeleteDBClusterCommand, DeleteDBClusterSnapshotCommand,
  DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand, RDSClient, RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SNAPLAKE_TAG_KEYS, temporaryResourceNames } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { cleanUpTemporary, restoreTemporaryCluster, snapshotTemporaryCluster, sweepTemporary } from '../src';
import { quietLogs } from './quiet-logs';

const rds = mockClient(RDSClient);
const sfn = mockClient(SFNClient);
const client = new RDSClient({ region: 'eu-west-1' });
const executionArn = 'arn:aws:states:eu-west-1:111111111111:execution:exports:legacy-1';
const snapshot = {
  arn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:legacy-2026-11-21',
  identifier: 'rds:legacy-2026-11-21',
  kind: 'cluster' as const,
  databaseIdentifier: 'legacy',
  engine: 'postgres' as const,
  engineName: 'aurora-postgresql',
  engineMode: 'serverless',
  status: 'available',
  snapshotTime: '',
  exportTaskIdentifier: 'x',
  exportOnly: [],
};
const settings = { engineVersions: { 'aurora-postgresql': '13.12' }, subnetGroupName: 'snaplake-private', securityGroupIds: ['sg-0123abcd'], kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' };
const names = temporaryResourceNames('legacy', executionArn);
const ours = [{ Key: 'snaplake:temporary', Value: 'true' }, { Key: 'snaplake:execution', Value: executionArn }];

beforeAll(() => {
  quietLogs();
});
beforeEach(() => {
  rds.reset();
  sfn.reset();
});

describe('Serverless v1 detour', () => {
  test('restores to a provisioned cluster with the configured version, subnets, security groups and key, tagged as this execution\'s', async () => {
    rds.on(RestoreDBClusterFromSnapshotCommand).resolves({});
    await expect(restoreTemporaryCluster(client, { snapshot, executionArn }, settings)).resolves.toEqual({ ...names, status: 'creating' });
    expect(rds.commandCalls(RestoreDBClusterFromSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: names.clusterIdentifier,
      SnapshotIdentifier: snapshot.arn,
      Engine: 'aurora-postgresql',
      EngineVersion: '13.12',
      EngineMode: 'provisioned',
      DBSubnetGroupName: 'snaplake-private',
      VpcSecurityGroupIds: ['sg-0123abcd'],
      KmsKeyId: settings.kmsKeyArn,
      Tags: expect.arrayContaining(ours),
    });
  });

  test('with a real 147-character execution ARN, the temporary cluster and snapshot ids fit 63 characters (issue 14 #1)', async () => {
    const longArn = 'arn:aws:states:eu-west-1:111111111111:execution:snaplake-prod-exports:snaplake-prod-rds-legacy-serverless-2026-11-21-03-05-1a2b3c4d';
    expect(longArn.length).toBeGreaterThan(120);
    rds.on(RestoreDBClusterFromSnapshotCommand).resolves({});
    rds.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { DBClusterSnapshotArn: 'arn:x', Status: 'creating' } });
    const restored = await restoreTemporaryCluster(client, { snapshot, executionArn: longArn }, settings);
    await snapshotTemporaryCluster(client, { snapshot, temporary: restored, executionArn: longArn });
    const input = rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input;
    expect(input.DBClusterSnapshotIdentifier!.length).toBeLessThanOrEqual(63);
    expect(input.DBClusterIdentifier!.length).toBeLessThanOrEqual(63);
  });

  test('a retried restore finds its cluster already restoring', async () => {
    rds.on(RestoreDBClusterFromSnapshotCommand).rejects(new DBClusterAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    await expect(restoreTemporaryCluster(client, { snapshot, executionArn }, settings)).resolves.toMatchObject({ status: 'creating' });
  });

  test('an engine without a configured version names the setting', async () => {
    await expect(restoreTemporaryCluster(client, { snapshot: { ...snapshot, engineName: 'aurora-mysql' }, executionArn }, settings))
      .rejects.toMatchObject({ name: 'RestoreNotConfigured', message: expect.stringContaining('serverlessV1Restore.engineVersions') });
  });

  test('the temporary snapshot is taken and tagged', async () => {
    rds.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { DBClusterSnapshotArn: 'arn:tmp', Status: 'creating' } });
    await expect(snapshotTemporaryCluster(client, { snapshot, executionArn, temporary: { ...names, status: 'available' } })).resolves.toMatchObject({ snapshotArn: 'arn:tmp' });
    const tags = rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input.Tags!;
    expect(tags).toEqual(expect.arrayContaining(ours));
    // Each key is one core checks against RDS's tag key constraint.
    for (const { Key } of tags) expect(SNAPLAKE_TAG_KEYS).toContain(Key);
  });

  test('cleanup deletes this execution\'s snapshot and cluster', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ TagList: ours }] });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ TagList: ours }] });
    await expect(cleanUpTemporary(client, { temporary: { ...names, status: 'available' }, executionArn }))
      .resolves.toEqual({ deleted: [names.snapshotIdentifier, names.clusterIdentifier], refused: [] });
    const deletion = rds.commandCalls(DeleteDBClusterCommand)[0]!.args[0].input;
    expect(deletion).toEqual({ DBClusterIdentifier: names.clusterIdentifier, SkipFinalSnapshot: true });
  });

  test('cleanup never deletes a resource of another execution or without the temporary tag', async () => {
    const otherExecution = [{ Key: 'snaplake:temporary', Value: 'true' }, { Key: 'snaplake:execution', Value: 'other' }];
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ TagList: otherExecution }] });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ TagList: [] }] });
    await expect(cleanUpTemporary(client, { temporary: { ...names, status: 'available' }, executionArn }))
      .resolves.toEqual({ deleted: [], refused: [names.snapshotIdentifier, names.clusterIdentifier] });
    expect(rds.commandCalls(DeleteDBClusterCommand)).toHaveLength(0);
    expect(rds.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  });

  test('cleanup after a failure before anything was created is a no-op', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(new DBClusterNotFoundFault({ message: 'nope', $metadata: {} }));
    rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'nope', $metadata: {} }));
    await expect(cleanUpTemporary(client, { temporary: { ...names, status: 'creating' }, executionArn })).resolves.toEqual({ deleted: [], refused: [] });
  });

  test('the sweeper deletes old temporary resources of finished executions only', async () => {
    const now = new Date('2026-11-21T12:00:00Z');
    const old = new Date('2026-11-20T00:00:00Z');
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'tmp-old-done', SnapshotCreateTime: old, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: 'done' }] },
        { DBClusterSnapshotIdentifier: 'tmp-old-running', SnapshotCreateTime: old, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: 'running' }] },
        { DBClusterSnapshotIdentifier: 'tmp-new', SnapshotCreateTime: now, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: 'done' }] },
        { DBClusterSnapshotIdentifier: 'dba-manual', SnapshotCreateTime: old, TagList: [] },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: 'tmp-cluster', ClusterCreateTime: old, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: 'done' }] }] });
    sfn.on(DescribeExecutionCommand, { executionArn: 'done' }).resolves({ status: 'FAILED' } as never);
    sfn.on(DescribeExecutionCommand, { executionArn: 'running' }).resolves({ status: 'RUNNING' } as never);
    await expect(sweepTemporary(client, new SFNClient({}), 6, now)).resolves.toEqual({ deleted: ['tmp-old-done', 'tmp-cluster'], othersLeft: [] });
  });

  test('the sweeper leaves another stage\'s temporary resources alone and never asks about their executions (To settle)', async () => {
    const now = new Date('2026-11-21T12:00:00Z');
    const old = new Date('2026-11-20T00:00:00Z');
    const execution = (machine: string) => `arn:aws:states:eu-west-1:111111111111:execution:${machine}:run-1`;
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'tmp-prod', SnapshotCreateTime: old, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: execution('snaplake-prod-exports') }] },
        { DBClusterSnapshotIdentifier: 'tmp-dev', SnapshotCreateTime: old, TagList: [...ours.slice(0, 1), { Key: 'snaplake:execution', Value: execution('snaplake-dev-exports') }] },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    // Step Functions refuses this role another stage's executions.
    sfn.on(DescribeExecutionCommand, { executionArn: execution('snaplake-prod-exports') }).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    sfn.on(DescribeExecutionCommand, { executionArn: execution('snaplake-dev-exports') }).resolves({ status: 'SUCCEEDED' } as never);
    await expect(sweepTemporary(client, new SFNClient({}), 6, now, 'snaplake-dev-exports')).resolves.toEqual({ deleted: ['tmp-dev'], othersLeft: ['tmp-prod'] });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });
});

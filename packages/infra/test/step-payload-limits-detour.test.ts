// The other export workflow of the every-feature fixture (the qa stage: crawler catalog, Serverless v1
// detour) stays under 256 KiB in every state: a scheduled export of an Aurora Serverless v1 cluster
// with a year of automated snapshots, restored to a temporary cluster, snapshotted, exported, crawled
// and cleaned up, run with the real handlers of @snaplake/functions.
import { CreateDatabaseCommand, GlueClient, StartCrawlerCommand, UpdateCrawlerCommand } from '@aws-sdk/client-glue';
import {
  CreateDBClusterSnapshotCommand, DeleteDBClusterCommand, DeleteDBClusterSnapshotCommand, DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand, DescribeExportTasksCommand, RDSClient, RestoreDBClusterFromSnapshotCommand, StartExportTaskCommand, Tag,
} from '@aws-sdk/client-rds';
import { stateMachinesOf } from './state-machines';
import { answerCalls, handlersOf, overLimit, runMeasured } from './step-payloads';
import { synthesized } from './synthesized';

const app = synthesized('full');
const [machine] = stateMachinesOf(app).filter((m) => m.where.startsWith('Qa/ExportPipeline/'));
const functions = handlersOf(app, machine!.stack);
const { region, account } = machine!.stack;
const arn = (resource: string) => `arn:aws:rds:${region}:${account}:${resource}`;

/** The clusters and cluster snapshots of the account, as the RDS API returns them. */
const clusters = new Map<string, { Status: string; TagList: Tag[] }>();
interface ClusterSnapshot {
  DBClusterIdentifier: string;
  Status: string;
  TagList: Tag[];
  SnapshotType: string;
  SnapshotCreateTime: Date;
  EngineMode: string;
}
const snapshots = new Map<string, ClusterSnapshot>();
for (let day = 0; day < 365; day++) {
  snapshots.set(`rds:legacy-crm-2025-${String(day).padStart(3, '0')}`, {
    DBClusterIdentifier: 'legacy-crm', Status: 'available', TagList: [], SnapshotType: 'automated', SnapshotCreateTime: new Date(Date.UTC(2025, 10, 22 + day, 3)), EngineMode: 'serverless',
  });
}
const snapshotOf = (id: string) => ({
  DBClusterSnapshotIdentifier: id, DBClusterSnapshotArn: arn(`cluster-snapshot:${id}`), Engine: 'aurora-postgresql', ...snapshots.get(id)!,
});
const notFound = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 404 } });

test('a Serverless v1 export through the detour and the crawler stays under 256 KiB in every state', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  let task: Record<string, unknown> | undefined;
  answerCalls(RDSClient, [
    [DescribeDBClusterSnapshotsCommand, (input) => {
      if (input.DBClusterSnapshotIdentifier) {
        if (!snapshots.has(input.DBClusterSnapshotIdentifier)) throw notFound('DBClusterSnapshotNotFoundFault');
        return { DBClusterSnapshots: [snapshotOf(input.DBClusterSnapshotIdentifier)] };
      }
      const all = [...snapshots.keys()].filter((id) => snapshots.get(id)!.DBClusterIdentifier === input.DBClusterIdentifier).map(snapshotOf);
      const start = Number(input.Marker ?? 0);
      return { DBClusterSnapshots: all.slice(start, start + 100), ...(start + 100 < all.length ? { Marker: String(start + 100) } : {}) };
    }],
    [RestoreDBClusterFromSnapshotCommand, (input) => {
      clusters.set(input.DBClusterIdentifier, { Status: 'available', TagList: input.Tags ?? [] });
      return { DBCluster: { DBClusterIdentifier: input.DBClusterIdentifier, Status: 'creating' } };
    }],
    [DescribeDBClustersCommand, (input) => {
      if (!clusters.has(input.DBClusterIdentifier)) throw notFound('DBClusterNotFoundFault');
      return { DBClusters: [{ DBClusterIdentifier: input.DBClusterIdentifier, ...clusters.get(input.DBClusterIdentifier)! }] };
    }],
    [CreateDBClusterSnapshotCommand, (input) => {
      snapshots.set(input.DBClusterSnapshotIdentifier, {
        DBClusterIdentifier: input.DBClusterIdentifier, Status: 'available', TagList: input.Tags ?? [], SnapshotType: 'manual', SnapshotCreateTime: new Date(), EngineMode: 'provisioned',
      });
      return { DBClusterSnapshot: { ...snapshotOf(input.DBClusterSnapshotIdentifier), Status: 'creating' } };
    }],
    [DeleteDBClusterSnapshotCommand, (input) => {
      snapshots.delete(input.DBClusterSnapshotIdentifier);
      return {};
    }],
    [DeleteDBClusterCommand, (input) => {
      clusters.delete(input.DBClusterIdentifier);
      return {};
    }],
    [StartExportTaskCommand, (input) => {
      task = { ExportTaskIdentifier: input.ExportTaskIdentifier, SourceArn: input.SourceArn, S3Bucket: input.S3Bucket, S3Prefix: input.S3Prefix, Status: 'COMPLETE', TotalExtractedDataInGB: 40 };
      return { ...task, Status: 'STARTING' };
    }],
    [DescribeExportTasksCommand, (input) => ({ ExportTasks: task && task.ExportTaskIdentifier === input.ExportTaskIdentifier ? [task] : [] })],
  ]);
  answerCalls(GlueClient, [[CreateDatabaseCommand, () => ({})], [UpdateCrawlerCommand, () => ({})], [StartCrawlerCommand, () => ({})]]);

  const run = await runMeasured(machine!.definition, { databaseIdentifier: 'legacy-crm', kind: 'cluster', trigger: 'schedule' }, {
    'Notify started': async () => ({ MessageId: 'started' }),
    'Notify completed': async () => ({ MessageId: 'completed' }),
    'Notify failure': async () => ({ MessageId: 'failed' }),
  }, functions);
  jest.restoreAllMocks();

  expect(run.error).toBeUndefined();
  expect(Object.keys(run.results)).toEqual(expect.arrayContaining(['Restore temporary cluster', 'Snapshot temporary cluster', 'Start crawler', 'Clean up temporary resources']));
  // The temporary cluster and snapshot are gone; the year of automated snapshots is left.
  expect(clusters.size).toBe(0);
  expect(snapshots.size).toBe(365);
  expect(overLimit(run.sizes)).toEqual([]);
});

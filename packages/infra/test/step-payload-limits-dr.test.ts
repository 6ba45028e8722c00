// The copy workflow of the every-feature fixture's live stage (two destination regions) stays under
// Step Functions' 256 KiB when retention lets hundreds of copies go at once (keepLast lowered, 1,000
// copies with long names per region), run with the real handlers of @snaplake/functions. The Map
// collects each region's whole state, prune result included, into the execution's state.
import {
  CopyDBSnapshotCommand, DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, DescribeDBSnapshotsCommandInput, RDSClient,
} from '@aws-sdk/client-rds';
import { stateMachinesOf } from './state-machines';
import { answerCalls, handlersOf, overLimit, runMeasured } from './step-payloads';
import { synthesized } from './synthesized';

const app = synthesized('full');
const [machine] = stateMachinesOf(app).filter((m) => m.where.startsWith('Live/DisasterRecovery/'));
const functions = handlersOf(app, machine!.stack);
const { region, account } = machine!.stack;
const sourceId = 'rds:orders-db-2026-11-22-03-05';
const COPIES = 1_000;

/** A snapshot as DescribeDBSnapshots returns it. */
const snapshot = (id: string, created: Date, copy: boolean) => ({
  DBSnapshotIdentifier: id,
  DBSnapshotArn: `arn:aws:rds:${region}:${account}:snapshot:${id}`,
  DBInstanceIdentifier: 'orders-db',
  Engine: 'postgres',
  Status: 'available',
  SnapshotType: copy ? 'manual' : 'automated',
  SnapshotCreateTime: created,
  TagList: copy ? [{ Key: 'snaplake:dr-copy', Value: 'true' }] : [],
});
const copies = Array.from({ length: COPIES }, (_, i) => snapshot(
  `snaplake-dr-${region}-orders-db-2024-${String(i).padStart(4, '0')}-northwind-traders-emea-subsidiary-accounts`, new Date(Date.UTC(2024, 0, 1, i)), true,
));

function describeSnapshots(input: DescribeDBSnapshotsCommandInput) {
  if (input.DBSnapshotIdentifier === sourceId) return { DBSnapshots: [snapshot(sourceId, new Date('2026-11-22T03:05:00Z'), false)] };
  if (input.DBSnapshotIdentifier) return { DBSnapshots: [snapshot(input.DBSnapshotIdentifier, new Date('2026-11-22T03:30:00Z'), true)] };
  // The destination's manual snapshots of the database, 100 a page (DescribeDBSnapshots' default MaxRecords).
  const start = Number(input.Marker ?? 0);
  return { DBSnapshots: copies.slice(start, start + 100), ...(start + 100 < copies.length ? { Marker: String(start + 100) } : {}) };
}

test('a copy to two regions that prunes 993 copies in each stays under 256 KiB in every state', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  let deleted = 0;
  answerCalls(RDSClient, [
    [DescribeDBSnapshotsCommand, describeSnapshots],
    [CopyDBSnapshotCommand, (input) => ({ DBSnapshot: { DBSnapshotIdentifier: input.TargetDBSnapshotIdentifier, Status: 'pending' } })],
    [DeleteDBSnapshotCommand, (input) => {
      deleted++;
      return { DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: 'deleted' } };
    }],
  ]);
  const run = await runMeasured(machine!.definition, { snapshotArn: `arn:aws:rds:${region}:${account}:snapshot:${sourceId}`, trigger: 'event' }, {
    'Notify failure': async () => ({ MessageId: 'failed' }),
  }, functions);
  jest.restoreAllMocks();

  expect(run.error).toBeUndefined();
  expect(run.results['Prune copies']).toMatchObject({ deletedCount: COPIES - 7 });
  expect(deleted).toBe(2 * (COPIES - 7));
  expect(overLimit(run.sizes)).toEqual([]);
});

describe('the measure itself', () => {
  const definition = {
    StartAt: 'Catalog',
    States: {
      'Catalog': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111111111111:function:catalog', ResultPath: '$.catalog', Next: 'Keep count' },
      'Keep count': { Type: 'Pass', Parameters: { 'count.$': '$.catalog.count' }, End: true },
    },
  };
  const run = (names: number) => runMeasured(definition, {}, { Catalog: async () => ({ count: names, names: Array.from({ length: names }, () => 'ü'.repeat(100)) }) }, new Map());

  test('reports a task result and the states carrying it over 256 KiB, counted in UTF-8 bytes (ü is 2 bytes)', async () => {
    // 1,400 names of 100 ü: 140,000 characters, ~285,000 bytes.
    expect(overLimit((await run(1_400)).sizes)).toEqual([
      expect.stringMatching(/^Catalog: result = 28\d{4} bytes$/),
      expect.stringMatching(/^Catalog: output = 28\d{4} bytes$/),
      expect.stringMatching(/^Keep count: input = 28\d{4} bytes$/),
    ]);
  });

  test('reports nothing when the states stay under it', async () => {
    expect(overLimit((await run(1_000)).sizes)).toEqual([]);
  });
});

import { definitionOf, runLocally } from './local-workflow';
import { synthesized } from './synthesized';

/** The export workflow of the fixture app: with the metadata catalog, the crawler, or the Serverless v1 detour. */
const definitions = {
  metadata: definitionOf(synthesized('minimal').template('Dev/ExportPipeline')),
  crawler: definitionOf(synthesized('crawler').template('Dev/ExportPipeline')),
  detour: definitionOf(synthesized('serverless-detour').template('Dev/ExportPipeline')),
  scoped: definitionOf(synthesized('export-scope').template('Dev/ExportPipeline')),
};

/** What the synthesized resolve function was given as EXPORT_SCOPES, which it returns with each snapshot as `exportOnly`. */
function exportScopesOf(fixture: string): Record<string, string[]> {
  const functions = Object.values(synthesized(fixture).template('Dev/ExportPipeline').findResources('AWS::Lambda::Function')) as any[];
  const resolve = functions.find((f) => f.Properties.Environment?.Variables?.EXPORT_SCOPES !== undefined);
  return JSON.parse(resolve.Properties.Environment.Variables.EXPORT_SCOPES);
}

const snapshot = (status: string) => ({
  arn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-11-21-03-05',
  identifier: 'rds:orders-db-2026-11-21-03-05',
  kind: 'instance',
  databaseIdentifier: 'orders-db',
  engine: 'postgres',
  status,
  snapshotTime: '2026-11-21T03:05:12.000Z',
  exportTaskIdentifier: 'rds-orders-db-2026-11-21-03-05-1a2b3c4d',
  exportOnly: [] as string[],
});
const exportStatus = (status: string, failureCause = '') => ({
  exportTaskIdentifier: 'rds-orders-db-2026-11-21-03-05-1a2b3c4d', status, percentProgress: 100, totalExtractedDataInGB: 2, failureCause, warningMessage: '', s3Bucket: 'b', s3Prefix: '',
});
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

interface Scenario {
  catalog?: 'metadata' | 'crawler';
  /** Run the fixture whose database has exportOnly. */
  scoped?: boolean;
  /** Synthesize with the Serverless v1 detour, and answer its steps with this. */
  detour?: (input: any) => unknown;
  crawl?: (input: unknown) => unknown;
  resolve?: (input: unknown) => unknown;
  start?: (input: unknown) => unknown;
  /** Answers the detour's "Find existing export" (the start-export function with find: true). */
  find?: (input: unknown) => unknown;
  describe?: (input: unknown) => unknown;
  register?: (input: unknown) => unknown;
  report?: (input: any) => unknown;
  recordFailure?: (input: any) => unknown;
}
const COST = { databaseIdentifier: 'orders-db', extractedGB: 2, durationMinutes: 95, tables: 1, estimatedChargeUSD: 0.02, pricePerGB: 0.01, priceAsOf: '2026-11-22' };

async function run(input: unknown, scenario: Scenario) {
  const detourStates = ['Restore temporary cluster', 'Check temporary cluster', 'Snapshot temporary cluster', 'Check temporary snapshot',
    'Clean up temporary resources', 'Clean up after failure'];
  const published = () => ({ MessageId: '1' });
  const { calls, error } = await runLocally(scenario.detour ? definitions.detour : scenario.scoped ? definitions.scoped : definitions[scenario.catalog ?? 'metadata'], input, {
    'Resolve snapshot': scenario.resolve ?? (() => snapshot('available')),
    'Start export': scenario.start ?? (() => ({ exportTaskIdentifier: 'x', status: 'STARTING', joined: false })),
    'Find existing export': scenario.find ?? (() => ({ found: false })),
    'Describe export': scenario.describe ?? (() => exportStatus('COMPLETE')),
    'Register catalog': scenario.register ?? (() => ({ tables: ['snaplake_dev_orders_db_shop.orders'], tableCount: 1, skipped: [], skippedCount: 0 })),
    'Start crawler': scenario.crawl ?? (() => ({ crawlerName: 'snaplake-dev-exports', databaseName: 'snaplake_dev_orders_db', path: 's3://b/x/' })),
    'Report export': scenario.report ?? (() => COST),
    'Record failure': scenario.recordFailure ?? ((failed: any) => ({ databaseIdentifier: failed.state.snapshot?.databaseIdentifier ?? 'unknown', failed: true })),
    'Notify started': published,
    'Notify completed': published,
    'Notify failure': published,
    ...(scenario.detour ? Object.fromEntries(detourStates.map((state) => [state, scenario.detour!])) : {}),
  });
  // The messages published, in order (SNS Publish parameters carry them as Message).
  const notifications = Object.entries(calls)
    .filter(([state]) => state.startsWith('Notify '))
    .flatMap(([, inputs]) => inputs.map((p: { Message: Record<string, unknown> }) => p.Message))
    .sort((a, b) => order(a) - order(b));
  return { error, calls, notifications };
}

const EVENT_ORDER = ['export-started', 'export-completed', 'export-failed'];
const order = (message: Record<string, unknown>) => EVENT_ORDER.indexOf(String(message.event));

describe('export workflow, executed locally from the synthesized definition', () => {
  test('happy path: resolve, start, wait, catalog, notify started and completed', async () => {
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {});
    expect(error).toBeUndefined();
    expect(calls['Resolve snapshot']).toEqual([{ snapshotArn: snapshot('available').arn }]);
    expect(calls['Start export']).toEqual([{
      snapshotArn: snapshot('available').arn, exportTaskIdentifier: snapshot('available').exportTaskIdentifier, viaTemporarySnapshot: false, exportOnly: [],
    }]);
    expect(calls['Register catalog']).toEqual([{
      exportTaskIdentifier: snapshot('available').exportTaskIdentifier, databaseIdentifier: 'orders-db', engine: 'postgres', snapshotTime: '2026-11-21T03:05:12.000Z', exportOnly: [],
    }]);
    expect(notifications.map((n) => n.event)).toEqual(['export-started', 'export-completed']);
    expect(notifications[1]).toMatchObject({ totalExtractedDataInGB: 2, tables: 1, cost: COST });
  });

  test('exportOnly: the configured list reaches StartExportTask and the catalog, through the resolved snapshot', async () => {
    // The config's exportOnly is the resolve function's EXPORT_SCOPES; it returns the database's list with the snapshot.
    const scopes = exportScopesOf('export-scope');
    expect(scopes).toEqual({ 'orders-db': ['shop.public.orders', 'shop.sales'] });
    const scoped = { ...snapshot('available'), exportOnly: scopes['orders-db']! };
    const { error, calls } = await run({ snapshotArn: scoped.arn }, { scoped: true, resolve: () => scoped });
    expect(error).toBeUndefined();
    expect(calls['Start export']![0].exportOnly).toEqual(['shop.public.orders', 'shop.sales']);
    expect(calls['Register catalog']![0].exportOnly).toEqual(['shop.public.orders', 'shop.sales']);
    // A database without exportOnly resolves with an empty list: everything is exported.
    expect(exportScopesOf('minimal')).toEqual({});
  });

  test('an export is reported (counted for freshness) only once catalogued, with the describe result and the catalog', async () => {
    const { calls } = await run({ snapshotArn: snapshot('available').arn }, {});
    expect(calls['Report export']).toEqual([{
      outcome: 'completed',
      snapshot: snapshot('available'),
      export: exportStatus('COMPLETE'),
      catalog: { tables: ['snaplake_dev_orders_db_shop.orders'], tableCount: 1, skipped: [], skippedCount: 0 },
      startedAt: expect.any(String),
    }]);
    const failedCatalog = await run({ snapshotArn: snapshot('available').arn }, { register: () => { throw awsError('AccessDeniedException', 'denied'); } });
    expect(failedCatalog.calls['Report export']).toBeUndefined();
    expect(failedCatalog.calls['Record failure']).toHaveLength(1);
  });

  test('every failure is recorded for its database before the notification; a recording failure never hides it', async () => {
    const failed = await run({ snapshotArn: snapshot('available').arn }, { describe: () => exportStatus('FAILED', 'boom') });
    expect(failed.calls['Record failure']![0]).toMatchObject({ outcome: 'failed', state: { snapshot: { databaseIdentifier: 'orders-db' }, error: { Error: 'ExportFAILED' } } });
    const unrecorded = await run({ snapshotArn: snapshot('available').arn }, {
      describe: () => exportStatus('FAILED', 'boom'), recordFailure: () => { throw awsError('AccessDeniedException', 'logs denied'); },
    });
    expect(unrecorded.notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'ExportFAILED', cause: expect.stringContaining('boom') });
  });

  test('a re-run after a failed export waits for, catalogs and names the new attempt under the same snapshot (issue 14 #3)', async () => {
    const attempt = `${snapshot('available').exportTaskIdentifier}-a2`;
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {
      start: () => ({ exportTaskIdentifier: attempt, status: 'STARTING', joined: false }),
      describe: (input: any) => ({ ...exportStatus('COMPLETE'), exportTaskIdentifier: input.exportTaskIdentifier }),
    });
    expect(error).toBeUndefined();
    expect(calls['Describe export']).toEqual([{ exportTaskIdentifier: attempt }]);
    expect(calls['Register catalog']).toEqual([expect.objectContaining({ exportTaskIdentifier: attempt, snapshotTime: '2026-11-21T03:05:12.000Z' })]);
    expect(notifications.map((n) => n.exportTaskIdentifier)).toEqual([attempt, attempt]);
  });

  test('the export is polled with Wait states until it is COMPLETE', async () => {
    const states = ['STARTING', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETE'];
    const { error, calls } = await run({ snapshotArn: snapshot('available').arn }, { describe: () => exportStatus(states.shift()!) });
    expect(error).toBeUndefined();
    expect(calls['Describe export']).toHaveLength(4);
    expect(calls['Register catalog']).toHaveLength(1);
  });

  test('a duplicate event joins the running export and completes once', async () => {
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {
      start: () => ({ exportTaskIdentifier: 'x', status: 'IN_PROGRESS', joined: true }),
    });
    expect(error).toBeUndefined();
    expect(calls['Start export']).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ event: 'export-started', joined: true });
  });

  test('a failed export notifies the cause, fails the execution and leaves the catalog untouched', async () => {
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {
      describe: () => exportStatus('FAILED', 'The export role is missing s3:PutObject'),
    });
    expect(error).toMatchObject({ name: 'ExecutionError' });
    expect(String((error as Error).message)).toMatch(/ExportFailed|failed/i);
    expect(calls['Register catalog']).toBeUndefined();
    expect(notifications).toHaveLength(2);
    expect(notifications[1]).toMatchObject({
      event: 'export-failed',
      error: 'ExportFAILED',
      cause: 'export rds-orders-db-2026-11-21-03-05-1a2b3c4d is FAILED: The export role is missing s3:PutObject',
    });
  });

  test('a cancelled export is a failure too', async () => {
    const { calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, { describe: () => exportStatus('CANCELED') });
    expect(calls['Register catalog']).toBeUndefined();
    expect(notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'ExportCANCELED' });
  });

  test('the export limit makes the workflow wait and retry, then the export starts', async () => {
    let attempts = 0;
    const { error, calls } = await run({ snapshotArn: snapshot('available').arn }, {
      start: () => {
        attempts++;
        if (attempts < 3) throw awsError('ExportLimitReached', 'five exports are running');
        return { exportTaskIdentifier: 'x', status: 'STARTING', joined: false };
      },
    });
    expect(error).toBeUndefined();
    expect(calls['Start export']).toHaveLength(3);
    expect(calls['Register catalog']).toHaveLength(1);
  });

  test('the export limit that never clears fails loudly after the bounded retries', async () => {
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, { start: () => { throw awsError('ExportLimitReached', 'five exports are running'); } });
    expect(error).toBeDefined();
    expect(calls['Start export']).toHaveLength(11);
    expect(notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'ExportLimitReached', cause: expect.stringContaining('five exports are running') });
  });

  test('a snapshot still being created is waited for, then exported', async () => {
    const statuses = ['creating', 'creating', 'available'];
    const { error, calls } = await run({ databaseIdentifier: 'orders-db', kind: 'instance' }, { resolve: () => snapshot(statuses.shift()!) });
    expect(error).toBeUndefined();
    expect(calls['Resolve snapshot']).toEqual([
      { databaseIdentifier: 'orders-db', kind: 'instance' },
      { snapshotArn: snapshot('available').arn },
      { snapshotArn: snapshot('available').arn },
    ]);
    expect(calls['Start export']).toHaveLength(1);
  });

  test('a snapshot that fails after being waited for is notified with the trigger\'s own request, not the re-check', async () => {
    const statuses = ['creating', 'failed'];
    const request = { databaseIdentifier: 'orders-db', kind: 'instance', trigger: 'schedule' };
    const { error, notifications } = await run(request, { resolve: () => snapshot(statuses.shift()!) });
    expect(error).toBeDefined();
    expect(notifications).toEqual([expect.objectContaining({ event: 'export-failed', error: 'SnapshotUnusable', request })]);
  });

  test('a rejected export (missing snapshot, key, role) fails at once with the message', async () => {
    const { calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {
      start: () => { throw awsError('ExportRejected', 'the KMS key cannot be used by the export'); },
    });
    expect(calls['Start export']).toHaveLength(1);
    expect(notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'ExportRejected', cause: expect.stringContaining('the KMS key cannot be used') });
  });

  const registered = { tables: ['snaplake_dev_orders_db_shop.orders'], tableCount: 1, skipped: [], skippedCount: 0 };
  test.each([['describe', 'ThrottlingException'], ['register', 'SlowDown'], ['register', 'InternalServiceException']] as const)(
    'an AWS error the SDK gave up on (%s: %s) is retried by the workflow', async (step, name) => {
      let attempts = 0;
      const { error } = await run({ snapshotArn: snapshot('available').arn }, {
        [step]: () => {
          attempts++;
          if (attempts === 1) throw awsError(name);
          return step === 'describe' ? exportStatus('COMPLETE') : registered;
        },
      });
      expect(error).toBeUndefined();
      expect(attempts).toBe(2);
    });

  test('a snapshot in another state (failed, deleted) fails with the state named', async () => {
    const { notifications } = await run({ snapshotArn: snapshot('failed').arn }, { resolve: () => snapshot('failed') });
    expect(notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'SnapshotUnusable', cause: 'snapshot rds:orders-db-2026-11-21-03-05 is failed' });
  });

  test('a catalog failure notifies and fails, after the export completed', async () => {
    const { error, notifications } = await run({ snapshotArn: snapshot('available').arn }, { register: () => { throw awsError('AccessDeniedException', 'glue:CreateTable denied'); } });
    expect(error).toBeDefined();
    expect(notifications.at(-1)).toMatchObject({ event: 'export-failed', error: 'AccessDeniedException' });
  });

  test('catalog: crawler starts the crawler after COMPLETE, waiting while it crawls another export', async () => {
    let attempts = 0;
    const { error, calls, notifications } = await run({ snapshotArn: snapshot('available').arn }, {
      catalog: 'crawler',
      crawl: () => {
        attempts++;
        if (attempts < 3) throw awsError('CrawlerBusy', 'crawler is running');
        return { crawlerName: 'snaplake-dev-exports', databaseName: 'snaplake_dev_orders_db', path: 's3://b/x/' };
      },
    });
    expect(error).toBeUndefined();
    expect(calls['Register catalog']).toBeUndefined();
    expect(calls['Start crawler']).toEqual([1, 2, 3].map(() => ({ exportTaskIdentifier: snapshot('available').exportTaskIdentifier, databaseIdentifier: 'orders-db' })));
    expect(notifications.at(-1)).toMatchObject({ event: 'export-completed', crawler: { crawlerName: 'snaplake-dev-exports' } });
  });

  test('catalog: crawler never crawls a failed export', async () => {
    const { calls } = await run({ snapshotArn: snapshot('available').arn }, { catalog: 'crawler', describe: () => exportStatus('FAILED', 'x') });
    expect(calls['Start crawler']).toBeUndefined();
  });

  describe('Aurora Serverless v1 detour', () => {
    const serverlessSnapshot = { ...snapshot('available'), kind: 'cluster', engineMode: 'serverless', engineName: 'aurora-postgresql', arn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:legacy-1' };
    const temporary = { clusterIdentifier: 'snaplake-tmp-legacy-x', snapshotIdentifier: 'snaplake-tmp-legacy-x-snapshot' };
    const detour = (states: string[]) => (input: any) => {
      switch (input.step) {
        case 'restore': return { ...temporary, status: 'creating' };
        case 'check-cluster': return { ...temporary, status: states.shift() ?? 'available' };
        case 'snapshot': return { ...temporary, status: 'creating' };
        case 'check-snapshot': return { ...temporary, snapshotArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-legacy-x-snapshot', status: 'available' };
        case 'clean-up': return { deleted: [temporary.snapshotIdentifier, temporary.clusterIdentifier], refused: [] };
        default: throw new Error(`unexpected step ${input.step}`);
      }
    };

    test('restores, waits, snapshots, exports the temporary snapshot under the original id, then removes the temporary resources', async () => {
      const { error, calls } = await run({ snapshotArn: serverlessSnapshot.arn }, { resolve: () => serverlessSnapshot, detour: detour(['creating', 'available']) });
      expect(error).toBeUndefined();
      expect(calls['Check temporary cluster']).toHaveLength(2);
      expect(calls['Start export']).toEqual([{
        snapshotArn: 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-legacy-x-snapshot', exportTaskIdentifier: serverlessSnapshot.exportTaskIdentifier, viaTemporarySnapshot: true, exportOnly: [],
      }]);
      expect(calls['Restore temporary cluster']![0]).toMatchObject({ step: 'restore', executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:exports:test' });
      expect(calls['Clean up temporary resources']).toHaveLength(1);
    });

    test('a second run for the same snapshot joins the first run\'s export and restores nothing (issue 14 #6)', async () => {
      const { error, calls } = await run({ snapshotArn: serverlessSnapshot.arn }, {
        resolve: () => serverlessSnapshot,
        detour: detour([]),
        find: () => ({ found: true, exportTaskIdentifier: serverlessSnapshot.exportTaskIdentifier, status: 'IN_PROGRESS', joined: true }),
      });
      expect(error).toBeUndefined();
      expect(calls['Find existing export']).toEqual([{ find: true, snapshotArn: serverlessSnapshot.arn, exportTaskIdentifier: serverlessSnapshot.exportTaskIdentifier }]);
      expect(calls['Restore temporary cluster']).toBeUndefined();
      expect(calls['Start export']).toBeUndefined();
      expect(calls['Register catalog']).toHaveLength(1);
      expect(calls['Clean up temporary resources']).toBeUndefined();
    });

    test('a failed export still removes the temporary resources', async () => {
      const { error, calls, notifications } = await run({ snapshotArn: serverlessSnapshot.arn }, {
        resolve: () => serverlessSnapshot, detour: detour([]), describe: () => exportStatus('FAILED', 'boom'),
      });
      expect(error).toBeDefined();
      expect(notifications.at(-1)).toMatchObject({ event: 'export-failed' });
      expect(calls['Clean up after failure']).toHaveLength(1);
      expect(calls['Register catalog']).toBeUndefined();
    });

    test('a temporary cluster that fails is reported, and cleaned up', async () => {
      const { calls, notifications } = await run({ snapshotArn: serverlessSnapshot.arn }, { resolve: () => serverlessSnapshot, detour: detour(['failed']) });
      expect(notifications.at(-1)).toMatchObject({ error: 'TemporaryResourceFailed' });
      expect(calls['Clean up after failure']).toHaveLength(1);
      expect(calls['Start export']).toBeUndefined();
    });

    test.each([
      ['snapshotting the temporary cluster', {
        detour: (input: any) => (input.step === 'snapshot' ? Promise.reject(awsError('InvalidDBClusterStateFault', 'cluster busy')) : detour([])(input)),
      }],
      ['starting the export', { start: () => { throw awsError('ExportRejected', 'the KMS key cannot be used'); } }],
      ['registering the catalog', { register: () => { throw awsError('AccessDeniedException', 'glue denied'); } }],
    ])('a failure while %s still removes the temporary resources', async (_case, failing) => {
      const scenario = { resolve: () => serverlessSnapshot, detour: detour([]), ...failing };
      const { error, calls } = await run({ snapshotArn: serverlessSnapshot.arn }, scenario);
      expect(error).toBeDefined();
      expect(calls['Clean up after failure']).toHaveLength(1);
      expect(calls['Clean up after failure']![0]).toMatchObject({ step: 'clean-up', temporary: { clusterIdentifier: temporary.clusterIdentifier } });
    });

    test('a provisioned snapshot takes no detour', async () => {
      const { calls, error } = await run({ snapshotArn: snapshot('available').arn }, { detour: detour([]), resolve: () => ({ ...snapshot('available'), engineMode: 'provisioned' }) });
      expect(error).toBeUndefined();
      expect(calls['Restore temporary cluster']).toBeUndefined();
      expect(calls['Clean up temporary resources']).toBeUndefined();
    });
  });
});

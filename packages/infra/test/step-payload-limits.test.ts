// The largest realistic runs stay under Step Functions' 256 KiB: an export of 5,400 tables (a schema
// per tenant, long names) catalogued and delivered to a partner as 21,600 objects, run through the
// synthesized export workflow of the every-feature fixture with the real handlers of
// @snaplake/functions on mocked AWS clients. Every state's input and output, and every task's raw
// result, is measured as Step Functions counts it (UTF-8 bytes of the JSON), after Parameters,
// ResultSelector and ResultPath. The Distributed Map (which the local runner does not run) is run as
// Step Functions does: the export's listing in batches of the map's ItemBatcher, each batch a child
// execution of its item processor.
import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GetPartitionsCommand, GetTablesCommand,
  GlueClient, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { DescribeDBSnapshotsCommand, DescribeExportTasksCommand, RDSClient, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { stateMachinesOf } from './state-machines';
import { answerCalls, bytesOf, handlersOf, overLimit, PAYLOAD_LIMIT_BYTES, PayloadSizes, runMeasured } from './step-payloads';
import { synthesized } from './synthesized';

jest.setTimeout(120_000);

const app = synthesized('full');
const [machine] = stateMachinesOf(app).filter((m) => m.where.startsWith('Live/ExportPipeline/'));
const functions = handlersOf(app, machine!.stack);
const region = machine!.stack.region;
const account = machine!.stack.account;

// 5,400 tables: a schema per tenant, names near PostgreSQL's 63-character limit; 4 Parquet files each.
const TABLES = 5_400;
const FILES_PER_TABLE = 4;
const tenant = (i: number) => `tenant_${String(i).padStart(5, '0')}_${'northwind_traders_emea_subsidiary_accounts'}`.slice(0, 63);
const tables = Array.from({ length: TABLES }, (_, i) => `orders.${tenant(i)}.customer_invoice_line_items_with_tax_breakdown_v2`);
const snapshotId = 'rds:orders-db-2026-11-22-03-05';
const snapshotArn = `arn:aws:rds:${region}:${account}:snapshot:${snapshotId}`;

/** An S3 of buckets of objects, answering as the S3 API reference documents (1,000 keys a page, NotFound on a missing key). */
class FakeS3 {
  readonly buckets = new Map<string, Map<string, { size: number; etag: string; body?: string }>>();
  /** Each bucket's keys in order (as S3 lists them), kept until the bucket changes: the run lists ~22,000 keys 1,000 at a time. */
  private readonly sortedKeys = new Map<string, string[]>();
  put(bucket: string, key: string, object: { size: number; etag: string; body?: string }) {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
    this.buckets.get(bucket)!.set(key, object);
    this.sortedKeys.delete(bucket);
  }
  /** ListObjectsV2: the keys after the continuation token (here the last key of the previous page) that start with the prefix, in order. */
  list(input: { Bucket?: string; Prefix?: string; Delimiter?: string; ContinuationToken?: string }) {
    const objects = this.buckets.get(input.Bucket!) ?? new Map<string, { size: number; etag: string }>();
    let keys = this.sortedKeys.get(input.Bucket!);
    if (!keys) this.sortedKeys.set(input.Bucket!, keys = [...objects.keys()].sort());
    const prefix = input.Prefix ?? '';
    const after = input.ContinuationToken ?? '';
    // The first key at or after the prefix and after the token, by binary search.
    let low = 0;
    for (let high = keys.length; low < high;) {
      const middle = Math.floor((low + high) / 2);
      if (keys[middle]! < prefix || keys[middle]! <= after) low = middle + 1;
      else high = middle;
    }
    // Keys below a delimiter after the prefix are left out (S3 would roll them up into CommonPrefixes).
    const listed = (key: string) => !input.Delimiter || !key.slice(prefix.length).includes(input.Delimiter);
    const page: string[] = [];
    let i = low;
    for (; i < keys.length && keys[i]!.startsWith(prefix) && page.length < 1000; i++) if (listed(keys[i]!)) page.push(keys[i]!);
    while (i < keys.length && keys[i]!.startsWith(prefix) && !listed(keys[i]!)) i++;
    const more = i < keys.length && keys[i]!.startsWith(prefix);
    return {
      Contents: page.map((Key) => ({ Key, Size: objects.get(Key)!.size, ETag: objects.get(Key)!.etag })),
      KeyCount: page.length,
      IsTruncated: more,
      ...(more ? { NextContinuationToken: page[page.length - 1] } : {}),
    };
  }
  get(bucket: string, key: string) {
    return this.buckets.get(bucket)?.get(key);
  }
}

/** The error of a missing key, as the SDK throws it (name, 404), without a stack: the run meets ~21,600 of them, and nothing reads one. */
const notFound = () => {
  const { stackTraceLimit } = Error;
  Error.stackTraceLimit = 0;
  try {
    return Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
};

describe('the export workflow of a 5,400-table database delivered to a partner', () => {
  const exportBucket = functions.get([...functions.keys()].find((arn) => functions.get(arn)!.handler === 'register-catalog')!)!.environment.EXPORT_BUCKET_NAME!;
  const s3 = new FakeS3();
  let exportId = '';
  const sizes: PayloadSizes = {};
  let run: Awaited<ReturnType<typeof runMeasured>>;
  let batches = 0;

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const snapshot = {
      DBSnapshots: [{
        DBSnapshotIdentifier: snapshotId,
        DBSnapshotArn: snapshotArn,
        DBInstanceIdentifier: 'orders-db',
        Engine: 'postgres',
        Status: 'available',
        SnapshotType: 'automated',
        SnapshotCreateTime: new Date('2026-11-22T03:05:00Z'),
        TagList: [],
      }],
    };
    let task: Record<string, unknown> | undefined;
    const startExport = (input: any) => {
      exportId = input.ExportTaskIdentifier;
      task = {
        ExportTaskIdentifier: exportId,
        SourceArn: input.SourceArn,
        S3Bucket: input.S3Bucket,
        S3Prefix: input.S3Prefix,
        IamRoleArn: input.IamRoleArn,
        KmsKeyId: input.KmsKeyId,
        Status: 'COMPLETE',
        PercentProgress: 100,
        TotalExtractedDataInGB: 2_150,
        SnapshotTime: new Date('2026-11-22T03:05:00Z'),
        TaskStartTime: new Date('2026-11-22T03:20:00Z'),
        TaskEndTime: new Date('2026-11-22T07:50:00Z'),
        // What RDS writes when it skips tables: one line per table (here every tenant's audit table).
        WarningMessage: tables.map((t) => `The table ${t.replace('customer_invoice_line_items_with_tax_breakdown_v2', 'audit_log')} has an unsupported data type and was skipped.`).join(' '),
      };
      writeExport();
      return { ...task, Status: 'STARTING' };
    };
    answerCalls(RDSClient, [
      [DescribeDBSnapshotsCommand, () => snapshot],
      [StartExportTaskCommand, startExport],
      [DescribeExportTasksCommand, () => ({ ExportTasks: task ? [task] : [] })],
    ]);
    // An empty catalog that accepts every write, answered as the Glue API reference documents (batch calls: an empty Errors list).
    answerCalls(GlueClient, [
      [CreateDatabaseCommand, () => ({})],
      [GetTablesCommand, () => ({ TableList: [] })],
      [CreateTableCommand, () => ({})],
      [UpdateTableCommand, () => ({})],
      [BatchCreatePartitionCommand, () => ({ Errors: [] })],
      [GetPartitionsCommand, () => ({ Partitions: [] })],
      [BatchDeletePartitionCommand, () => ({ Errors: [] })],
    ]);
    answerCalls(S3Client, [
      [ListObjectsV2Command, (input) => s3.list(input)],
      [GetObjectCommand, (input) => {
        const object = s3.get(input.Bucket, input.Key);
        if (!object) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
        return { Body: { transformToString: async () => object.body! }, ContentLength: object.size };
      }],
      [HeadObjectCommand, (input) => {
        const object = s3.get(input.Bucket, input.Key);
        if (!object) throw notFound();
        return { ContentLength: object.size, ETag: object.etag, Metadata: {} };
      }],
      [CopyObjectCommand, (input) => {
        const [bucket, ...key] = String(input.CopySource).split('/');
        const source = s3.get(bucket!, key.map(decodeURIComponent).join('/'))!;
        s3.put(input.Bucket, input.Key, { size: source.size, etag: source.etag });
        return { CopyObjectResult: { ETag: source.etag } };
      }],
    ]);

    // The local runner has no Distributed Map: the state becomes a task (same ResultPath, Next and Catch) that runs it as Step Functions does.
    const definition = structuredClone(machine!.definition);
    const { ResultPath, Next, Catch } = definition.States['Deliver in batches'];
    definition.States['Deliver in batches'] = { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', ResultPath, Next, Catch };
    run = await runMeasured(definition, { snapshotArn }, {
      'Notify started': async () => ({ MessageId: 'started' }),
      'Notify completed': async () => ({ MessageId: 'completed' }),
      'Notify failure': async () => ({ MessageId: 'failed' }),
      'Deliver in batches': (input) => distributedMap(input),
    }, functions);
    Object.assign(sizes, run.sizes);

    function writeExport() {
      const root = `${exportId}/`;
      s3.put(exportBucket, `${root}export_info_${exportId}.json`, body(JSON.stringify({
        exportTaskIdentifier: exportId, sourceArn: snapshotArn, snapshotTime: '2026-11-22T03:05:00Z', taskStartTime: '2026-11-22T03:20:00Z', status: 'COMPLETE',
      })));
      for (let from = 0; from < TABLES; from += 1000) {
        const part = tables.slice(from, from + 1000);
        s3.put(exportBucket, `${root}export_tables_info_${exportId}_from_${from + 1}_to_${from + part.length}.json`, body(JSON.stringify({
          perTableStatus: part.map((target) => ({
            target,
            status: 'COMPLETE',
            schemaMetadata: { originalTypeMappings: [{ columnName: 'invoice_id', originalType: 'bigint', expectedExportedType: 'int64' }] },
          })),
        })));
      }
      tables.forEach((table, t) => {
        for (let f = 0; f < FILES_PER_TABLE; f++) {
          const uuid = `${String(t).padStart(8, '0')}-7d3e-4c1a-9f2b-${String(f).padStart(12, '0')}`;
          s3.put(exportBucket, `${root}orders/${table.slice('orders.'.length)}/1/part-0000${f}-${uuid}-c000.gz.parquet`, { size: 64 * 1024 * 1024, etag: `"${uuid}"` });
        }
      });
    }
  });

  function body(text: string) {
    return { size: Buffer.byteLength(text), etag: `"${text.length}"`, body: text };
  }

  /**
   * The Distributed Map as Step Functions runs it: ItemReader lists the prefix (S3 listing items),
   * ItemBatcher groups them with its BatchInput, each batch runs the item processor as a child execution;
   * the map's result is the list of the children's outputs.
   */
  async function distributedMap(mapInput: any): Promise<unknown[]> {
    const state = machine!.definition.States['Deliver in batches'];
    const at = (path: string) => path.slice(2).split('.').reduce((value: any, field) => value?.[field], mapInput);
    const prefix = at(state.ItemReader.Parameters['Prefix.$']);
    const items = listAll(state.ItemReader.Parameters.Bucket, prefix);
    const batchInput = Object.fromEntries(Object.entries<string>(state.ItemBatcher.BatchInput).map(([key, path]) => [key.replace(/\.\$$/, ''), at(path)]));
    // The map's result: every child's output, in order (no ResultWriter). It counts against 256 KiB before ResultPath applies.
    const outputs: unknown[] = [];
    const maxBytes = state.ItemBatcher.MaxInputBytesPerBatch ?? Infinity;
    const itemProcessor = { StartAt: state.ItemProcessor.StartAt, States: state.ItemProcessor.States };
    for (let i = 0; i < items.length;) {
      const batch = { BatchInput: batchInput, Items: [] as unknown[] };
      // The batch's size as it grows: each item adds its JSON and a comma.
      let batchBytes = bytesOf(batch);
      while (i < items.length && batch.Items.length < state.ItemBatcher.MaxItemsPerBatch) {
        const itemBytes = bytesOf(items[i]);
        if (batchBytes + itemBytes + 1 > maxBytes) break;
        batchBytes += itemBytes + 1;
        batch.Items.push(items[i++]);
      }
      const child = await runMeasured(itemProcessor, batch, {}, functions);
      if (child.error) throw child.error;
      for (const [key, bytes] of Object.entries(child.sizes)) {
        sizes[`Deliver in batches > ${key}`] = Math.max(sizes[`Deliver in batches > ${key}`] ?? 0, bytes);
      }
      outputs.push(child.output);
      batches++;
    }
    sizes['Deliver in batches: map result'] = bytesOf(outputs);
    return outputs;
  }

  function listAll(bucket: string, prefix: string) {
    const items: unknown[] = [];
    for (let token: string | undefined; ;) {
      const page = s3.list({ Bucket: bucket, Prefix: prefix, ContinuationToken: token });
      // The item a Step Functions S3 listing reader gives the map (Step Functions developer guide, "ItemReader").
      items.push(...page.Contents.map((o) => ({ Etag: o.ETag, Key: o.Key, LastModified: 1_763_781_000, Size: o.Size, StorageClass: 'STANDARD' })));
      if (!page.NextContinuationToken) return items;
      token = page.NextContinuationToken;
    }
  }

  afterAll(() => jest.restoreAllMocks());
  test('the run succeeds, catalogues every table and delivers every object, in batches', () => {
    expect(run.error).toBeUndefined();
    expect(run.results['Register catalog']).toMatchObject({ tableCount: expect.any(Number) });
    expect(run.results['Register catalog'].tableCount).toBeGreaterThanOrEqual(TABLES);
    // The data files, export_info, and export_tables_info per 1,000 tables.
    const objects = TABLES * FILES_PER_TABLE + 1 + Math.ceil(TABLES / 1000);
    expect(run.results['Deliver export']).toMatchObject({ mode: 'distributed', objects });
    expect(batches).toBe(Math.ceil(objects / 500));
    expect(run.results['Verify delivery']).toMatchObject({ mode: 'verified', objects });
  });

  test(`no state input, state output or task result is over ${PAYLOAD_LIMIT_BYTES} bytes`, () => {
    expect(Object.keys(sizes).length).toBeGreaterThan(20);
    expect(overLimit(sizes)).toEqual([]);
  });

  test('a batch of the delivery map is cut by size too: 500 items with keys of S3\'s 1,024 bytes would be ~560 KB', () => {
    const batcher = machine!.definition.States['Deliver in batches'].ItemBatcher;
    expect(batcher.MaxInputBytesPerBatch).toBeLessThanOrEqual(PAYLOAD_LIMIT_BYTES - 4 * 1024);
    expect(batcher.MaxItemsPerBatch * bytesOf({ Etag: '"x"', Key: 'k'.repeat(1024), LastModified: 1_763_781_000, Size: 1, StorageClass: 'STANDARD' }))
      .toBeGreaterThan(PAYLOAD_LIMIT_BYTES);
  });

  test('the notifications stay under SNS\'s 256 KiB message limit', () => {
    for (const name of ['Notify started', 'Notify completed']) {
      expect(run.inputs[name]?.Message).toBeDefined();
      expect(bytesOf(run.inputs[name].Message)).toBeLessThan(PAYLOAD_LIMIT_BYTES);
    }
  });
});

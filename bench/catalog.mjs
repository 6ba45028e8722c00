// bench/catalog: register an export of 500 tables x 20 columns against Glue clients that answer
// after 50 ms, and report wall time and Glue calls (target: 4 s; a crawler needs a minute or more just
// to start). The nightly case starts from the tables the previous night's export left.
// Usage: node bench/catalog.mjs [--runs 3] [--tables 500] [--latency 50]
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { historyPartitionsParameter, readHistoryPartitions } from '@snaplake/core';
import { registerCatalog } from '@snaplake/functions';
import { median, option, report } from './lib.mjs';

const runs = option('runs', 3);
const tableCount = option('tables', 500);
const latencyMs = option('latency', 50);
const columnsPerTable = 20;
const exportId = 'rds-orders-db-2026-11-21-03-05-1a2b3c4d';

const tablesInfo = JSON.stringify({
  perTableStatus: Array.from({ length: tableCount }, (_, t) => ({
    target: `shop.public.table_${t}`,
    status: 'COMPLETE',
    schemaMetadata: {
      originalTypeMappings: Array.from({ length: columnsPerTable }, (_, c) => ({
        columnName: `column_${c}`,
        originalType: c % 2 === 0 ? 'bigint' : 'character varying',
        expectedExportedType: c % 2 === 0 ? 'int64' : 'binary (UTF8)',
      })),
    },
  })),
});
const files = {
  [`exports/${exportId}/export_info_${exportId}.json`]: JSON.stringify({ exportTaskIdentifier: exportId, sourceArn: 'arn:aws:rds:eu-west-1:1:snapshot:x', snapshotTime: '2026-11-21T03:05:00Z', status: 'COMPLETE' }),
  [`exports/${exportId}/export_tables_info_${exportId}_from_1_to_${tableCount}.json`]: tablesInfo,
};
// Real clients (the SDK's paginators take only those) whose `send` answers from memory.
const s3 = Object.assign(new S3Client({ region: 'eu-west-1' }), {
  send: async (command) => {
    const name = command.constructor.name;
    if (name === 'ListObjectsV2Command') return { Contents: Object.keys(files).map((Key) => ({ Key })) };
    if (name === 'GetObjectCommand') return { Body: { transformToString: async () => files[command.input.Key] } };
    throw new Error(`unexpected S3 call ${name}`);
  },
});

/** A Glue client whose every call answers after the latency; GetTables returns `existing`. */
function fakeGlue(existing, latency = latencyMs) {
  const calls = {};
  const created = [];
  return Object.assign(new GlueClient({ region: 'eu-west-1' }), {
    calls,
    created,
    send: async (command) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls[name] = (calls[name] ?? 0) + 1;
      if (name === 'CreateTable') created.push({ ...command.input.TableInput, VersionId: '1' });
      await new Promise((resolve) => setTimeout(resolve, latency));
      switch (name) {
        case 'GetTables': return { TableList: existing };
        case 'GetPartitions': return { Partitions: ['2026-11-13T03:05:00Z', '2026-11-20T03:05:00Z'].map((v) => ({ Values: [v] })) };
        case 'BatchCreatePartition': return { Errors: [] };
        case 'BatchDeletePartition': return { Errors: [] };
        default: return {};
      }
    },
  });
}

const input = (snapshotTime) => ({ exportTaskIdentifier: exportId, databaseIdentifier: 'orders-db', engine: 'postgres', snapshotTime });
const settings = (day) => ({ bucketName: 'exports', exportPrefix: 'exports', databasePrefix: 'snaplake_bench', retentionDays: 7, now: () => new Date(`2026-11-${day}T12:00:00Z`) });
const silence = console.log;
async function quietly(run) {
  console.log = () => undefined;
  try {
    return await run();
  } finally {
    console.log = silence;
  }
}

// The nightly case starts from the tables as the previous night's export left them (written with no
// latency), with one partition per table that has now expired (a week old).
const previous = fakeGlue([], 0);
await quietly(() => registerCatalog(previous, s3, input('2026-11-20T03:05:00Z'), settings(20)));
const lastNight = previous.created.map((table) => {
  const recorded = readHistoryPartitions(table.Parameters);
  if (recorded === undefined) return table;
  return { ...table, Parameters: { ...table.Parameters, ...historyPartitionsParameter([{ value: '2026-11-13T03:05:00Z', exportedAt: '2026-11-13T03:30:00.000Z' }, ...recorded]) } };
});

for (const scenario of ['first export', 'nightly export']) {
  const times = [];
  let calls;
  for (let i = 0; i < runs; i++) {
    const glue = fakeGlue(scenario === 'nightly export' ? lastNight : []);
    const started = performance.now();
    await quietly(() => registerCatalog(glue, s3, input('2026-11-21T03:05:00Z'), settings(21)));
    times.push(performance.now() - started);
    calls = glue.calls;
  }
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  report('catalog', {
    scenario, tables: tableCount, columnsPerTable, glueLatencyMs: latencyMs, runs,
    wallTimeMs: Math.round(median(times)), glueCalls: totalCalls, glueCallsByOperation: calls, targetMs: 4000, withinTarget: median(times) <= 4000,
  });
}

// bench/duckdb: an export of 100 tables x 100k rows laid out as RDS writes it (gzip Parquet in two
// batch folders per table, PostgreSQL types), then `snaplake duckdb` run as a user runs it: printing
// the script, and copying every table into a DuckDB file with --into. Packages must be built.
// Usage: node bench/duckdb.mjs [--runs 3] [--tables 100] [--rows 100000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { median, option, report } from './lib.mjs';

const runs = option('runs', 3);
const tableCount = option('tables', 100);
const rowsPerTable = option('rows', 100_000);
const exportId = 'rds-shop-2026-11-21-03-05-1a2b3c4d';
const cli = new URL('../packages/core/lib/cli.js', import.meta.url).pathname;

const columns = [
  ['id', 'bigint', 'int64', 'i::BIGINT'],
  ['customer_id', 'integer', 'int32', '(i % 5000)::INTEGER'],
  ['quantity', 'smallint', 'int32', '(i % 20)::SMALLINT'],
  ['price', 'double precision', 'double', 'i * 0.25'],
  ['paid', 'boolean', 'boolean', 'i % 3 = 0'],
  ['total', 'numeric', 'binary (UTF8)', "printf('%d.%02d', i, i % 100)"],
  ['created_at', 'timestamp without time zone', 'binary (UTF8)', "strftime(TIMESTAMP '2026-01-01' + to_seconds(i), '%Y-%m-%d %H:%M:%S')"],
  ['note', 'text', 'binary (UTF8)', "'order note ' || (i % 97)"],
];

const work = mkdtempSync(join(tmpdir(), 'snaplake-bench-duckdb-'));
const root = join(work, exportId);
const writeStarted = performance.now();
{
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const select = columns.map(([name, , , expression]) => `${expression} AS ${name}`).join(', ');
  const half = Math.floor(rowsPerTable / 2);
  for (let t = 0; t < tableCount; t++) {
    for (const [batch, from, to] of [[1, 0, half], [2, half, rowsPerTable]]) {
      const folder = join(root, 'shop', `public.table_${t}`, String(batch));
      mkdirSync(folder, { recursive: true });
      await connection.run(`COPY (SELECT ${select} FROM range(${from}, ${to}) r(i)) TO '${folder}/part-00000-${t}-${batch}-c000.gz.parquet' (FORMAT parquet, COMPRESSION gzip)`);
    }
  }
  connection.closeSync();
  instance.closeSync();
}
writeFileSync(join(root, `export_info_${exportId}.json`), JSON.stringify({
  exportTaskIdentifier: exportId, sourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:shop-2026-11-21-03-05', status: 'COMPLETE',
}));
const entries = Array.from({ length: tableCount }, (_, t) => ({
  target: `shop.public.table_${t}`,
  status: 'COMPLETE',
  schemaMetadata: { originalTypeMappings: columns.map(([columnName, originalType, expectedExportedType]) => ({ columnName, originalType, expectedExportedType })) },
}));
const perFile = Math.ceil(tableCount / 2);
for (let first = 0; first < tableCount; first += perFile) {
  const chunk = entries.slice(first, first + perFile);
  writeFileSync(join(root, `export_tables_info_${exportId}_from_${first + 1}_to_${first + chunk.length}.json`), JSON.stringify({ perTableStatus: chunk }));
}
const writeMs = performance.now() - writeStarted;

/** CPU seconds used by finished child processes (Linux /proc; undefined elsewhere): steadier than wall time on a busy machine. */
function childCpuSeconds() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function timed(args) {
  const started = performance.now();
  const cpuBefore = childCpuSeconds();
  const result = spawnSync(process.execPath, [cli, 'duckdb', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`snaplake duckdb ${args.join(' ')} failed: ${result.stderr}`);
  const cpuAfter = childCpuSeconds();
  return { ms: performance.now() - started, cpuSeconds: cpuBefore === undefined ? undefined : cpuAfter - cpuBefore, result };
}

const scriptTimes = [];
const intoTimes = [];
const intoCpu = [];
let fileBytes = 0;
for (let run = 0; run < runs; run++) {
  scriptTimes.push(timed([root]).ms);
  const file = join(work, `lake-${run}.duckdb`);
  const { ms, cpuSeconds, result } = timed([root, '--into', file]);
  intoTimes.push(ms);
  if (cpuSeconds !== undefined) intoCpu.push(cpuSeconds);
  fileBytes = statSync(file).size;
  if (!result.stderr.includes(`[${tableCount}/${tableCount}]`)) throw new Error(`--into did not copy every table:\n${result.stderr}`);
  rmSync(file);
}
rmSync(work, { recursive: true, force: true });

const rows = tableCount * rowsPerTable;
report('duckdb', {
  tables: tableCount, rowsPerTable, columns: columns.length, runs, writeExportMs: Math.round(writeMs),
  printScriptMs: Math.round(median(scriptTimes)), materializeMs: Math.round(median(intoTimes)),
  rowsPerSecond: Math.round(rows / (median(intoTimes) / 1000)), databaseFileMB: Math.round(fileBytes / 1024 / 1024),
  materializeCpuSeconds: intoCpu.length > 0 ? Number(median(intoCpu).toFixed(1)) : undefined, loadAverage: Number(loadavg()[0].toFixed(1)),
});
console.log(`duckdb: ${tableCount} tables x ${rowsPerTable} rows: script printed in ${(median(scriptTimes) / 1000).toFixed(2)} s, `
  + `materialized in ${(median(intoTimes) / 1000).toFixed(1)} s (median of ${runs}; ${intoCpu.length > 0 ? `${median(intoCpu).toFixed(1)} CPU s, ` : ''}`
  + `load average ${loadavg()[0].toFixed(1)}); file ${Math.round(fileBytes / 1024 / 1024)} MB`);

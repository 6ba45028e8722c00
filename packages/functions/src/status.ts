import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, MetricDataResult, paginateDescribeAlarms, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import { awsErrorName } from './errors';

// `snaplake-status`: the freshness table of a stage, read from its export-pipeline stack's outputs,
// its freshness alarms and the hourly count of catalogued exports.

/** The `Freshness` output of `<project>-<stage>-export-pipeline`. */
export interface FreshnessOutput {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimension: string;
  readonly databases: readonly { database: string; maxExportAgeHours: number; alarmName: string }[];
}

export interface FreshnessRow {
  readonly database: string;
  /** Start of the newest hour with a catalogued export, or undefined when none in the looked-back days. */
  readonly newestExport?: Date;
  readonly ageHours?: number;
  readonly maxExportAgeHours: number;
  /** The alarm's state: OK, ALARM, INSUFFICIENT_DATA, or MISSING when the alarm is not found. */
  readonly alarm: string;
  /** Older than maxExportAgeHours, never exported in the window, or the alarm fires. */
  readonly stale: boolean;
}

/** The stack, its output or the alarms cannot be read; the message says what to check. */
export class StatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusError';
  }
}

/** How far back the newest export is looked for: the longest freshness window. */
export const LOOK_BACK_DAYS = 7;

/** Reads the freshness of every database of the stack's stage. */
export async function readFreshness(
  clients: { cloudformation: CloudFormationClient; cloudwatch: CloudWatchClient }, stackName: string, now: Date = new Date(),
): Promise<FreshnessRow[]> {
  const output = await freshnessOutput(clients.cloudformation, stackName);
  const states = await alarmStates(clients.cloudwatch, output.databases.map((d) => d.alarmName));
  const newest = await newestExports(clients.cloudwatch, output, now);
  return output.databases.map(({ database, maxExportAgeHours, alarmName }) => {
    const newestExport = newest.get(database);
    const ageHours = newestExport === undefined ? undefined : Math.floor((now.getTime() - newestExport.getTime()) / 3_600_000);
    const alarm = states.get(alarmName) ?? 'MISSING';
    return {
      database,
      newestExport,
      ageHours,
      maxExportAgeHours,
      alarm,
      stale: alarm === 'ALARM' || ageHours === undefined || ageHours > maxExportAgeHours,
    };
  });
}

async function freshnessOutput(cloudformation: CloudFormationClient, stackName: string): Promise<FreshnessOutput> {
  let stack;
  try {
    stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError') throw new StatusError(`stack ${stackName} was not found in this account and region (${(error as Error).message})`);
    throw error;
  }
  const value = stack?.Outputs?.find((o) => o.OutputKey === 'Freshness')?.OutputValue;
  if (!stack || value === undefined) {
    throw new StatusError(`stack ${stackName} has no Freshness output: is it a <project>-<stage>-export-pipeline stack deployed with freshness alarms?`);
  }
  let parsed: FreshnessOutput;
  try {
    parsed = JSON.parse(value) as FreshnessOutput;
  } catch {
    throw new StatusError(`the Freshness output of ${stackName} is not JSON`);
  }
  if (typeof parsed?.namespace !== 'string' || !Array.isArray(parsed.databases)) throw new StatusError(`the Freshness output of ${stackName} has no namespace or databases`);
  return parsed;
}

async function alarmStates(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  // DescribeAlarms takes at most 100 names a call.
  for (let i = 0; i < names.length; i += 100) {
    for await (const page of paginateDescribeAlarms({ client: cloudwatch }, { AlarmNames: names.slice(i, i + 100) })) {
      for (const alarm of page.MetricAlarms ?? []) if (alarm.AlarmName) states.set(alarm.AlarmName, alarm.StateValue ?? 'UNKNOWN');
    }
  }
  return states;
}

async function newestExports(cloudwatch: CloudWatchClient, output: FreshnessOutput, now: Date): Promise<Map<string, Date>> {
  const newest = new Map<string, Date>();
  // GetMetricData takes at most 500 queries a call.
  for (let i = 0; i < output.databases.length; i += 500) {
    const batch = output.databases.slice(i, i + 500);
    const results: MetricDataResult[] = [];
    const request = {
      StartTime: new Date(now.getTime() - LOOK_BACK_DAYS * 86_400_000),
      EndTime: now,
      ScanBy: 'TimestampDescending' as const,
      MetricDataQueries: batch.map(({ database }, j) => ({
        Id: `db${i + j}`,
        MetricStat: { Metric: { Namespace: output.namespace, MetricName: output.metricName, Dimensions: [{ Name: output.dimension, Value: database }] }, Period: 3600, Stat: 'Sum' },
      })),
    };
    for await (const page of paginateGetMetricData({ client: cloudwatch }, request)) results.push(...(page.MetricDataResults ?? []));
    for (const result of results) {
      const database = batch[Number(result.Id?.slice(2)) - i]?.database;
      const times = (result.Timestamps ?? []).filter((_, k) => (result.Values?.[k] ?? 0) > 0).map((t) => t.getTime());
      if (database === undefined || times.length === 0) continue;
      const latest = Math.max(...times, newest.get(database)?.getTime() ?? 0);
      newest.set(database, new Date(latest));
    }
  }
  return newest;
}

/** The table `snaplake-status` prints, one line per database. */
export function freshnessTable(rows: readonly FreshnessRow[]): string[] {
  const header = ['database', 'newest export', 'age (h)', 'max age (h)', 'alarm'];
  const cells = rows.map((r) => [
    r.database,
    r.newestExport ? `${r.newestExport.toISOString().slice(0, 13).replace('T', ' ')}` : `none in ${LOOK_BACK_DAYS} d`,
    r.ageHours === undefined ? '-' : String(r.ageHours),
    String(r.maxExportAgeHours),
    r.alarm,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { runStatusCli } from '../src/status-cli';

const cloudformation = mockClient(CloudFormationClient);
const cloudwatch = mockClient(CloudWatchClient);
const now = new Date('2026-11-22T12:30:00Z');
const stack = 'lake-prod-export-pipeline';
const freshness = {
  namespace: 'snaplake/prod/exports',
  metricName: 'ExportsCatalogued',
  dimension: 'Database',
  databases: [
    { database: 'orders-db', maxExportAgeHours: 27, alarmName: 'lake-prod-FreshnessordersdbA1' },
    { database: 'billing', maxExportAgeHours: 75, alarmName: 'lake-prod-FreshnessbillingB2' },
  ],
};

async function status(args: string[] = ['--stack', stack]) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: (string | undefined)[] = [];
  const code = await runStatusCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, (region) => {
    regions.push(region);
    return { cloudformation: new CloudFormationClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }) };
  }, now);
  return { code, out, err, regions };
}

beforeEach(() => {
  cloudformation.reset();
  cloudwatch.reset();
  cloudformation.on(DescribeStacksCommand, { StackName: stack }).resolves({
    Stacks: [{ StackName: stack, CreationTime: now, StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'Freshness', OutputValue: JSON.stringify(freshness) }] }],
  });
  cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'lake-prod-FreshnessordersdbA1', StateValue: 'OK' },
      { AlarmName: 'lake-prod-FreshnessbillingB2', StateValue: 'ALARM' },
    ],
  });
  // Hourly sums, newest first, as GetMetricData returns them with ScanBy TimestampDescending.
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'db0', Label: 'ExportsCatalogued', StatusCode: 'Complete', Timestamps: [new Date('2026-11-22T04:00:00Z'), new Date('2026-11-21T04:00:00Z')], Values: [1, 1] },
      { Id: 'db1', Label: 'ExportsCatalogued', StatusCode: 'Complete', Timestamps: [], Values: [] },
    ],
  });
});

describe('snaplake-status', () => {
  test('prints the freshness table from the stack output, the alarm states and the newest catalogued hour; exits 1 on a stale database', async () => {
    const { code, out, err } = await status();
    expect(out).toEqual([
      'database   newest export  age (h)  max age (h)  alarm',
      '---------  -------------  -------  -----------  -----',
      'orders-db  2026-11-22 04  8        27           OK',
      'billing    none in 7 d    -        75           ALARM',
    ]);
    expect(err).toEqual(['stale: billing']);
    expect(code).toBe(1);
  });

  test('asks CloudWatch for the metric named in the output: hourly sums over 7 days, per database', async () => {
    await status();
    const request = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(request.StartTime).toEqual(new Date('2026-11-15T12:30:00Z'));
    expect(request.MetricDataQueries).toEqual([
      { Id: 'db0', MetricStat: { Metric: { Namespace: 'snaplake/prod/exports', MetricName: 'ExportsCatalogued', Dimensions: [{ Name: 'Database', Value: 'orders-db' }] }, Period: 3600, Stat: 'Sum' } },
      { Id: 'db1', MetricStat: { Metric: { Namespace: 'snaplake/prod/exports', MetricName: 'ExportsCatalogued', Dimensions: [{ Name: 'Database', Value: 'billing' }] }, Period: 3600, Stat: 'Sum' } },
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input.AlarmNames).toEqual(['lake-prod-FreshnessordersdbA1', 'lake-prod-FreshnessbillingB2']);
  });

  test('every database fresh: exit 0; metric pages are followed', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: freshness.databases.map((d) => ({ AlarmName: d.alarmName, StateValue: 'OK' })) });
    cloudwatch.on(GetMetricDataCommand, { NextToken: undefined }).resolves({
      MetricDataResults: [{ Id: 'db0', Timestamps: [new Date('2026-11-22T04:00:00Z')], Values: [1] }], NextToken: 'page2',
    });
    cloudwatch.on(GetMetricDataCommand, { NextToken: 'page2' }).resolves({ MetricDataResults: [{ Id: 'db1', Timestamps: [new Date('2026-11-21T10:00:00Z')], Values: [1] }] });
    const { code, out } = await status();
    expect(out[3]).toBe('billing    2026-11-21 10  26       75           OK');
    expect(code).toBe(0);
  });

  test('a database older than its window is stale even before its alarm fires', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: freshness.databases.map((d) => ({ AlarmName: d.alarmName, StateValue: 'OK' })) });
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'db0', Timestamps: [new Date('2026-11-21T04:00:00Z')], Values: [1] },
        { Id: 'db1', Timestamps: [new Date('2026-11-22T01:00:00Z')], Values: [1] },
      ],
    });
    const { code, err } = await status();
    expect(err).toEqual(['stale: orders-db']);
    expect(code).toBe(1);
  });

  test('a stack that does not exist, or has no Freshness output, is a clear error', async () => {
    cloudformation.on(DescribeStacksCommand, { StackName: 'nope' }).rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
    expect(await status(['--stack', 'nope'])).toMatchObject({ code: 1, err: [expect.stringMatching(/stack nope was not found in this account and region/)] });
    cloudformation.on(DescribeStacksCommand, { StackName: 'other' }).resolves({ Stacks: [{ StackName: 'other', CreationTime: now, StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    expect(await status(['--stack', 'other'])).toMatchObject({ code: 1, err: [expect.stringMatching(/has no Freshness output/)] });
  });

  test('an AWS error (access denied) is reported by name, without a stack trace', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('not authorized to perform cloudwatch:DescribeAlarms'), { name: 'AccessDenied' }));
    expect(await status()).toMatchObject({ code: 1, err: ['snaplake-status: AccessDenied: not authorized to perform cloudwatch:DescribeAlarms'] });
  });

  test('usage: --stack is required, unknown flags are refused, --region picks the clients\' region', async () => {
    expect(await status([])).toMatchObject({ code: 2, err: [expect.stringMatching(/--stack is required/)] });
    expect(await status(['--stage', 'prod'])).toMatchObject({ code: 2, err: [expect.stringMatching(/unexpected argument '--stage'/)] });
    expect((await status(['--stack', stack, '--region', 'eu-central-1'])).regions).toEqual(['eu-central-1']);
    expect(await status(['--help'])).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: snaplake-status/)] });
  });
});

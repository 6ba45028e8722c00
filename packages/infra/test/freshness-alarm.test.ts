import { DEFAULT_EXPORT_PRICE } from '@snaplake/core';
import { reportExport } from '@snaplake/functions';
import { alarmState, Datapoint, SynthesizedAlarm } from './alarm-model';
import { synthesized } from './synthesized';

// The freshness alarm as synthesized (fixture `two-databases`), fed with the metric report-export emits.
const template = synthesized('two-databases').template('Prod/ExportPipeline');
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r: any) => r.Properties as SynthesizedAlarm & { AlarmDescription: string });
const freshness = (db: string) => alarms.find((a) => a.MetricName === 'ExportsCatalogued' && a.Dimensions.some((d) => d.Value === db))!;

const HOUR = 3_600_000;
/** The datapoints CloudWatch makes of the EMF records report-export writes when each export is catalogued. */
function catalogued(db: string, times: readonly number[]): Datapoint[] {
  const lines: string[] = [];
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  for (const time of times) {
    reportExport({
      outcome: 'completed',
      snapshot: { databaseIdentifier: db },
      catalog: { tables: ['t'] },
      export: { totalExtractedDataInGB: 3, taskStartTime: new Date(time - HOUR).toISOString(), taskEndTime: new Date(time).toISOString() },
    }, { namespace: 'snaplake/prod/exports', price: DEFAULT_EXPORT_PRICE, now: () => new Date(time), emit: (l) => lines.push(l) });
  }
  const alarm = freshness(db);
  return lines.map((line) => JSON.parse(line)).map((record) => {
    // The record is the alarm's metric: same namespace, name and dimension values.
    const [set] = record._aws.CloudWatchMetrics;
    expect(set.Namespace).toBe(alarm.Namespace);
    expect(set.Metrics.map((m: { Name: string }) => m.Name)).toContain(alarm.MetricName);
    for (const { Name, Value } of alarm.Dimensions) expect(record[Name]).toBe(Value);
    return { time: record._aws.Timestamp, value: record[alarm.MetricName] };
  });
}

function statesHourly(alarm: SynthesizedAlarm, points: Datapoint[], from: number, to: number): { at: number; state: string }[] {
  const states = [];
  for (let at = from; at <= to; at += HOUR) states.push({ at, state: alarmState(alarm, points, at) });
  return states;
}

const day = (d: number, hour: number, minute = 0) => Date.UTC(2026, 10, d, hour, minute);

describe('freshness alarm', () => {
  test('it watches the hourly count of catalogued exports over the default window, a day plus 3 h, missing data breaching', () => {
    expect(freshness('orders-db')).toMatchObject({
      Namespace: 'snaplake/prod/exports',
      Period: 3600,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 27,
      DatapointsToAlarm: 27,
      TreatMissingData: 'breaching',
    });
    // Scheduled daily at 04:00: the same 24 h plus 3.
    expect(freshness('billing')).toMatchObject({ EvaluationPeriods: 27, DatapointsToAlarm: 27 });
  });

  test('a database exported every day stays OK, even when an export ends two hours late', () => {
    const alarm = freshness('orders-db');
    const points = catalogued('orders-db', [day(10, 4, 40), day(11, 4, 40), day(12, 6, 40), day(13, 4, 40), day(14, 4, 40)]);
    expect(statesHourly(alarm, points, day(10, 5), day(15, 7)).filter((s) => s.state !== 'OK')).toEqual([]);
  });

  test('a stopped database makes its alarm fire once its newest export is older than maxExportAgeHours', () => {
    const alarm = freshness('orders-db');
    const lastExport = day(14, 4, 40);
    const points = catalogued('orders-db', [day(12, 4, 40), day(13, 4, 40), lastExport]);
    const firstAlarm = statesHourly(alarm, points, day(14, 5), day(17, 0)).find((s) => s.state === 'ALARM');
    expect(firstAlarm).toBeDefined();
    // Hourly periods: it fires within the hour after the newest export turns 27 h old.
    expect(firstAlarm!.at - lastExport).toBeGreaterThanOrEqual(27 * HOUR);
    expect(firstAlarm!.at - lastExport).toBeLessThan(28 * HOUR);
  });

  test('a database that never exported alarms: no data at all is breaching', () => {
    expect(alarmState(freshness('billing'), [], day(20, 12))).toBe('ALARM');
  });

  test('every alarm stays within what PutMetricAlarm accepts: at most 7 days evaluated, 1 day below hourly periods', () => {
    for (const alarm of alarms) {
      const seconds = alarm.Period * alarm.EvaluationPeriods;
      const limit = alarm.Period >= 3600 ? 604_800 : 86_400;
      expect({ alarm: alarm.AlarmDescription, seconds, within: seconds <= limit }).toMatchObject({ within: true });
      expect(alarm.DatapointsToAlarm ?? 1).toBeLessThanOrEqual(alarm.EvaluationPeriods);
    }
  });
});

describe('freshness and cost settings from the config (fixture export-scope)', () => {
  const scoped = synthesized('export-scope').template('Dev/ExportPipeline');
  const scopedAlarm = (db: string) => (Object.values(scoped.findResources('AWS::CloudWatch::Alarm')) as any[])
    .map((r) => r.Properties).find((a) => a.MetricName === 'ExportsCatalogued' && a.Dimensions.some((d: { Value: string }) => d.Value === db));

  test('maxExportAgeHours sets the window; a weekday schedule gets the weekend plus 3 h', () => {
    expect(scopedAlarm('orders-db')).toMatchObject({ EvaluationPeriods: 30, DatapointsToAlarm: 30, TreatMissingData: 'breaching' });
    expect(scopedAlarm('billing')).toMatchObject({ EvaluationPeriods: 75, DatapointsToAlarm: 75 });
  });

  test('the freshness alarm notifies the stage topic when it fires and when it recovers', () => {
    expect(scopedAlarm('orders-db')).toMatchObject({ AlarmActions: [expect.anything()], OKActions: [expect.anything()] });
  });

  test('the report function estimates with the stage price and emits to the stage\'s export namespace', () => {
    const functions = Object.values(scoped.findResources('AWS::Lambda::Function')) as any[];
    const report = functions.find((f) => f.Properties.Environment?.Variables?.EXPORT_PRICE !== undefined);
    expect(report.Properties.Environment.Variables).toMatchObject({
      EXPORT_PRICE: JSON.stringify({ usdPerGB: 0.012, asOf: '2026-11-01' }), METRICS_NAMESPACE: 'snaplake/dev/exports',
    });
  });

  test('the Freshness output lists each database, its window and its alarm, for snaplake-status', () => {
    const output = scoped.findOutputs('Freshness').Freshness as any;
    const parts = output.Value['Fn::Join'][1] as unknown[];
    const text = parts.map((p) => (typeof p === 'string' ? p : 'ALARM_NAME')).join('');
    expect(JSON.parse(text)).toEqual({
      namespace: 'snaplake/dev/exports',
      metricName: 'ExportsCatalogued',
      dimension: 'Database',
      databases: [
        { database: 'orders-db', maxExportAgeHours: 30, alarmName: 'ALARM_NAME' },
        { database: 'billing', maxExportAgeHours: 75, alarmName: 'ALARM_NAME' },
      ],
    });
  });
});

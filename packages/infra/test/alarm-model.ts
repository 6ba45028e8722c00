// How CloudWatch evaluates a metric alarm, written from the PutMetricAlarm reference and the
// CloudWatch user guide ("Evaluating an alarm", "Configuring how alarms treat missing data"): the last
// EvaluationPeriods whole periods are aggregated with the alarm's statistic, each compared with the
// threshold (a period with no data counts as TreatMissingData says), and the alarm is in ALARM when at
// least DatapointsToAlarm of them breach. Used to run synthesized alarms against emitted metrics.

export interface SynthesizedAlarm {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: string }[];
  readonly Period: number;
  readonly Statistic: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData?: string;
}

export interface Datapoint {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly value: number;
}

const STATISTICS: Record<string, (values: number[]) => number> = {
  Sum: (v) => v.reduce((a, b) => a + b, 0),
  Maximum: (v) => Math.max(...v),
  Minimum: (v) => Math.min(...v),
  Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  SampleCount: (v) => v.length,
};

const COMPARISONS: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** The alarm's state when evaluated at `at` (epoch ms) over the datapoints. */
export function alarmState(alarm: SynthesizedAlarm, datapoints: readonly Datapoint[], at: number): 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' {
  const period = alarm.Period * 1000;
  const end = Math.floor(at / period) * period;
  const statistic = STATISTICS[alarm.Statistic];
  const compare = COMPARISONS[alarm.ComparisonOperator];
  if (!statistic || !compare) throw new Error(`the model does not know ${alarm.Statistic} / ${alarm.ComparisonOperator}`);
  let breaching = 0;
  let missing = 0;
  for (let i = 0; i < alarm.EvaluationPeriods; i++) {
    const from = end - (i + 1) * period;
    const values = datapoints.filter((p) => p.time >= from && p.time < from + period).map((p) => p.value);
    if (values.length === 0) {
      missing++;
      if (alarm.TreatMissingData === 'breaching') breaching++;
      continue;
    }
    if (compare(statistic(values), alarm.Threshold)) breaching++;
  }
  if (breaching >= (alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods)) return 'ALARM';
  if (missing === alarm.EvaluationPeriods && !['breaching', 'notBreaching'].includes(alarm.TreatMissingData ?? 'missing')) return 'INSUFFICIENT_DATA';
  return 'OK';
}

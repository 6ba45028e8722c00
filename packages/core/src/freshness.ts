import { ConfigError, SnaplakeError } from './errors';

// How old the newest catalogued export of a database may be before its freshness alarm fires.

/** What an export is expected to take, added to the trigger's period in the default. */
export const EXPECTED_EXPORT_HOURS = 3;
/** A database exported on each snapshot is expected to have a new (automated, daily) snapshot every day. */
export const EVERY_SNAPSHOT_PERIOD_HOURS = 24;
/**
 * CloudWatch evaluates an alarm over at most 7 days (PutMetricAlarm: Period x EvaluationPeriods
 * <= 604,800 s for periods of an hour or more), so no freshness alarm can wait longer.
 */
export const MAX_EXPORT_AGE_HOURS = 168;

/**
 * The default `maxExportAgeHours` of a database: its trigger's period (the longest gap between two
 * runs of its schedule, or a day for `every-snapshot`) plus {@link EXPECTED_EXPORT_HOURS}, at most
 * {@link MAX_EXPORT_AGE_HOURS} (a weekly schedule gets 168 h, which leaves it no margin).
 * @throws ConfigError at `field` when the schedule runs less often than weekly.
 */
export function defaultMaxExportAgeHours(trigger: { trigger: 'every-snapshot' | 'schedule'; schedule?: string }, field: string): number {
  const period = trigger.trigger === 'schedule' ? schedulePeriodHours(trigger.schedule ?? '') : EVERY_SNAPSHOT_PERIOD_HOURS;
  if (period > MAX_EXPORT_AGE_HOURS) {
    throw new ConfigError(field, `the schedule leaves ${Number.isFinite(period) ? `up to ${Math.round(period)} h` : 'more than a week'} between exports, more than the ${MAX_EXPORT_AGE_HOURS} h a CloudWatch alarm can watch; schedule the export at least weekly`);
  }
  return Math.min(Math.ceil(period + EXPECTED_EXPORT_HOURS), MAX_EXPORT_AGE_HOURS);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** Eight weeks from a Monday: long enough to see every gap of a schedule that runs at least weekly. */
const WINDOW_START = Date.UTC(2026, 0, 5);
const WINDOW_DAYS = 56;

/**
 * The longest gap, in hours, between two runs of an EventBridge cron expression
 * (`cron(minutes hours day-of-month month day-of-week year)`), seen over eight weeks. Schedules that
 * run less often than that (monthly) and `L`, `W`, `#` fields count as longer than an alarm can watch.
 * @throws SnaplakeError when the expression is not a cron expression.
 */
export function schedulePeriodHours(expression: string): number {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = match?.[1]!.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new SnaplakeError(`schedule ${JSON.stringify(expression)} is not cron(minutes hours day-of-month month day-of-week year)`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ([dayOfMonth, dayOfWeek].some((f) => /[LW#]/.test(f)) || year !== '*') return Number.POSITIVE_INFINITY;
  const minutes = values(minute, 0, 59, []);
  const hours = values(hour, 0, 23, []);
  const days = values(dayOfMonth, 1, 31, []);
  const months = values(month, 1, 12, MONTHS);
  const weekdays = values(dayOfWeek, 1, 7, DAYS);
  const runs: number[] = [];
  for (let d = 0; d < WINDOW_DAYS; d++) {
    const day = new Date(WINDOW_START + d * 86_400_000);
    if (!days.has(day.getUTCDate()) || !months.has(day.getUTCMonth() + 1) || !weekdays.has(day.getUTCDay() + 1)) continue;
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const m of [...minutes].sort((a, b) => a - b)) runs.push(day.getTime() + (h * 60 + m) * 60_000);
    }
  }
  if (runs.length < 2) return Number.POSITIVE_INFINITY;
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
  return longest / 3_600_000;
}

/** The values a cron field allows: `*`, `?`, `5`, `1-5`, `*\/15`, `10-40/10`, `MON-FRI`, lists of these. */
function values(field: string, min: number, max: number, names: readonly string[]): Set<number> {
  const result = new Set<number>();
  const number = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    const value = named !== -1 ? named + min : Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new SnaplakeError(`cron field ${JSON.stringify(field)}: ${JSON.stringify(text)} is not from ${min} to ${max}`);
    return value;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new SnaplakeError(`cron field ${JSON.stringify(field)}: step ${JSON.stringify(stepText)} is not a whole number`);
    let [from, to] = [min, max];
    if (range !== '*' && range !== '?') {
      const [a, b] = range.split('-') as [string, string | undefined];
      from = number(a);
      to = b === undefined ? (stepText === undefined ? from : max) : number(b);
    }
    for (let v = from; v <= to; v += step) result.add(v);
  }
  return result;
}

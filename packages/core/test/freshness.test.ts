import { ConfigError, defaultMaxExportAgeHours, MAX_EXPORT_AGE_HOURS, schedulePeriodHours, SnaplakeError } from '../src';

describe('default maxExportAgeHours', () => {
  test('every-snapshot: a day of daily automated snapshots plus the export\'s expected 3 hours', () => {
    expect(defaultMaxExportAgeHours({ trigger: 'every-snapshot' }, 'f')).toBe(27);
  });

  test('a daily schedule: 24 h plus 3; every 6 hours: 6 plus 3', () => {
    expect(defaultMaxExportAgeHours({ trigger: 'schedule', schedule: 'cron(0 4 * * ? *)' }, 'f')).toBe(27);
    expect(defaultMaxExportAgeHours({ trigger: 'schedule', schedule: 'cron(30 */6 * * ? *)' }, 'f')).toBe(9);
  });

  test('weekdays only: the weekend leaves 72 h between Friday and Monday', () => {
    expect(schedulePeriodHours('cron(0 4 ? * MON-FRI *)')).toBe(72);
    expect(defaultMaxExportAgeHours({ trigger: 'schedule', schedule: 'cron(0 4 ? * 2-6 *)' }, 'f')).toBe(75);
  });

  test('weekly: 168 h, the longest an alarm can watch (so no margin is added)', () => {
    expect(schedulePeriodHours('cron(0 4 ? * SUN *)')).toBe(168);
    expect(defaultMaxExportAgeHours({ trigger: 'schedule', schedule: 'cron(0 4 ? * 1 *)' }, 'f')).toBe(MAX_EXPORT_AGE_HOURS);
  });

  test('monthly, or L/W/# fields: longer than an alarm can watch, a ConfigError naming the field', () => {
    for (const schedule of ['cron(0 4 1 * ? *)', 'cron(0 4 L * ? *)', 'cron(0 4 ? * 2#1 *)']) {
      let caught: unknown;
      try {
        defaultMaxExportAgeHours({ trigger: 'schedule', schedule }, 'stages[0].databases[0].maxExportAgeHours');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe('stages[0].databases[0].maxExportAgeHours');
      expect((caught as Error).message).toMatch(/at least weekly/);
    }
  });

  test('lists and ranges of hours: the longest gap counts', () => {
    expect(schedulePeriodHours('cron(0 2,14 * * ? *)')).toBe(12);
    expect(schedulePeriodHours('cron(0 1,5 * * ? *)')).toBe(20);
    expect(schedulePeriodHours('cron(0/15 * * * ? *)')).toBe(0.25);
  });

  test('not a cron expression, or a value out of range: a SnaplakeError, never a TypeError', () => {
    expect(() => schedulePeriodHours('rate(1 day)')).toThrow(SnaplakeError);
    expect(() => schedulePeriodHours('cron(0 25 * * ? *)')).toThrow(/not from 0 to 23/);
    expect(() => schedulePeriodHours('cron(0 4 * * ?)')).toThrow(SnaplakeError);
  });
});

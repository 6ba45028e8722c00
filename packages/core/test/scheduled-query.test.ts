import fc from 'fast-check';
import {
  countPlaceholders, executionParameters, parseQueryFile, pollDelaySeconds, QueryDefinitionError, queryRequestToken, queryResultsPrefix, runDate,
} from '../src';

const file = (header: string, sql = "SELECT count(*) FROM orders WHERE order_date = ? AND status <> 'a?b'") => `${header}\n${sql}\n`;
const header = [
  '-- name: daily_orders',
  '-- schedule: cron(0 6 * * ? *)',
  '-- timezone: Europe/Paris',
  '-- database: snaplake_prod_orders_db_shop',
  '-- parameters: run_date',
].join('\n');

describe('parseQueryFile', () => {
  test('reads the header and the SQL, with defaults', () => {
    expect(parseQueryFile(file(header), 'daily_orders.sql')).toEqual({
      name: 'daily_orders',
      schedule: 'cron(0 6 * * ? *)',
      timezone: 'Europe/Paris',
      catalog: 'AwsDataCatalog',
      database: 'snaplake_prod_orders_db_shop',
      workgroup: undefined,
      parameters: ['run_date'],
      keepLatest: false,
      stages: undefined,
      sql: "SELECT count(*) FROM orders WHERE order_date = ? AND status <> 'a?b'",
    });
  });

  test('reads the optional fields', () => {
    const definition = parseQueryFile(file(`${header}\n-- catalog: orders_live\n-- workgroup: analysts\n-- latest: true\n-- stages: staging, prod`), 'q.sql');
    expect(definition).toMatchObject({ catalog: 'orders_live', workgroup: 'analysts', keepLatest: true, stages: ['staging', 'prod'] });
  });

  test.each([
    [header.replace('-- name: daily_orders\n', ''), undefined, 'q.sql: name: is required in the header'],
    [header.replace('daily_orders', 'Daily Orders'), undefined, "q.sql: name: 'Daily Orders' must be lowercase"],
    [header.replace('cron(0 6 * * ? *)', 'every morning'), undefined, "q.sql: schedule: 'every morning' is not a schedule"],
    [header.replace('Europe/Paris', 'Mars/Olympus'), undefined, "q.sql: timezone: 'Mars/Olympus' is not an IANA time zone"],
    [header.replace('run_date', 'today'), undefined, "q.sql: parameters: 'today' is not a run value"],
    [header, 'SELECT 1', 'q.sql: parameters: the SQL has 0 ? placeholder(s) but the header lists 1 parameter(s)'],
    [header, 'SELECT ?; DROP TABLE orders', 'q.sql: sql: holds more than one statement'],
    [`${header}\n-- owner: me`, undefined, "q.sql: unknown header field 'owner'"],
    [`${header}\n-- name: again`, undefined, "q.sql: header field 'name' is given twice"],
    [header, '', 'q.sql: sql: the file has no SQL after its header'],
  ])('a wrong file fails naming the file and the field (%#)', (head, sql, message) => {
    const text = sql === undefined ? file(head) : `${head}\n${sql}`;
    expect(() => parseQueryFile(text, 'q.sql')).toThrow(QueryDefinitionError);
    expect(() => parseQueryFile(text, 'q.sql')).toThrow(message);
  });
});

describe('run values', () => {
  test('placeholders inside literals, quoted names and comments do not count', () => {
    expect(countPlaceholders('SELECT "a?" FROM t -- where x = ?\nWHERE y = ? /* ? */ AND z = \'it\'\'s ?\'')).toBe(1);
  });

  test('parameters are SQL literals for the run date in the query time zone', () => {
    // 23:30 UTC on the 20th is already the 21st in Paris.
    expect(executionParameters({ parameters: ['run_date', 'previous_date', 'run_month', 'run_time'], timezone: 'Europe/Paris' }, '2026-11-20T23:30:00Z'))
      .toEqual(["DATE '2026-11-21'", "DATE '2026-11-20'", "'2026-11'", "TIMESTAMP '2026-11-20 23:30:00.000'"]);
    expect(runDate('2026-11-20T23:30:00Z', 'UTC')).toBe('2026-11-20');
  });

  test('results land under <query name>/<run date>/', () => {
    expect(queryResultsPrefix('daily_orders', '2026-11-21T05:00:00Z', 'Europe/Paris')).toBe('daily_orders/2026-11-21/');
  });

  test('the request token is the same for the same run and differs per run and per attempt', () => {
    const token = queryRequestToken('daily_orders', '2026-11-21T05:00:00Z');
    expect(token).toBe(queryRequestToken('daily_orders', '2026-11-21T05:00:00.000Z'));
    expect(token).not.toBe(queryRequestToken('daily_orders', '2026-11-22T05:00:00Z'));
    expect(token).not.toBe(queryRequestToken('daily_orders', '2026-11-21T05:00:00Z', 2));
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 63 }), fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }), (name, date) => {
      const t = queryRequestToken(name, date.toISOString());
      return t.length >= 32 && t.length <= 128;
    }), { numRuns: 500 });
  });

  test('a bad scheduled time is a clear error', () => {
    expect(() => runDate('soon', 'UTC')).toThrow('scheduled time "soon" is not a date and time');
  });

  test('polling backs off 1, 1, 2, 3, 5, 8 ... up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => pollDelaySeconds(n))).toEqual([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 55]);
    expect(pollDelaySeconds(100, 30)).toBe(30);
    expect(() => pollDelaySeconds(0)).toThrow('check must be a whole number >= 1');
  });

  test('the wait is never more than a tenth of the time already waited (at least 1 s)', () => {
    expect(pollDelaySeconds(10, 55, 30)).toBe(3);
    expect(pollDelaySeconds(10, 55, 5)).toBe(1);
    expect(pollDelaySeconds(3, 55, 600)).toBe(2);
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100_000 }), (check, elapsed) => {
      const delay = pollDelaySeconds(check, 55, elapsed);
      return Number.isInteger(delay) && delay >= 1 && delay <= Math.max(1, elapsed / 10) && delay <= 55;
    }), { numRuns: 1000 });
  });
});

import { createHash } from 'node:crypto';
import { catalogName } from './catalog';
import type { StageConfig } from './config/schema';
import { SnaplakeError } from './errors';

/** A query file's header or SQL is wrong; the message names the file and the field. */
export class QueryDefinitionError extends SnaplakeError {}

/** Values computed per run for `?` placeholders, in the order the header lists them. */
export const RUN_PARAMETERS = ['run_date', 'run_time', 'previous_date', 'run_month'] as const;
export type RunParameter = typeof RUN_PARAMETERS[number];

/** A scheduled query, read from a SQL file whose header comments say how to run it. */
export interface QueryDefinition {
  /** Lowercase letters, digits, `_` and `-`; names the schedule and the results folder. */
  readonly name: string;
  /** EventBridge Scheduler cron expression, such as `cron(0 6 * * ? *)`. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default 'UTC' */
  readonly timezone: string;
  /** Athena catalog. @default 'AwsDataCatalog' */
  readonly catalog: string;
  /** Database the query runs in. */
  readonly database: string;
  /** Workgroup. @default - the stage's scheduled-query workgroup */
  readonly workgroup?: string;
  /** Run values bound to the `?` placeholders, in order. */
  readonly parameters: readonly RunParameter[];
  /** Also copy the result to `<name>/latest.csv`. @default false */
  readonly keepLatest: boolean;
  /** Stages the query runs in. @default - every stage */
  readonly stages?: readonly string[];
  readonly sql: string;
}

const HEADER_LINE = /^--\s*([a-z_]+)\s*:\s*(.*?)\s*$/;
const KNOWN_FIELDS = ['name', 'schedule', 'timezone', 'catalog', 'database', 'workgroup', 'parameters', 'latest', 'stages', 'description'];
const QUERY_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const CRON = /^cron\(\S+( \S+){5}\)$|^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/;
const TIMEZONE = /^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/;
// `{project}` and `{stage}` may stand in names; the app fills them in per stage.
const IDENTIFIER = /^[A-Za-z0-9_:{}-]{1,255}$/;

/**
 * Reads a query file: `-- field: value` comment lines at the top, then the SQL.
 *
 * ```sql
 * -- name: daily_orders
 * -- schedule: cron(0 6 * * ? *)
 * -- timezone: Europe/Paris
 * -- database: snaplake_prod_orders_db_shop
 * -- parameters: run_date
 * SELECT count(*) FROM orders WHERE order_date = ?
 * ```
 * @throws QueryDefinitionError naming the file and the field.
 */
export function parseQueryFile(text: string, fileName: string): QueryDefinition {
  if (typeof text !== 'string') throw new QueryDefinitionError(`${fileName}: not text`);
  const lines = text.split(/\r?\n/);
  const fields: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const match = HEADER_LINE.exec(line);
    if (!match) break;
    const [, key, value] = match as unknown as [string, string, string];
    if (!KNOWN_FIELDS.includes(key)) throw new QueryDefinitionError(`${fileName}: unknown header field '${key}' (known: ${KNOWN_FIELDS.join(', ')})`);
    if (key in fields) throw new QueryDefinitionError(`${fileName}: header field '${key}' is given twice`);
    fields[key] = value;
  }
  const sql = lines.slice(i).join('\n').trim().replace(/;\s*$/, '');
  const fail = (field: string, problem: string): never => {
    throw new QueryDefinitionError(`${fileName}: ${field}: ${problem}`);
  };
  const required = (field: string) => fields[field] || fail(field, 'is required in the header (-- ' + field + ': ...)');
  const name = required('name');
  if (!QUERY_NAME.test(name)) fail('name', `'${name}' must be lowercase letters, digits, _ and -, starting with a letter`);
  const schedule = required('schedule');
  if (!CRON.test(schedule)) fail('schedule', `'${schedule}' is not a schedule such as cron(0 6 * * ? *) or rate(1 hour)`);
  const timezone = fields.timezone || 'UTC';
  if (!TIMEZONE.test(timezone) || !isKnownTimezone(timezone)) fail('timezone', `'${timezone}' is not an IANA time zone such as Europe/Paris`);
  const database = required('database');
  if (!IDENTIFIER.test(database)) fail('database', `'${database}' is not a database name`);
  const catalog = fields.catalog || 'AwsDataCatalog';
  if (!IDENTIFIER.test(catalog)) fail('catalog', `'${catalog}' is not a catalog name`);
  const workgroup = fields.workgroup || undefined;
  if (workgroup !== undefined && !/^[A-Za-z0-9._{}-]{1,128}$/.test(workgroup)) fail('workgroup', `'${workgroup}' is not a workgroup name`);
  const parameters = splitList(fields.parameters).map((p) => {
    if (!(RUN_PARAMETERS as readonly string[]).includes(p)) fail('parameters', `'${p}' is not a run value (known: ${RUN_PARAMETERS.join(', ')})`);
    return p as RunParameter;
  });
  const latest = fields.latest ?? 'false';
  if (latest !== 'true' && latest !== 'false') fail('latest', `must be true or false, got '${latest}'`);
  if (sql === '') fail('sql', 'the file has no SQL after its header');
  if (/;\s*\S/.test(stripLiteralsAndComments(sql))) fail('sql', 'holds more than one statement; Athena runs one per query');
  const placeholders = countPlaceholders(sql);
  if (placeholders !== parameters.length) {
    fail('parameters', `the SQL has ${placeholders} ? placeholder(s) but the header lists ${parameters.length} parameter(s)`);
  }
  const stages = fields.stages === undefined ? undefined : splitList(fields.stages);
  return { name, schedule, timezone, catalog, database, workgroup, parameters, keepLatest: latest === 'true', stages, sql };
}

/**
 * Why a query (its header already filled in for the stage) cannot run in the stage, or undefined
 * when it can. A query of the lake (`AwsDataCatalog`) must name a database of one of the stage's
 * exports: `<project>_<stage>_<identifier>` (crawler) or `<project>_<stage>_<identifier>_<source database>`
 * (metadata); any other catalog must be one of the stage's federated connectors.
 */
export function queryTargetProblem(
  query: Pick<QueryDefinition, 'catalog' | 'database'>,
  stage: Pick<StageConfig, 'name' | 'databases' | 'federatedQueries'>,
  project: string,
): string | undefined {
  if (query.catalog === 'AwsDataCatalog') {
    const prefixes = stage.databases.map((db) => catalogName(project, stage.name, db.identifier));
    if (prefixes.some((prefix) => query.database === prefix || query.database.startsWith(`${prefix}_`))) return undefined;
    const expectedNames = prefixes.map((prefix) => `${prefix}_<database>`).join(', ') || 'none: the stage exports no database';
    return `database: '${query.database}' is not exported in stage '${stage.name}' (its databases: ${expectedNames})`;
  }
  const catalogs = stage.federatedQueries.map((fq) => (fq.engine === 'mysql' ? `lambda:${fq.functionName}` : fq.catalogName ?? fq.functionName.replace(/-/g, '_')));
  if (catalogs.includes(query.catalog)) return undefined;
  return `catalog: '${query.catalog}' is not a federated query catalog of stage '${stage.name}' (its catalogs: ${catalogs.join(', ') || 'none'})`;
}

function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** The SQL with string literals, quoted identifiers and comments blanked, so `?` and `;` inside them do not count. */
function stripLiteralsAndComments(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

/** The `?` placeholders of the SQL, not counting those inside literals or comments. */
export function countPlaceholders(sql: string): number {
  return (stripLiteralsAndComments(sql).match(/\?/g) ?? []).length;
}

/**
 * The `ExecutionParameters` of a run: each value an Athena SQL literal (dates as
 * `DATE '2026-11-21'`, the run time as `TIMESTAMP '...'`), never concatenated into the SQL.
 * Dates are those of the scheduled time in the query's time zone.
 */
export function executionParameters(definition: Pick<QueryDefinition, 'parameters' | 'timezone'>, scheduledTime: string): string[] {
  const time = parseTime(scheduledTime);
  const day = localDate(time, definition.timezone);
  return definition.parameters.map((parameter) => {
    switch (parameter) {
      case 'run_date': return `DATE '${day}'`;
      case 'previous_date': return `DATE '${shiftDate(day, -1)}'`;
      case 'run_month': return `'${day.slice(0, 7)}'`;
      case 'run_time': return `TIMESTAMP '${time.toISOString().replace('T', ' ').replace('Z', '')}'`;
    }
  });
}

/** `2026-11-21`: the run's date in the query's time zone; names the results folder. */
export function runDate(scheduledTime: string, timezone: string): string {
  return localDate(parseTime(scheduledTime), timezone);
}

/**
 * Athena's ClientRequestToken (32-128 characters) for one run: the same query, scheduled time and
 * attempt always give the same token, so a retried invocation never starts a second query.
 */
export function queryRequestToken(name: string, scheduledTime: string, attempt = 1): string {
  const time = parseTime(scheduledTime).toISOString();
  const hash = createHash('sha256').update(`${name}\u0000${time}\u0000${attempt}`).digest('hex');
  return `${name.slice(0, 40)}-${hash.slice(0, 40)}`.padEnd(32, '0');
}

/** `<query name>/<run date>/`: where a run's results land in the results bucket. */
export function queryResultsPrefix(name: string, scheduledTime: string, timezone: string): string {
  return `${name}/${runDate(scheduledTime, timezone)}/`;
}

/**
 * Whole seconds to wait before the next status check: a Fibonacci backoff (1, 1, 2, 3, 5, 8 ... s,
 * as Athena's own federation SDK polls), capped at `maxSeconds`, and never more than a tenth of the
 * time already waited, so a query is noticed within max(1 s, 10% of its run time). `check` counts from 1.
 */
export function pollDelaySeconds(check: number, maxSeconds = 55, elapsedSeconds?: number): number {
  if (!Number.isInteger(check) || check < 1) throw new SnaplakeError(`pollDelaySeconds: check must be a whole number >= 1, got ${check}`);
  let [a, b] = [1, 1];
  for (let i = 1; i < check && a < maxSeconds; i++) [a, b] = [b, a + b];
  const tenth = elapsedSeconds === undefined ? Infinity : Math.max(1, Math.floor(elapsedSeconds / 10));
  return Math.min(a, maxSeconds, tenth);
}

function parseTime(value: string): Date {
  const time = new Date(value);
  if (typeof value !== 'string' || Number.isNaN(time.getTime())) throw new SnaplakeError(`scheduled time ${JSON.stringify(value)} is not a date and time`);
  return time;
}

function localDate(time: Date, timezone: string): string {
  try {
    // en-CA formats as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
  } catch {
    throw new SnaplakeError(`time zone ${JSON.stringify(timezone)} is not known`);
  }
}

function shiftDate(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

import { ConfigError } from './errors';
import { SourceEngine } from './type-mapping';
import { describeValue } from './values';

// ExportOnly of StartExportTask: which databases, schemas or tables an export writes. The SDK's model
// (StartExportTaskMessage.ExportOnly, a plain string list) documents the forms and no count or length
// limit, so the limits here are the forms and the engines' own identifier lengths.

/** PostgreSQL: `database`, `database.schema`, `database.schema.table`. MySQL: `database`, `database.table`. */
const MAX_PARTS: Record<SourceEngine, number> = { postgres: 3, mysql: 2 };
const FORMS: Record<SourceEngine, string> = {
  postgres: "'database', 'database.schema' or 'database.schema.table'",
  mysql: "'database' or 'database.table'",
};
/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); MySQL allows 64 characters. */
const MAX_NAME: Record<SourceEngine, { length: number; unit: 'bytes' | 'characters' }> = {
  postgres: { length: 63, unit: 'bytes' },
  mysql: { length: 64, unit: 'characters' },
};

/**
 * Checks a database's `exportOnly` list for its engine and returns it.
 * @throws ConfigError naming `field` (or `field[i]`): not a list, empty, a form the engine does not
 * accept, a name that is empty or too long, a duplicate, or an entry another entry already covers.
 */
export function parseExportOnly(raw: unknown, engine: SourceEngine, field: string): string[] {
  if (!Array.isArray(raw)) throw new ConfigError(field, `expected a list such as ["shop", "shop.public.orders"], got ${describeValue(raw)}`);
  if (raw.length === 0) throw new ConfigError(field, 'must name at least one database, schema or table; leave exportOnly out to export everything');
  const entries = raw.map((entry, i) => parseEntry(entry, engine, `${field}[${i}]`));
  entries.forEach((entry, i) => {
    const earlier = entries.findIndex((other, j) => j !== i && other.toLowerCase() === entry.toLowerCase());
    if (earlier !== -1 && earlier < i) throw new ConfigError(`${field}[${i}]`, `'${entry}' is listed twice (also at ${field}[${earlier}])`);
    const cover = entries.find((other) => other !== entry && covers(other, entry));
    if (cover !== undefined) throw new ConfigError(`${field}[${i}]`, `'${entry}' is already exported by '${cover}'; list one or the other`);
  });
  return entries;
}

function parseEntry(raw: unknown, engine: SourceEngine, field: string): string {
  if (typeof raw !== 'string') throw new ConfigError(field, `expected ${FORMS[engine]}, got ${describeValue(raw)}`);
  const parts = raw.split('.');
  if (parts.length > MAX_PARTS[engine]) {
    throw new ConfigError(field, `'${raw}' has ${parts.length} parts; ${engine} accepts ${FORMS[engine]} (a name containing '.' cannot be exported on its own)`);
  }
  const limit = MAX_NAME[engine];
  for (const part of parts) {
    if (part.trim() === '' || /[\u0000-\u001f]/.test(part)) throw new ConfigError(field, `'${raw}' has an empty or unprintable name; expected ${FORMS[engine]}`);
    const length = limit.unit === 'bytes' ? Buffer.byteLength(part, 'utf8') : [...part].length;
    if (length > limit.length) throw new ConfigError(field, `'${part}' is ${length} ${limit.unit} long; ${engine} names are at most ${limit.length} ${limit.unit}`);
  }
  return raw;
}

/** Whether `outer` (such as `shop`) already includes `inner` (such as `shop.public.orders`). */
function covers(outer: string, inner: string): boolean {
  return inner.toLowerCase().startsWith(`${outer.toLowerCase()}.`);
}

/**
 * Whether an exported table is inside the scope of `exportOnly` (everything when the list is empty
 * or absent). Names compare case-insensitively, so a table RDS exported is never dropped for case.
 */
export function inExportScope(
  table: { database: string; schema: string; table: string }, exportOnly: readonly string[] | undefined, engine: SourceEngine,
): boolean {
  if (!exportOnly || exportOnly.length === 0) return true;
  const path = (engine === 'mysql' ? [table.database, table.table] : [table.database, table.schema, table.table]).join('.').toLowerCase();
  return exportOnly.some((entry) => path === entry.toLowerCase() || path.startsWith(`${entry.toLowerCase()}.`));
}

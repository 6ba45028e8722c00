import { ExportedTable } from './export-metadata';
import { assertMeetsConstraint, IDENTIFIER_CONSTRAINTS, shortHash } from './identifiers';
import { SourceEngine } from './type-mapping';

/**
 * How snaplake names Glue databases and tables after source names (pure, so every tool that reads
 * the lake, such as a local DuckDB, finds the same names):
 *
 * 1. A source name made of ASCII letters, digits and `_` is used lower-cased: `Orders` -> `orders`.
 * 2. Any other name (non-ASCII, spaces, hyphens, dots...) keeps its ASCII letters and digits, every
 *    other run becomes `_`, and `_` plus the first 6 hex characters of the SHA-256 of the exact
 *    name is appended: `注文` -> `t_<hash>`, `order-items` -> `order_items_<hash>`. The hash makes
 *    the name stable and distinct from a table that is really called `order_items`.
 * 3. MySQL tables and PostgreSQL tables of `public` are named after the table; other PostgreSQL
 *    schemas give `<schema>_<table>`.
 * 4. Names that still collide in one database (`"Orders"` and `orders`; `public.sales_orders` and
 *    `sales.orders`) are clashes, found when planning: the table whose source name is exactly the
 *    plain name keeps it (a `public`/MySQL table first); every other table of the clash gets
 *    `_<hash>` of its exact `schema.table`. Each clash is reported.
 * 5. A name starting with a digit gets `t_` in front; names are cut to fit Glue's 255 bytes with
 *    room for `_history`, keeping the hash.
 */

const HASH = 6;
const HISTORY_SUFFIX = '_history';
/** Current tables leave room for `_history`, so both names of a table fit Glue's 255 bytes. */
const MAX_TABLE_NAME = IDENTIFIER_CONSTRAINTS.glueTableName.maxLength - HISTORY_SUFFIX.length;

/** One part of a Glue name from a source name: lower-cased when plain ASCII, otherwise sanitized and hashed (rules 1 and 2). */
export function glueNamePart(sourceName: string): string {
  const lower = sourceName.toLowerCase();
  if (/^[a-z0-9_]+$/.test(lower) && /[a-z0-9]/.test(lower)) return lower;
  const readable = lower.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `${readable === '' ? 't' : readable}_${shortHash(sourceName, HASH)}`;
}

/** Joins parts with `_`, `t_` in front of a leading digit, cut to `maxBytes` keeping the end (where the hash is). */
function joinName(parts: readonly string[], maxBytes: number): string {
  let name = parts.filter((p) => p !== '').join('_');
  if (!/^[a-z_]/.test(name)) name = `t_${name}`;
  if (name.length > maxBytes) {
    // Cut the readable start, keep a hash of the whole name so cut names stay distinct.
    name = `${name.slice(0, maxBytes - HASH - 1).replace(/_+$/, '')}_${shortHash(name, HASH)}`;
  }
  return name;
}

/**
 * The Glue database of one source database of one stage: `<stage prefix>_<db identifier>_<database>`,
 * such as `snaplake_prod_orders_db_shop`.
 */
export function glueDatabaseName(stagePrefix: string, databaseIdentifier: string, sourceDatabase: string): string {
  const fixed = [stagePrefix, databaseIdentifier].map((p) => p.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, ''));
  return assertMeetsConstraint('glueDatabaseName', joinName([...fixed, glueNamePart(sourceDatabase)], IDENTIFIER_CONSTRAINTS.glueDatabaseName.maxLength));
}

/** Whether a table is named after its table only (MySQL, PostgreSQL `public`), not `<schema>_<table>`. */
function unqualified(table: Pick<ExportedTable, 'schema'>, engine: SourceEngine): boolean {
  return engine === 'mysql' || table.schema === 'public';
}

/** The plain name of a table before clashes are resolved (rules 1-3 and 5). */
export function plainGlueTableName(table: Pick<ExportedTable, 'schema' | 'table'>, engine: SourceEngine): string {
  const parts = unqualified(table, engine) ? [glueNamePart(table.table)] : [glueNamePart(table.schema), glueNamePart(table.table)];
  return assertMeetsConstraint('glueTableName', joinName(parts, MAX_TABLE_NAME));
}

export interface GlueTableNames {
  /** Glue table name per source `target` (`database.schema.table`). */
  readonly names: ReadonlyMap<string, string>;
  /** One message per table renamed because of a clash, naming both source tables and the name each got. */
  readonly clashes: readonly string[];
}

/**
 * The distinct Glue table names of the tables of one source database (rule 4): a clash never lets one
 * table overwrite another. Deterministic: the same tables always get the same names.
 */
export function glueTableNames(tables: readonly Pick<ExportedTable, 'target' | 'schema' | 'table'>[], engine: SourceEngine): GlueTableNames {
  const groups = new Map<string, Pick<ExportedTable, 'target' | 'schema' | 'table'>[]>();
  for (const table of tables) {
    const plain = plainGlueTableName(table, engine);
    groups.set(plain, [...groups.get(plain) ?? [], table]);
  }
  const names = new Map<string, string>();
  const clashes: string[] = [];
  for (const [plain, group] of groups) {
    if (group.length === 1) {
      names.set(group[0]!.target, plain);
      continue;
    }
    const exact = (t: Pick<ExportedTable, 'schema' | 'table'>) => (unqualified(t, engine) ? t.table : `${t.schema}_${t.table}`) === plain;
    const owner = group.find((t) => exact(t) && unqualified(t, engine)) ?? group.find(exact);
    for (const table of group) {
      if (table === owner) {
        names.set(table.target, plain);
        continue;
      }
      const name = joinName([plain.slice(0, MAX_TABLE_NAME - HASH - 1), shortHash(`${table.schema}.${table.table}`, HASH)], MAX_TABLE_NAME);
      names.set(table.target, assertMeetsConstraint('glueTableName', name));
      const others = group.filter((t) => t !== table).map((t) => t.target).join(', ');
      clashes.push(`${table.target}: its name ${plain} clashes with ${others}; catalogued as ${name}`);
    }
  }
  return { names, clashes };
}

/** The `<table>_history` table of a current table. */
export function historyTableName(tableName: string): string {
  return `${tableName}${HISTORY_SUFFIX}`;
}

import { ExportedTable } from './export-metadata';
import { SourceEngine } from './type-mapping';

// information_schema type names only one of the engines uses (the export's `originalType`).
const MYSQL_ONLY = /^(int|char|decimal|float|double|varchar|datetime|tinyint|mediumint|tinytext|mediumtext|longtext|tinyblob|mediumblob|longblob|blob|enum|set|year|varbinary)$|^(int|varchar|char|decimal)\(|\bunsigned\b/;
const POSTGRES_ONLY = /^(integer|character varying|character|timestamp with(out)? time zone|time with(out)? time zone|boolean|jsonb|uuid|bytea|numeric|double precision|real|array|user-defined|interval|inet|cidr|money|tsvector)\b/;

/** Why an export looks like one engine's: the evidence found, per engine. */
export interface SourceEngineEvidence {
  readonly mysql: readonly string[];
  readonly postgres: readonly string[];
}

/**
 * The engine an export came from, read from its tables: MySQL exports name tables `database.table`
 * and use MySQL type names (`varchar`, `tinyint`, `... unsigned`); PostgreSQL exports name them
 * `database.schema.table` and use PostgreSQL's (`character varying`, `timestamp without time zone`).
 * @returns the engine, or undefined when the evidence is missing or points both ways (ask the user).
 */
export function sourceEngineOf(tables: readonly ExportedTable[]): { engine: SourceEngine | undefined; evidence: SourceEngineEvidence } {
  const mysql = new Set<string>();
  const postgres = new Set<string>();
  for (const table of tables) {
    if (table.target.split('.').length === 2) mysql.add(`table ${table.target} is named database.table`);
    for (const column of table.columns) {
      const type = column.originalType.trim().toLowerCase();
      if (MYSQL_ONLY.test(type)) mysql.add(`type ${column.originalType}`);
      else if (POSTGRES_ONLY.test(type)) postgres.add(`type ${column.originalType}`);
    }
  }
  const evidence = { mysql: [...mysql], postgres: [...postgres] };
  if (mysql.size > 0 && postgres.size === 0) return { engine: 'mysql', evidence };
  if (postgres.size > 0 && mysql.size === 0) return { engine: 'postgres', evidence };
  return { engine: undefined, evidence };
}

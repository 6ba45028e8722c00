import type { RegisteredCatalog } from './register-catalog';

/**
 * How many names of a list a step hands back to its workflow. Step Functions holds at most 256 KiB of
 * state, and a catalog of 5,000+ tables (a schema per tenant) would not fit: counts are returned, with
 * the first names as a sample (the Glue catalog itself holds every table).
 */
export const NAMES_IN_STEP_RESULT = 50;

/** What the workflow keeps of a registered catalog: counts, and at most {@link NAMES_IN_STEP_RESULT} names per list. */
export interface CatalogSummary {
  readonly databases: string[];
  readonly databaseCount: number;
  readonly tables: string[];
  readonly tableCount: number;
  readonly currentTablesKeptCount: number;
  readonly partitionsAdded: number;
  readonly partitionsDropped: number;
  /** Tables not catalogued, with why (the first ones). */
  readonly skipped: string[];
  readonly skippedCount: number;
  /** Tables catalogued under another name than their plain one (the first ones). */
  readonly renamed: string[];
  readonly renamedCount: number;
}

/** The bounded summary of a registered catalog, whatever the number of tables. */
export function catalogSummary(catalog: RegisteredCatalog): CatalogSummary {
  const first = (names: readonly string[]) => names.slice(0, NAMES_IN_STEP_RESULT);
  return {
    databases: first(catalog.databases),
    databaseCount: catalog.databases.length,
    tables: first(catalog.tables),
    tableCount: catalog.tables.length,
    currentTablesKeptCount: catalog.currentTablesKept.length,
    partitionsAdded: catalog.partitionsAdded,
    partitionsDropped: catalog.partitionsDropped,
    skipped: first(catalog.skipped),
    skippedCount: catalog.skipped.length,
    renamed: first(catalog.renamed),
    renamedCount: catalog.renamed.length,
  };
}

/**
 * How many characters of a message AWS writes (an export's warning or failure cause) a step hands back.
 * The RDS API reference gives no length for them, and RDS's warning names every table it skipped.
 */
export const MESSAGE_CHARS_IN_STEP_RESULT = 2_000;

/** The message, or its first {@link MESSAGE_CHARS_IN_STEP_RESULT} characters and where to read the rest. */
export function boundedMessage(message: string, whereInFull: string): string {
  const characters = Array.from(message);
  if (characters.length <= MESSAGE_CHARS_IN_STEP_RESULT) return message;
  return `${characters.slice(0, MESSAGE_CHARS_IN_STEP_RESULT).join('')}... (${characters.length - MESSAGE_CHARS_IN_STEP_RESULT} more characters: ${whereInFull})`;
}

import { DatabaseConfig, defaultMaxExportAgeHours, ExportPrice, StageConfig } from '@snaplake/core';

// Settings of issue 18 as the stacks read them: exportOnly, maxExportAgeHours and the export price.

/** `exportOnly` per database identifier, for the databases that set it. */
export function exportScopes(databases: readonly DatabaseConfig[]): Record<string, readonly string[]> {
  return Object.fromEntries(databases.filter((db) => db.exportOnly !== undefined).map((db) => [db.identifier, db.exportOnly!]));
}

/** Hours after which a database's newest catalogued export is stale: its setting, or the default from its trigger. */
export function maxExportAgeHours(db: DatabaseConfig): number {
  return db.maxExportAgeHours ?? defaultMaxExportAgeHours(db, `databases[${db.identifier}].maxExportAgeHours`);
}

/** The stage's export price per GB (the dated default when the config gives none). */
export function exportPrice(stage: StageConfig): ExportPrice {
  return stage.exportPricePerGB;
}

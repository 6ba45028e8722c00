import { DatabaseConfig, DEFAULT_EXPORT_PRICE, defaultMaxExportAgeHours, ExportPrice, StageConfig } from '@snaplake/core';

// Settings of issue 18 as the stacks read them: exportOnly, maxExportAgeHours and the export price.
type WithExportSettings = DatabaseConfig & { readonly exportOnly?: readonly string[]; readonly maxExportAgeHours?: number };

/** `exportOnly` per database identifier, for the databases that set it. */
export function exportScopes(databases: readonly DatabaseConfig[]): Record<string, readonly string[]> {
  return Object.fromEntries((databases as readonly WithExportSettings[])
    .filter((db) => db.exportOnly !== undefined)
    .map((db) => [db.identifier, db.exportOnly!]));
}

/** Hours after which a database's newest catalogued export is stale: its setting, or the default from its trigger. */
export function maxExportAgeHours(db: DatabaseConfig): number {
  return (db as WithExportSettings).maxExportAgeHours ?? defaultMaxExportAgeHours(db, `databases[${db.identifier}].maxExportAgeHours`);
}

/** The stage's export price per GB, or the dated default. */
export function exportPrice(stage: StageConfig): ExportPrice {
  return (stage as StageConfig & { exportPricePerGB?: ExportPrice }).exportPricePerGB ?? DEFAULT_EXPORT_PRICE;
}

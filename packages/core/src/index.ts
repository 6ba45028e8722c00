export * from './errors';
export * from './identifiers';
export * from './glue-names';
// The config's types only: its validator is `@snaplake/core/config`, kept out of the Lambda bundles.
export type {
  CatalogMode, DatabaseConfig, DatabaseEngine, DatabaseKind, DeliveryConfig, DisasterRecoveryConfig, ExportTrigger,
  FederatedQueryConfig, GithubConfig, ImportedVpcConfig, ServerlessV1RestoreConfig, SnaplakeConfig, SnaplakeConfigInput, StageConfig,
} from './config/schema';
export * from './export-id';
export * from './rds-event';
export * from './snapshots';
export * from './export-metadata';
export * from './type-mapping';
export * from './source-engine';
export * from './catalog';
export * from './glue';
export * from './history-partitions';
export * from './scheduled-query';
export * from './disaster-recovery';
export * from './delivery';
export * from './metrics';
export * from './workflow-errors';
export * from './export-scope';
export * from './freshness';
export * from './export-report';
export * from './setting-bounds';

export * from './errors';
export * from './config';
export * from './export-id';
export * from './jdbc';
export * from './rds-event';
export * from './snapshots';
export * from './export-metadata';
export * from './type-mapping';

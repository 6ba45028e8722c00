export * from './errors';
export * from './config';
export * from './export-id';
export * from './jdbc';

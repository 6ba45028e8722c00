export * from './app';
export * from './config';
export * from './function-bundles';
export * from './nag';
export * from './snaplake-function';
export * from './snaplake-stage';
export * from './stacks/data-lake-storage-stack';
export * from './stacks/export-pipeline-stack';

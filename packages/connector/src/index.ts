export * from './athena-rds-connector';

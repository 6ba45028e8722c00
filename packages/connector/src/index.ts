export * from './athena-rds-connector';
export { AthenaRdsConnectorAttributes, AthenaRdsConnectorBase, DEFAULT_SPILL_PREFIX, IAthenaRdsConnector } from './connector-base';
export * from './database-endpoint';
export * from './engine';
export * from './jdbc-connection-string';
export { DEFAULT_CONNECTOR_VERSION, FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY } from './versions';

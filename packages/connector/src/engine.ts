/** The database engine the connector talks to. */
export enum ConnectorEngine {
  POSTGRESQL = 'postgresql',
  MYSQL = 'mysql',
}

/** The port a database of each engine listens on unless told otherwise. */
export const DEFAULT_PORTS: Record<ConnectorEngine, number> = { [ConnectorEngine.POSTGRESQL]: 5432, [ConnectorEngine.MYSQL]: 3306 };

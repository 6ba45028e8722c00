import { Token } from 'aws-cdk-lib/core';
import { ConnectorEngine, DEFAULT_PORTS } from './engine';

export interface JdbcConnectionOptions {
  readonly engine: ConnectorEngine;
  /** Host name of the database endpoint (may be a deploy-time token). */
  readonly host: string;
  /**
   * Port of the database endpoint (may be a deploy-time token).
   * @default 5432 for PostgreSQL, 3306 for MySQL
   */
  readonly port?: number;
  /** Name of the database to connect to inside the server. */
  readonly database: string;
  /** Name of the Secrets Manager secret holding `username` and `password` (may be a deploy-time token). */
  readonly secretName: string;
  /**
   * Encrypt the connection: PostgreSQL verifies the server certificate against the Java trust store
   * (`sslmode=verify-ca`); MySQL requires TLS (`sslMode=REQUIRED`).
   * @default true
   */
  readonly tls?: boolean;
}

const HOST = /^[A-Za-z0-9.\-_]+$/;

/**
 * The `DefaultConnectionString` of the Athena RDS connector, such as
 * `postgres://jdbc:postgresql://host:5432/orders?${orders-readonly}`. The connector replaces
 * `${secret}` with the secret's credentials as JDBC properties, so passwords need no escaping; the
 * database name is percent-encoded here, once.
 * @throws Error naming the option that is not valid.
 */
export function jdbcConnectionString(options: JdbcConnectionOptions): string {
  const { engine, host, database, secretName } = options;
  const fail = (problem: string): never => {
    throw new Error(`jdbcConnectionString: ${problem}`);
  };
  if (engine !== ConnectorEngine.POSTGRESQL && engine !== ConnectorEngine.MYSQL) {
    fail(`engine must be ConnectorEngine.POSTGRESQL or ConnectorEngine.MYSQL, got ${JSON.stringify(engine)}`);
  }
  if (typeof host !== 'string' || !(Token.isUnresolved(host) || HOST.test(host))) fail(`host must be a host name, got ${JSON.stringify(host)}`);
  const port = options.port ?? DEFAULT_PORTS[engine];
  const portIsToken = Token.isUnresolved(port);
  if (!portIsToken && !(Number.isInteger(port) && port > 0 && port < 65536)) fail(`port must be 1-65535, got ${JSON.stringify(port)}`);
  if (typeof database !== 'string' || database === '') fail('database name is empty');
  if (typeof secretName !== 'string' || secretName === '' || (!Token.isUnresolved(secretName) && /[{}?&]/.test(secretName))) {
    fail(`secretName must be a secret name without { } ? &, got ${JSON.stringify(secretName)}`);
  }
  // A number token only survives as a string token: `${port}` would print its encoded double.
  const renderedPort = portIsToken ? Token.asString(port) : String(port);
  const encodedDatabase = database.replace(/[%?&#/\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const base = engine === ConnectorEngine.POSTGRESQL
    ? `postgres://jdbc:postgresql://${host}:${renderedPort}/${encodedDatabase}?\${${secretName}}`
    : `mysql://jdbc:mysql://${host}:${renderedPort}/${encodedDatabase}?\${${secretName}}`;
  if (options.tls === false) return base;
  return engine === ConnectorEngine.POSTGRESQL
    ? `${base}&sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory`
    : `${base}&sslMode=REQUIRED`;
}

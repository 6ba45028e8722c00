import { SnaplakeError } from './errors';

export type ConnectorEngine = 'postgresql' | 'mysql';

export interface JdbcConnectionOptions {
  readonly engine: ConnectorEngine;
  /** Database endpoint host name (may be a deploy-time token such as `${Token[...]}`). */
  readonly host: string;
  /** @default 5432 for PostgreSQL, 3306 for MySQL */
  readonly port?: number | string;
  /** Name of the database to connect to. */
  readonly database: string;
  /** Name of the Secrets Manager secret holding `username` and `password`. */
  readonly secretName: string;
  /**
   * Encrypt the connection: PostgreSQL verifies the server certificate against the Java trust store
   * (`sslmode=verify-ca`); MySQL requires TLS (`sslMode=REQUIRED`).
   * @default true
   */
  readonly tls?: boolean;
}

const DEFAULT_PORTS: Record<ConnectorEngine, number> = { postgresql: 5432, mysql: 3306 };
const HOST = /^[A-Za-z0-9.\-_${}[\]]+$/;
// A CDK deploy-time value (such as a secret name resolved by CloudFormation) passes through as it is.
const DEPLOY_TIME_TOKEN = /^\$\{Token\[[^\]]+\]\}$/;

/**
 * The `DefaultConnectionString` of the Athena RDS connector, such as
 * `postgres://jdbc:postgresql://host:5432/orders?${orders-readonly}`. The connector replaces
 * `${secret}` with the secret's credentials as JDBC properties, so passwords need no escaping; the
 * database name is percent-encoded here, once.
 * @throws SnaplakeError naming the option that is not valid.
 */
export function jdbcConnectionString(options: JdbcConnectionOptions): string {
  const { engine, host, database, secretName } = options;
  if (engine !== 'postgresql' && engine !== 'mysql') {
    throw new SnaplakeError(`jdbcConnectionString: engine must be 'postgresql' or 'mysql', got ${JSON.stringify(engine)}`);
  }
  if (typeof host !== 'string' || !HOST.test(host)) {
    throw new SnaplakeError(`jdbcConnectionString: host must be a host name, got ${JSON.stringify(host)}`);
  }
  const port = options.port ?? DEFAULT_PORTS[engine];
  const portIsValid = (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536)
    || (typeof port === 'string' && (DEPLOY_TIME_TOKEN.test(port) || /^\d{1,5}$/.test(port)));
  if (!portIsValid) throw new SnaplakeError(`jdbcConnectionString: port must be 1-65535, got ${JSON.stringify(port)}`);
  if (typeof database !== 'string' || database === '') {
    throw new SnaplakeError('jdbcConnectionString: database name is empty');
  }
  if (typeof secretName !== 'string' || secretName === '' || (/[{}?&]/.test(secretName) && !DEPLOY_TIME_TOKEN.test(secretName))) {
    throw new SnaplakeError(`jdbcConnectionString: secretName must be a secret name without { } ? &, got ${JSON.stringify(secretName)}`);
  }
  const encodedDatabase = database.replace(/[%?&#/\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const tls = options.tls ?? true;
  const base = engine === 'postgresql'
    ? `postgres://jdbc:postgresql://${host}:${port}/${encodedDatabase}?\${${secretName}}`
    : `mysql://jdbc:mysql://${host}:${port}/${encodedDatabase}?\${${secretName}}`;
  if (!tls) return base;
  return engine === 'postgresql'
    ? `${base}&sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory`
    : `${base}&sslMode=REQUIRED`;
}

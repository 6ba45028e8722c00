import { jdbcConnectionString, SnaplakeError } from '../src';

describe('jdbcConnectionString', () => {
  test('PostgreSQL with TLS verifies the server certificate', () => {
    expect(jdbcConnectionString({ engine: 'postgresql', host: 'orders.abc.eu-west-1.rds.amazonaws.com', database: 'orders', secretName: 'orders-readonly' }))
      .toBe('postgres://jdbc:postgresql://orders.abc.eu-west-1.rds.amazonaws.com:5432/orders?${orders-readonly}&sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory');
  });

  test('MySQL uses its own prefix and default port, and requires TLS', () => {
    expect(jdbcConnectionString({ engine: 'mysql', host: 'billing.cluster-abc.eu-west-1.rds.amazonaws.com', database: 'billing', secretName: 'athena/billing' }))
      .toBe('mysql://jdbc:mysql://billing.cluster-abc.eu-west-1.rds.amazonaws.com:3306/billing?${athena/billing}&sslMode=REQUIRED');
  });

  test('without TLS nothing is appended after the secret', () => {
    expect(jdbcConnectionString({ engine: 'postgresql', host: 'db', port: 6432, database: 'app', secretName: 's', tls: false }))
      .toBe('postgres://jdbc:postgresql://db:6432/app?${s}');
  });

  test('a database name with URL characters is encoded once', () => {
    expect(jdbcConnectionString({ engine: 'postgresql', host: 'db', database: 'a b?c&d%', secretName: 's', tls: false }))
      .toBe('postgres://jdbc:postgresql://db:5432/a%20b%3Fc%26d%25?${s}');
  });

  test('deploy-time tokens for host and port pass through unchanged', () => {
    expect(jdbcConnectionString({ engine: 'postgresql', host: '${Token[TOKEN.10]}', port: '${Token[TOKEN.11]}', database: 'app', secretName: 's', tls: false }))
      .toBe('postgres://jdbc:postgresql://${Token[TOKEN.10]}:${Token[TOKEN.11]}/app?${s}');
  });

  test.each([
    [{ engine: 'oracle' }, /engine must be 'postgresql' or 'mysql'/],
    [{ host: 'db/evil?x' }, /host must be a host name/],
    [{ port: 70000 }, /port must be 1-65535/],
    [{ database: '' }, /database name is empty/],
    [{ secretName: '' }, /secretName must be a secret name/],
    [{ secretName: 'a}b' }, /secretName must be a secret name/],
  ])('rejects %p with a message naming the option', (override, message) => {
    const options = { engine: 'postgresql', host: 'db', database: 'app', secretName: 's', ...override };
    expect(() => jdbcConnectionString(options as never)).toThrow(SnaplakeError);
    expect(() => jdbcConnectionString(options as never)).toThrow(message);
  });
});

test('a deploy-time token as the secret name passes through', () => {
  expect(jdbcConnectionString({ engine: 'mysql', host: 'db', database: 'app', secretName: '${Token[Fn::Join.109]}', tls: false }))
    .toBe('mysql://jdbc:mysql://db:3306/app?${${Token[Fn::Join.109]}}');
});

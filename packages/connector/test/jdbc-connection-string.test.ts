import { App, Stack, Token } from 'aws-cdk-lib/core';
import { ConnectorEngine, jdbcConnectionString } from '../src';

describe('jdbcConnectionString', () => {
  test('PostgreSQL with TLS verifies the server certificate', () => {
    expect(jdbcConnectionString({ engine: ConnectorEngine.POSTGRESQL, host: 'orders.abc.eu-west-1.rds.amazonaws.com', database: 'orders', secretName: 'orders-readonly' }))
      .toBe('postgres://jdbc:postgresql://orders.abc.eu-west-1.rds.amazonaws.com:5432/orders?${orders-readonly}&sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory');
  });

  test('MySQL uses its own prefix and default port, and requires TLS', () => {
    expect(jdbcConnectionString({ engine: ConnectorEngine.MYSQL, host: 'billing.cluster-abc.eu-west-1.rds.amazonaws.com', database: 'billing', secretName: 'athena/billing' }))
      .toBe('mysql://jdbc:mysql://billing.cluster-abc.eu-west-1.rds.amazonaws.com:3306/billing?${athena/billing}&sslMode=REQUIRED');
  });

  test('without TLS nothing is appended after the secret', () => {
    expect(jdbcConnectionString({ engine: ConnectorEngine.POSTGRESQL, host: 'db', port: 6432, database: 'app', secretName: 's', tls: false }))
      .toBe('postgres://jdbc:postgresql://db:6432/app?${s}');
  });

  test('a database name with URL characters is encoded once', () => {
    expect(jdbcConnectionString({ engine: ConnectorEngine.POSTGRESQL, host: 'db', database: 'a b?c&d%', secretName: 's', tls: false }))
      .toBe('postgres://jdbc:postgresql://db:5432/a%20b%3Fc%26d%25?${s}');
  });

  test('deploy-time host, port and secret name resolve into the string CloudFormation builds', () => {
    const stack = new Stack(new App(), 'Tokens');
    const host = Token.asString({ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] });
    const port = Token.asNumber({ 'Fn::GetAtt': ['Db', 'Endpoint.Port'] });
    const secretName = Token.asString({ 'Fn::ImportValue': 'secret-name' });
    const text = jdbcConnectionString({ engine: ConnectorEngine.MYSQL, host, port, database: 'app', secretName, tls: false });
    expect(stack.resolve(text)).toEqual({
      'Fn::Join': ['', [
        'mysql://jdbc:mysql://', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, ':', { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] },
        '/app?${', { 'Fn::ImportValue': 'secret-name' }, '}',
      ]],
    });
  });

  test.each([
    [{ engine: 'oracle' }, /engine must be ConnectorEngine.POSTGRESQL or ConnectorEngine.MYSQL/],
    [{ host: 'db/evil?x' }, /host must be a host name/],
    [{ port: 70000 }, /port must be 1-65535/],
    [{ port: 5432.5 }, /port must be 1-65535/],
    [{ database: '' }, /database name is empty/],
    [{ secretName: '' }, /secretName must be a secret name/],
    [{ secretName: 'a}b' }, /secretName must be a secret name/],
  ])('rejects %p with a message naming the option', (override, message) => {
    const options = { engine: ConnectorEngine.POSTGRESQL, host: 'db', database: 'app', secretName: 's', ...override };
    expect(() => jdbcConnectionString(options as never)).toThrow(message);
  });
});

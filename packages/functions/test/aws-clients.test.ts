import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { clientConfig, SDK_MAX_ATTEMPTS, startQuery } from '../src';
import { offline, scriptedHttp } from './scripted-http';
import { ensureDatabase } from '../src/glue-catalog';

// The SDK's own retry strategy, as clientConfig sets it, run for real: a client with a scripted HTTP
// handler instead of the network (aws-sdk-client-mock would replace `send` and skip the retries).

const request = { sql: 'SELECT 1', database: 'db', workgroup: 'wg', clientRequestToken: 'a'.repeat(32) };

beforeEach(() => {
  // Full jitter drawn as 0: the SDK's backoff waits no time, the attempts are what the tests count.
  jest.spyOn(Math, 'random').mockReturnValue(0);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

test('every client is built with the standard retry mode and the shared number of attempts', async () => {
  const client = new GlueClient(clientConfig(offline));
  expect(await client.config.maxAttempts()).toBe(SDK_MAX_ATTEMPTS);
  expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
  expect(clientConfig({ region: 'eu-north-1' })).toMatchObject({ region: 'eu-north-1', maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'standard' });
});

test('a throttled call is retried by the SDK and then succeeds', async () => {
  const http = scriptedHttp((_, attempt) => (attempt < 3 ? { status: 400, errorType: 'TooManyRequestsException' } : { status: 200, body: { QueryExecutionId: 'q1' } }));
  const athena = new AthenaClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(startQuery(athena, request)).resolves.toBe('q1');
  expect(http.requests).toEqual(Array(3).fill('AmazonAthena.StartQueryExecution'));
});

test('throttling that never ends costs one logical call at most maxAttempts requests, then reaches the caller', async () => {
  const http = scriptedHttp(() => ({ status: 400, errorType: 'ThrottlingException' }));
  const athena = new AthenaClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(startQuery(athena, request)).rejects.toMatchObject({ name: 'ThrottlingException' });
  expect(http.requests).toHaveLength(SDK_MAX_ATTEMPTS);
});

test('a Glue 5xx is retried by the SDK alone: no retry of snaplake stacks on it', async () => {
  const http = scriptedHttp(() => ({ status: 500, errorType: 'InternalServiceException' }));
  const glue = new GlueClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(ensureDatabase(glue, 'snaplake_dev_orders', 'orders-db')).rejects.toMatchObject({ name: 'InternalServiceException' });
  expect(http.requests).toEqual(Array(SDK_MAX_ATTEMPTS).fill('AWSGlue.CreateDatabase'));
});

test('an error no retry fixes (access denied) is sent once', async () => {
  const http = scriptedHttp(() => ({ status: 400, errorType: 'AccessDeniedException' }));
  const glue = new GlueClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(ensureDatabase(glue, 'snaplake_dev_orders', 'orders-db')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  expect(http.requests).toHaveLength(1);
});

test('Glue\'s ConcurrentModificationException, which the SDK does not retry, is retried by snaplake alone, a few times', async () => {
  const http = scriptedHttp((_, attempt) => (attempt < 3 ? { status: 400, errorType: 'ConcurrentModificationException' } : { status: 200 }));
  const glue = new GlueClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(ensureDatabase(glue, 'snaplake_dev_orders', 'orders-db')).resolves.toBeUndefined();
  expect(http.requests).toHaveLength(3);

  const always = scriptedHttp(() => ({ status: 400, errorType: 'ConcurrentModificationException' }));
  const busy = new GlueClient(clientConfig({ ...offline, requestHandler: always.handler }));
  await expect(ensureDatabase(busy, 'snaplake_dev_orders', 'orders-db')).rejects.toMatchObject({ name: 'ConcurrentModificationException' });
  expect(always.requests).toHaveLength(5);
});

test('every SDK client in the sources is built with clientConfig', () => {
  const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { join } = jest.requireActual<typeof import('node:path')>('node:path');
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const made = sources(join(__dirname, '..', 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/new (\w+Client)\(([^)]*)/g)]
    .map((m) => `${file.replace(/^.*\/src\//, '')}: new ${m[1]}(${m[2]}`));
  expect(made.length).toBeGreaterThan(15);
  expect(made.filter((call) => !call.includes('(clientConfig('))).toEqual([]);
});

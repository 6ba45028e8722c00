import * as athenaModule from '@aws-sdk/client-athena';
import { AthenaClient } from '@aws-sdk/client-athena';
import * as cloudwatchModule from '@aws-sdk/client-cloudwatch';
import * as glueModule from '@aws-sdk/client-glue';
import { GlueClient } from '@aws-sdk/client-glue';
import * as rdsModule from '@aws-sdk/client-rds';
import * as sfnModule from '@aws-sdk/client-sfn';
import { TRANSIENT_AWS_ERRORS } from '@snaplake/core';
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
  expect(TRANSIENT_AWS_ERRORS).toContain('ThrottlingException'); // the workflow's Retry takes over
});

test('a Glue 5xx is retried by the SDK alone: no retry of snaplake stacks on it', async () => {
  const http = scriptedHttp(() => ({ status: 500, errorType: 'InternalServiceException' }));
  const glue = new GlueClient(clientConfig({ ...offline, requestHandler: http.handler }));
  await expect(ensureDatabase(glue, 'snaplake_dev_orders', 'orders-db')).rejects.toMatchObject({ name: 'InternalServiceException' });
  expect(http.requests).toEqual(Array(SDK_MAX_ATTEMPTS).fill('AWSGlue.CreateDatabase'));
  expect(TRANSIENT_AWS_ERRORS).toContain('InternalServiceException'); // the workflow's Retry takes over
});

test('every server error and throttling error the SDK models for snaplake\'s calls, and S3\'s, is retried by the workflows once the SDK gives up', () => {
  const modeled = [athenaModule, cloudwatchModule, glueModule, rdsModule, sfnModule].flatMap((module) => Object.entries(module))
    .filter(([name, value]) => typeof value === 'function' && /(Exception|Fault)$/.test(name) && !name.endsWith('ServiceException'))
    .map(([, make]) => new (make as new (options: object) => Error & { $fault?: string })({ message: '', $metadata: {} }))
    .filter((error) => error.$fault === 'server' || /Throttl|TooManyRequests/.test(error.name));
  expect(modeled.map((error) => error.name)).toEqual(expect.arrayContaining(['InternalServerException', 'TooManyRequestsException', 'ThrottlingException']));
  // S3 models none: its error codes reference names SlowDown (503, throttling), InternalError (500) and ServiceUnavailable (503).
  const expected = [...new Set([...modeled.map((error) => error.name), 'SlowDown', 'InternalError', 'ServiceUnavailable'])]
    .filter((name) => name !== 'KmsThrottlingException'); // Step Functions' KMS throttling: not one the SDK retries (not in its throttling list)
  expect(expected.filter((name) => !(TRANSIENT_AWS_ERRORS as readonly string[]).includes(name))).toEqual([]);
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

import {
  AlreadyExistsException,
  CrawlerRunningException,
  CreateDatabaseCommand,
  EntityNotFoundException,
  GlueClient,
  StartCrawlerCommand,
  UpdateCrawlerCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { CrawlerBusyError, startCrawler } from '../src';
import { quietLogs } from './quiet-logs';

const glue = mockClient(GlueClient);
const client = new GlueClient({ region: 'eu-west-1' });
const settings = { crawlerName: 'snaplake-dev-exports', bucketName: 'exports', exportPrefix: '', databasePrefix: 'snaplake_dev' };
const input = { exportTaskIdentifier: 'rds-orders-1a2b3c4d', databaseIdentifier: 'orders-db' };

beforeAll(quietLogs);
beforeEach(() => {
  glue.reset();
  glue.on(CreateDatabaseCommand).resolves({});
  glue.on(UpdateCrawlerCommand).resolves({});
  glue.on(StartCrawlerCommand).resolves({});
});

describe('startCrawler', () => {
  test('scopes the crawler to the one export, without its metadata files, and starts it', async () => {
    await expect(startCrawler(client, input, settings)).resolves.toEqual({
      crawlerName: 'snaplake-dev-exports', databaseName: 'snaplake_dev_orders_db', path: 's3://exports/rds-orders-1a2b3c4d/',
    });
    expect(glue.commandCalls(UpdateCrawlerCommand)[0]!.args[0].input).toEqual({
      Name: 'snaplake-dev-exports',
      DatabaseName: 'snaplake_dev_orders_db',
      Targets: { S3Targets: [{ Path: 's3://exports/rds-orders-1a2b3c4d/', Exclusions: ['**/export_info_*.json', '**/export_tables_info_*.json', '**/_*'] }] },
    });
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(1);
  });

  test('an existing database is not an error', async () => {
    glue.on(CreateDatabaseCommand).rejects(new AlreadyExistsException({ message: 'exists', $metadata: {} }));
    await expect(startCrawler(client, input, settings)).resolves.toMatchObject({ databaseName: 'snaplake_dev_orders_db' });
  });

  test('a running crawler is CrawlerBusy, which the workflow retries', async () => {
    glue.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: 'running', $metadata: {} }));
    await expect(startCrawler(client, input, settings)).rejects.toBeInstanceOf(CrawlerBusyError);
    glue.on(UpdateCrawlerCommand).rejects(new CrawlerRunningException({ message: 'running', $metadata: {} }));
    await expect(startCrawler(client, input, settings)).rejects.toMatchObject({ name: 'CrawlerBusy' });
  });

  test('a missing crawler names the deployment problem', async () => {
    glue.on(UpdateCrawlerCommand).rejects(new EntityNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(startCrawler(client, input, settings)).rejects.toMatchObject({ name: 'CrawlerMissing', message: expect.stringContaining("catalog: 'crawler'") });
  });
});

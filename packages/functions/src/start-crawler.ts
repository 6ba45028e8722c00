import { CreateDatabaseCommand, GlueClient, StartCrawlerCommand, UpdateCrawlerCommand } from '@aws-sdk/client-glue';
import { catalogName, WORKFLOW_ERRORS } from '@snaplake/core';
import { awsErrorName, InvalidInputError, WorkflowError } from './errors';
import { exportRootKey } from './export-files';
import { log } from './log';

export interface StartCrawlerInput {
  readonly exportTaskIdentifier: string;
  readonly databaseIdentifier: string;
}

export interface CrawlerSettings {
  readonly crawlerName: string;
  readonly bucketName: string;
  readonly exportPrefix: string;
  readonly databasePrefix: string;
}

/** The stage's crawler is running for another export: the workflow waits and retries. */
export class CrawlerBusyError extends WorkflowError {
  constructor(message: string) {
    super(WORKFLOW_ERRORS.crawlerBusy, message);
  }
}

/**
 * The classic catalog: points the stage's Glue crawler at the one export's prefix and starts it
 * (for stages with `catalog: 'crawler'`). Tables appear when the crawler finishes, minutes later.
 */
export interface StartedCrawler {
  readonly crawlerName: string;
  readonly databaseName: string;
  /** The one export's prefix the crawler reads. */
  readonly path: string;
}

export async function startCrawler(glue: GlueClient, input: StartCrawlerInput, settings: CrawlerSettings): Promise<StartedCrawler> {
  if (typeof input?.exportTaskIdentifier !== 'string' || typeof input.databaseIdentifier !== 'string') {
    throw new InvalidInputError('startCrawler: exportTaskIdentifier and databaseIdentifier are required');
  }
  const databaseName = catalogName(settings.databasePrefix, input.databaseIdentifier);
  const path = `s3://${settings.bucketName}/${exportRootKey(settings.exportPrefix, input.exportTaskIdentifier)}`;
  try {
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: databaseName, Description: `Crawled exports of ${input.databaseIdentifier} (snaplake)` } }));
  } catch (error) {
    if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
  }
  try {
    await glue.send(new UpdateCrawlerCommand({
      Name: settings.crawlerName,
      DatabaseName: databaseName,
      Targets: { S3Targets: [{ Path: path, Exclusions: ['**/export_info_*.json', '**/export_tables_info_*.json', '**/_*'] }] },
    }));
    await glue.send(new StartCrawlerCommand({ Name: settings.crawlerName }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'CrawlerRunningException') throw new CrawlerBusyError(`crawler ${settings.crawlerName} is running; the export ${input.exportTaskIdentifier} waits for it`);
    if (name === 'EntityNotFoundException') throw new WorkflowError(WORKFLOW_ERRORS.crawlerMissing, `crawler ${settings.crawlerName} does not exist: the stage was deployed without catalog: 'crawler'`);
    throw error;
  }
  log.info('crawler started', { crawlerName: settings.crawlerName, databaseName, path });
  return { crawlerName: settings.crawlerName, databaseName, path };
}

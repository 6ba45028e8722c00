import { GlueClient } from '@aws-sdk/client-glue';
import { requiredEnv } from '../env';
import { startCrawler, StartCrawlerInput } from '../start-crawler';

const glue = new GlueClient({});

/** Step Functions task (stages with catalog: 'crawler'): crawl the one export that completed. */
export async function handler(input: StartCrawlerInput) {
  return startCrawler(glue, input, {
    crawlerName: requiredEnv('CRAWLER_NAME'),
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    exportPrefix: process.env.EXPORT_PREFIX ?? '',
    databasePrefix: requiredEnv('GLUE_DATABASE_PREFIX'),
  });
}

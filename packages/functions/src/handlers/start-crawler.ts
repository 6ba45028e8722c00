import { clientConfig } from '../aws-clients';
import { optionalEnv, requiredEnv } from '../env';
import { lazy } from '../lazy';
import type { StartCrawlerInput } from '../start-crawler';

// The crawler code and its Glue client load on the first invocation, not at init: @aws-sdk/client-glue
// alone takes ~100 ms to load (bench/cold-start.mjs reports both init and the first invocation's load).
const ready = lazy(async () => {
  const [{ GlueClient }, { startCrawler }] = await Promise.all([import('@aws-sdk/client-glue'), import('../start-crawler')]);
  return { glue: new GlueClient(clientConfig()), startCrawler };
});

/** Step Functions task (stages with catalog: 'crawler'): crawl the one export that completed. */
export async function handler(input: StartCrawlerInput) {
  const { glue, startCrawler } = await ready();
  return startCrawler(glue, input, {
    crawlerName: requiredEnv('CRAWLER_NAME'),
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    exportPrefix: optionalEnv('EXPORT_PREFIX') ?? '',
    databasePrefix: requiredEnv('GLUE_DATABASE_PREFIX'),
  });
}

import { optionalEnv, requiredEnv } from '../env';
import { integerVariable } from '../environment';
import { lazy } from '../lazy';
import { log } from '../log';
import type { RegisterCatalogInput } from '../register-catalog';
import { catalogSummary, CatalogSummary } from '../step-results';

// The catalog code and its SDK clients load on the first invocation, not at init: @aws-sdk/client-glue
// alone takes ~100 ms to load (bench/cold-start.mjs reports both init and the first invocation's load).
const ready = lazy(async () => {
  const [{ GlueClient }, { S3Client }, { registerCatalog }, { clientConfig }] = await Promise.all([
    import('@aws-sdk/client-glue'), import('@aws-sdk/client-s3'), import('../register-catalog'), import('../aws-clients'),
  ]);
  return { glue: new GlueClient(clientConfig()), s3: new S3Client(clientConfig()), registerCatalog };
});

/** Step Functions task: catalog a COMPLETE export in Glue from its own metadata; the workflow gets a bounded summary. */
export async function handler(input: RegisterCatalogInput): Promise<CatalogSummary> {
  const retentionDays = integerVariable('EXPORT_RETENTION_DAYS');
  const { glue, s3, registerCatalog } = await ready();
  const catalog = await registerCatalog(glue, s3, input, {
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    exportPrefix: optionalEnv('EXPORT_PREFIX') ?? '',
    databasePrefix: requiredEnv('GLUE_DATABASE_PREFIX'),
    retentionDays,
  });
  // A log event holds 256 KB too: counts, and the skipped tables (the ones someone must act on), at most 1,000.
  log.info('catalog registered', { exportTaskIdentifier: input.exportTaskIdentifier, tables: catalog.tables.length, skipped: catalog.skipped.slice(0, 1000) });
  return catalogSummary(catalog);
}

import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { requiredEnv } from '../env';
import { InvalidInputError } from '../errors';
import { registerCatalog, RegisterCatalogInput, RegisteredCatalog } from '../register-catalog';

const glue = new GlueClient({});
const s3 = new S3Client({});

/** Step Functions task: catalog a COMPLETE export in Glue from its own metadata. */
export async function handler(input: RegisterCatalogInput): Promise<RegisteredCatalog> {
  const retentionDays = Number(requiredEnv('EXPORT_RETENTION_DAYS'));
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new InvalidInputError(`EXPORT_RETENTION_DAYS must be a whole number >= 1, got ${process.env.EXPORT_RETENTION_DAYS}`);
  return registerCatalog(glue, s3, input, {
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    exportPrefix: process.env.EXPORT_PREFIX ?? '',
    databasePrefix: requiredEnv('GLUE_DATABASE_PREFIX'),
    retentionDays,
  });
}

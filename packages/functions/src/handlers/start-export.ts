import { RDSClient } from '@aws-sdk/client-rds';
import { requiredEnv } from '../env';
import { startExport, StartExportInput, StartExportResult } from '../start-export';

const rds = new RDSClient({});

/** Step Functions task: start (or join) the export of one snapshot. */
export async function handler(input: StartExportInput): Promise<StartExportResult> {
  return startExport(rds, input, {
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    prefix: process.env.EXPORT_PREFIX || undefined,
    exportRoleArn: requiredEnv('EXPORT_ROLE_ARN'),
    kmsKeyArn: requiredEnv('EXPORT_KMS_KEY_ARN'),
  });
}

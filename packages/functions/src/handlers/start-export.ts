import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { optionalEnv, requiredEnv } from '../env';
import { FoundExport, findExport, startExport, StartExportInput, StartExportResult } from '../start-export';

const rds = new RDSClient(clientConfig());

/** Step Functions task: start (or join) the export of one snapshot; with `find: true`, only look for one. */
export async function handler(input: StartExportInput & { find?: boolean }): Promise<StartExportResult | FoundExport> {
  const destination = {
    bucketName: requiredEnv('EXPORT_BUCKET_NAME'),
    prefix: optionalEnv('EXPORT_PREFIX'),
    exportRoleArn: requiredEnv('EXPORT_ROLE_ARN'),
    kmsKeyArn: requiredEnv('EXPORT_KMS_KEY_ARN'),
  };
  return input?.find === true ? findExport(rds, input, destination) : startExport(rds, input, destination);
}

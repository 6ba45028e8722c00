import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from '../aws-clients';
import { describeExport, ExportStatus } from '../describe-export';

const rds = new RDSClient(clientConfig());

/** Step Functions task: read the state of the export the workflow waits for. */
export async function handler(input: { exportTaskIdentifier: string }): Promise<ExportStatus> {
  return describeExport(rds, input);
}

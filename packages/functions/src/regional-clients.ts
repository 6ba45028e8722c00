import { RDSClient } from '@aws-sdk/client-rds';
import { clientConfig } from './aws-clients';

const clients = new Map<string, RDSClient>();

/** One RDS client per region, made once per container: copies are made and pruned in their destination region. */
export function rdsClientFor(region: string): RDSClient {
  let client = clients.get(region);
  if (!client) {
    client = new RDSClient(clientConfig({ region }));
    clients.set(region, client);
  }
  return client;
}

import { RDSClient } from '@aws-sdk/client-rds';
import { tracer } from '../powertools.js';
import { CLIENT_CONFIG, lazyClient } from './config.js';

/** RDS client of this container, created on first use with the shared retry settings. */
export const rdsClient = lazyClient((config) => new RDSClient(config));

const regionalClients = new Map<string, RDSClient>();

/** An RDS client for `region`, created once per container (the DR region needs its own endpoint). */
export function regionalRdsClient(region: string): RDSClient {
  let client = regionalClients.get(region);
  if (client === undefined) {
    client = tracer.captureAWSv3Client(new RDSClient({ ...CLIENT_CONFIG, region }));
    regionalClients.set(region, client);
  }
  return client;
}

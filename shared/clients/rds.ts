import { RDSClient } from '@aws-sdk/client-rds';
import { lazyClient } from './config.js';

/** RDS client of this container, created on first use with the shared retry settings. */
export const rdsClient = lazyClient((config) => new RDSClient(config));

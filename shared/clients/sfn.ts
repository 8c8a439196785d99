import { SFNClient } from '@aws-sdk/client-sfn';
import { lazyClient } from './config.js';

/** Step Functions client of this container, created on first use with the shared retry settings. */
export const sfnClient = lazyClient((config) => new SFNClient(config));

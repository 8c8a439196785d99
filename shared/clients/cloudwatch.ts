import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { lazyClient } from './config.js';

/** CloudWatch client of this container, created on first use with the shared retry settings. */
export const cloudWatchClient = lazyClient((config) => new CloudWatchClient(config));

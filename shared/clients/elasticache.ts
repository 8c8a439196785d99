import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { lazyClient } from './config.js';

/** ElastiCache client of this container, created on first use with the shared retry settings. */
export const elastiCacheClient = lazyClient((config) => new ElastiCacheClient(config));

/** Runs the cache memory playbook (playbook.ts) in the mode the workflow asks for. */
import { cloudWatchClient } from '../../shared/clients/cloudwatch.js';
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { playbookHandler } from '../../shared/playbooks/playbook.js';
import { cacheMemory, policySchema } from './playbook.js';

export const { handler, createHandler } = playbookHandler(cacheMemory, policySchema, () => ({
  elastiCache: elastiCacheClient,
  cloudWatch: cloudWatchClient,
}));

/**
 * Cleanup task of the snapshot workflows: deletes the snapshot this execution created, and
 * nothing else (see guard.ts). A snapshot that is still being created is left to the sweeper.
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { rdsClient } from '../../shared/clients/rds.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import { settings } from '../../shared/settings.js';
import * as z from '../../shared/zod.js';
import { deleteOwnedSnapshot, type GuardedDeleteResult } from './guard.js';
import { cacheSnapshotStore, rdsSnapshotStore } from './stores.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  service: z.enum(['rds', 'elasticache']),
  snapshotName: z.string().check(z.minLength(1)),
});

export const handler = automationHandler({
  schema: inputSchema,
  handler: async (input): Promise<GuardedDeleteResult> => {
    const store = input.service === 'rds' ? rdsSnapshotStore(rdsClient()) : cacheSnapshotStore(elastiCacheClient());
    return deleteOwnedSnapshot(store, input.snapshotName, input.execution, settings.ENVIRONMENT);
  },
});

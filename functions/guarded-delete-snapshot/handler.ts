/**
 * Cleanup task of the snapshot workflows: deletes the snapshot this execution created, and
 * nothing else (see guard.ts). A snapshot that is still being created is left to the sweeper.
 * The name is checked against the automation's naming rules before any AWS call: a name the
 * automation could not have given is rejected as ValidationError, not looked up.
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { rdsClient } from '../../shared/clients/rds.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import { SnapshotNameError, validateOwnSnapshotName } from '../../shared/snapshot-naming.js';
import * as z from '../../shared/zod.js';
import { deleteOwnedSnapshot, type GuardedDeleteResult } from './guard.js';
import { cacheSnapshotStore, rdsSnapshotStore } from './stores.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  service: z.enum(['rds', 'elasticache']),
  snapshotName: z.string().check(z.minLength(1)),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ rds: rdsClient, elastiCache: elastiCacheClient }),
  handler: async (input, { settings, clients }): Promise<GuardedDeleteResult> => {
    const problems = validateOwnSnapshotName(input.service, input.snapshotName, settings.ENVIRONMENT);
    if (problems.length > 0) throw new SnapshotNameError(input.snapshotName, problems);
    const store = input.service === 'rds' ? rdsSnapshotStore(clients.rds()) : cacheSnapshotStore(clients.elastiCache());
    return deleteOwnedSnapshot(store, input.snapshotName, input.execution, settings.ENVIRONMENT);
  },
});

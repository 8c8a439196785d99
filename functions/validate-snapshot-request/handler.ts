/**
 * First task of the snapshot workflows: validates the request (before any AWS call, so a malformed
 * request mutates nothing) and returns the plan: snapshot name, expiry and tags. The environment
 * the snapshot is tagged with is the function's own; a payload naming another one is rejected.
 */
import { assertSameIdentity } from '../../shared/identity.js';
import { automationHandler } from '../../shared/middleware.js';
import { environmentSchema, executionContextSchema, retentionDaysSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import {
  cacheSnapshotRequestSchema,
  dbSnapshotRequestSchema,
  planCacheSnapshot,
  planDbSnapshot,
  type SnapshotPlan,
} from './request.js';

const common = {
  ...executionContextSchema.shape,
  /** Must match the function's ENVIRONMENT when given (the function's own decides). */
  environment: z.optional(environmentSchema),
  retentionDays: retentionDaysSchema,
};

/** The state machine passes the execution input as `request`, next to its own settings. */
export const inputSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('db'), request: dbSnapshotRequestSchema }),
  z.object({ ...common, kind: z.literal('cache'), request: cacheSnapshotRequestSchema }),
]);

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { settings }): Promise<SnapshotPlan> => {
    assertSameIdentity('environment', input.environment, settings.ENVIRONMENT);
    const context = {
      environment: settings.ENVIRONMENT,
      execution: input.execution,
      startedAt: new Date(input.startedAt),
      retentionDays: input.retentionDays,
    };
    return input.kind === 'db' ? planDbSnapshot(input.request, context) : planCacheSnapshot(input.request, context);
  },
});

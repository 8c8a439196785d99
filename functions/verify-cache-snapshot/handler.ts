/**
 * "Verify snapshot" task of the cache snapshot workflow: fails with VerificationFailedError,
 * naming every failed check, unless the snapshot is complete and from the expected replication group.
 */
import { VerificationFailedError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { type CacheVerification, describeCacheFailures, type RawCacheSnapshot, verifyCacheSnapshot } from './verify.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  snapshotName: z.string().check(z.minLength(1)),
  replicationGroupId: z.string().check(z.minLength(1)),
  snapshot: z.looseObject({}),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input): Promise<CacheVerification> => {
    const verification = verifyCacheSnapshot(input.snapshot as RawCacheSnapshot, {
      snapshotName: input.snapshotName,
      replicationGroupId: input.replicationGroupId,
    });
    if (!verification.passed) {
      throw new VerificationFailedError(
        `Cache snapshot ${input.snapshotName} failed verification: ${describeCacheFailures(verification)}`,
      );
    }
    return verification;
  },
});

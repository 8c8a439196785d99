/**
 * "Verify snapshot" task of the on-demand snapshot workflow: checks the finished snapshot against
 * its source instance and fails with VerificationFailedError, naming every failed check, if any differs.
 */
import { VerificationFailedError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import {
  describeFailures,
  type RawDbInstance,
  type RawDbSnapshot,
  type Verification,
  verifyDbSnapshot,
} from './verify.js';

const tagSchema = z.object({ Key: z.optional(z.string()), Value: z.optional(z.string()) });

/** The Describe results are passed through as the SDK integration returned them. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  snapshotName: z.string().check(z.minLength(1)),
  instanceIdentifier: z.string().check(z.minLength(1)),
  snapshot: z.looseObject({ TagList: z.optional(z.array(tagSchema)) }),
  instance: z.looseObject({}),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input): Promise<Verification> => {
    const verification = verifyDbSnapshot(input.snapshot as RawDbSnapshot, input.instance as RawDbInstance, {
      snapshotName: input.snapshotName,
      instanceIdentifier: input.instanceIdentifier,
      execution: input.execution,
    });
    if (!verification.passed) {
      throw new VerificationFailedError(
        `Snapshot ${input.snapshotName} failed verification: ${describeFailures(verification)}`,
      );
    }
    return verification;
  },
});

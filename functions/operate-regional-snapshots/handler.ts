/**
 * The housekeeping's Lambda-made snapshot calls (see operations.ts): `copy` the planned snapshot
 * into the DR region, `describe` a snapshot (either region) for the guard Choice, `delete` a DR copy
 * the guard allowed, `describe-cache` a cache snapshot (the state machine's region) for its guard Choice.
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema, rdsIdentifierSchema } from '../../shared/schemas.js';
import { settings } from '../../shared/settings.js';
import * as z from '../../shared/zod.js';
import { regionalRdsClient } from '../select-expired-snapshots/listing.js';
import { deleteGuarded, describeForGuard } from './operations.js';
import { cacheSnapshotDescriber, rdsRegionalStore } from './store.js';

const region = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region'));

export const inputSchema = z.discriminatedUnion('action', [
  z.object({
    ...executionContextSchema.shape,
    action: z.literal('copy'),
    region,
    sourceArn: z
      .string()
      .check(z.regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:.+$/, 'must be a DB snapshot ARN')),
    targetName: rdsIdentifierSchema,
    kmsKeyId: z.string().check(z.regex(/^arn:aws[a-z-]*:kms:/, 'must be a KMS key or alias ARN')),
    tags: z.array(z.object({ Key: z.string().check(z.minLength(1)), Value: z.string() })).check(z.minLength(1)),
  }),
  z.object({ ...executionContextSchema.shape, action: z.literal('describe'), region, identifier: rdsIdentifierSchema }),
  z.object({ ...executionContextSchema.shape, action: z.literal('delete'), region, identifier: rdsIdentifierSchema }),
  // ElastiCache snapshot names follow the same letter/digit/hyphen rules as RDS identifiers.
  z.object({ ...executionContextSchema.shape, action: z.literal('describe-cache'), identifier: rdsIdentifierSchema }),
]);

export const handler = automationHandler({
  schema: inputSchema,
  handler: async (input) => {
    if (input.action === 'describe-cache')
      return describeForGuard(cacheSnapshotDescriber(elastiCacheClient()), input.identifier);
    const store = rdsRegionalStore(regionalRdsClient(input.region));
    switch (input.action) {
      case 'copy': {
        const result = await store.copy(input);
        return { targetName: input.targetName, region: input.region, ...result };
      }
      case 'describe':
        return describeForGuard(store, input.identifier);
      case 'delete':
        // The function's own environment, not the input's: a DR copy is deleted only if it is this environment's.
        return deleteGuarded(store, input.identifier, settings.ENVIRONMENT);
    }
  },
});

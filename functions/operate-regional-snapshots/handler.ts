/**
 * The housekeeping's Lambda-made snapshot calls (see operations.ts): `copy` the planned snapshot
 * into the DR region, `describe` a snapshot (either region) for the guard Choice, `delete` a DR copy
 * the guard allowed, `describe-cache` a cache snapshot (the state machine's region) for its guard Choice.
 * The region a call goes to must be the function's own or its DR region (shared/identity.ts).
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { regionalRdsClient } from '../../shared/clients/rds.js';
import { assertAllowedRegion } from '../../shared/identity.js';
import { automationHandler } from '../../shared/middleware.js';
import { awsRegionSchema, executionContextSchema, rdsIdentifierSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { assertOwnCopy, deleteGuarded, describeForGuard } from './operations.js';
import { cacheSnapshotDescriber, rdsRegionalStore } from './store.js';

const region = awsRegionSchema;

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

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  settings: { DR_REGION: z.optional(awsRegionSchema) },
  clients: () => ({ elastiCache: elastiCacheClient, rdsIn: regionalRdsClient }),
  handler: async (input, { settings, clients }) => {
    if (input.action === 'describe-cache')
      return describeForGuard(cacheSnapshotDescriber(clients.elastiCache()), input.identifier);
    // Copies and deletes happen only in the DR region; a describe serves the guard of either region.
    const role = input.action === 'describe' && input.region === settings.AWS_REGION ? 'source' : 'dr';
    assertAllowedRegion(input.region, role, settings);
    if (input.action === 'copy') {
      assertOwnCopy(input, {
        environment: settings.ENVIRONMENT,
        region: settings.AWS_REGION,
        execution: input.execution,
      });
    }
    const store = rdsRegionalStore(clients.rdsIn(input.region));
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

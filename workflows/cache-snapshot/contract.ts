/**
 * Contract of the cache snapshot workflow (`interactions-<env>-cache-snapshot`): what it is started
 * with (by an operator, or nightly by snapshot housekeeping) and what it returns on success. The
 * validate function, the CLI and the tests import these schemas instead of keeping copies.
 */
import * as z from '../../shared/zod.js';
import {
  reasonSchema,
  reportUrlsSchema,
  requestedBySchema,
  retainDaysSchema,
  snapshotNameSchema,
} from '../on-demand-snapshot/contract.js';

/**
 * What the cache snapshot workflow is started with. The nightly run omits the name (it comes from
 * the execution); a given name must carry the environment's prefix (checked with the environment).
 */
export const cacheSnapshotInputSchema = z.object({
  snapshotName: z.optional(snapshotNameSchema()),
  requestedBy: requestedBySchema,
  reason: reasonSchema,
  retainDays: retainDaysSchema,
});
export type CacheSnapshotInput = z.infer<typeof cacheSnapshotInputSchema>;

/**
 * What "Build output" returns: the verified snapshot (verify-cache-snapshot's summary; verification
 * passed, so it is available) and the report URLs.
 */
export const cacheSnapshotOutputSchema = z.object({
  snapshot: z.object({
    id: z.string(),
    arn: z.nullable(z.string()),
    status: z.literal('available'),
    replicationGroup: z.string(),
    /** Redis and its fork Valkey share the snapshot format; ElastiCache reports either. */
    engine: z.enum(['redis', 'valkey']),
    nodeSnapshots: z.number().check(z.int(), z.positive()),
    /** CacheSize per node group as ElastiCache reports it ("0 MB" is a valid empty cache). */
    nodeSizes: z.record(z.string(), z.string()),
    createdAt: z.nullable(z.string()),
  }),
  report: reportUrlsSchema,
});
export type CacheSnapshotOutput = z.infer<typeof cacheSnapshotOutputSchema>;

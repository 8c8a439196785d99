/**
 * Contract of the snapshot housekeeping workflow (`interactions-<env>-snapshot-housekeeping`):
 * started nightly by its EventBridge schedule with the scheduled event as input, it returns what it
 * selected, what became of each deletion, the DR copy and the nested cache snapshot, and where the
 * report was filed. The CLI and the tests import these schemas.
 */
import { scheduledEventSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { reportLocationSchema } from '../backup-verification/contract.js';

/**
 * Tag on a DR copy naming the snapshot it was copied from: set by the copy next to the automation's
 * tags (select-expired-snapshots plans it), and the one extra key IAM allows at the copy's creation.
 */
export const SOURCE_SNAPSHOT_TAG = 'interactions:source-snapshot';

/** What the workflow is started with: the scheduled event (its `id` names the nightly cache snapshot). */
export const snapshotHousekeepingInputSchema = scheduledEventSchema;
export type SnapshotHousekeepingInput = z.infer<typeof snapshotHousekeepingInputSchema>;

/** One snapshot the selection found due (select-expired-snapshots). */
export const selectedSnapshotSchema = z.object({
  identifier: z.string(),
  arn: z.string(),
  /**
   * `expires-at`: its tag is past; `age`: no tag, older than the retention; `failed-run`: not yet
   * expired, but the run that made it ended FAILED, TIMED_OUT or ABORTED (its leftover).
   */
  reason: z.enum(['expires-at', 'age', 'failed-run']),
  /** When it became deletable: its expiry, or (`failed-run`) the selection time. */
  expiredAt: z.string(),
  /** The `interactions:expires-at` value seen at selection (`''` when absent). */
  expiresAtTag: z.string(),
  /** The `interactions:execution` value seen at selection: the guard refuses the delete if it changed. */
  execution: z.string(),
});

/**
 * What one guarded deletion did: `deleted`, `absent` (gone meanwhile), `busy` (its state forbids a
 * delete now) or `refused` (no longer ours, or no longer expired: what the guard saw is recorded).
 */
export const deletionOutcomeSchema = z.object({
  identifier: z.string(),
  /** `failed`: the item's describe or delete kept failing; recorded so one stubborn item never aborts the night. */
  outcome: z.enum(['deleted', 'absent', 'busy', 'refused', 'failed']),
  reason: z.optional(z.string()),
  /** The error and cause of a `failed` item. */
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  status: z.optional(z.string()),
  managedBy: z.optional(z.string()),
  environment: z.optional(z.string()),
  /** The `interactions:execution` the guard saw (`''` when absent: refused, as IAM would deny the delete). */
  execution: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
});

/** The DR copy: started (or found already there), or no source snapshot to copy. */
export const drCopySchema = z.union([
  z.object({
    outcome: z.enum(['started', 'exists']),
    targetName: z.string(),
    region: z.string(),
    status: z.string(),
  }),
  z.object({ outcome: z.literal('no-source') }),
]);

/**
 * The nested cache snapshot execution: succeeded, already started by an earlier delivery of the
 * event, or failed (its own failure path notified; the night is then a partial failure, and the
 * error and cause of the awaited start are kept).
 */
export const nestedCacheSnapshotSchema = z.union([
  z.object({ executionArn: z.string(), status: z.literal('SUCCEEDED') }),
  z.object({ status: z.literal('ALREADY_STARTED') }),
  z.object({ status: z.literal('FAILED'), error: z.string(), cause: z.string() }),
]);

/**
 * What "Build output" returns. The DR fields exist only where a DR region is configured,
 * `cacheSnapshot` only where the nightly cache snapshot is on.
 */
export const snapshotHousekeepingOutputSchema = z.object({
  sourceRegion: z.string(),
  scanned: z.number().check(z.int(), z.nonnegative()),
  selected: z.array(selectedSnapshotSchema),
  deletions: z.array(deletionOutcomeSchema),
  cacheReplicationGroup: z.string(),
  cacheScanned: z.number().check(z.int(), z.nonnegative()),
  cacheSelected: z.array(selectedSnapshotSchema),
  cacheDeletions: z.array(deletionOutcomeSchema),
  drRegion: z.optional(z.string()),
  drCopy: z.optional(drCopySchema),
  drSelected: z.optional(z.array(selectedSnapshotSchema)),
  drDeletions: z.optional(z.array(deletionOutcomeSchema)),
  cacheSnapshot: z.optional(nestedCacheSnapshotSchema),
  /**
   * Some deletion was recorded `failed`, or the nested cache snapshot `FAILED`: the night is
   * reported at the partial-failure severity.
   */
  partialFailure: z.boolean(),
  report: reportLocationSchema,
});
export type SnapshotHousekeepingOutput = z.infer<typeof snapshotHousekeepingOutputSchema>;

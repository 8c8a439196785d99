/**
 * First task of the snapshot housekeeping, run once for the source region and once for the DR
 * region: validates the schedule event (a malformed start is rejected before any AWS call), lists
 * the region's manual snapshots and selects the expired automation snapshots (select.ts). For the
 * source region with DR on, it also plans the DR copy: source, deterministic target name and tags.
 */
import { automationHandler } from '../../shared/middleware.js';
import { logger, metrics } from '../../shared/powertools.js';
import { environmentSchema, executionContextSchema, isoTimeSchema, rdsIdentifierSchema } from '../../shared/schemas.js';
import { automationTags } from '../../shared/tags.js';
import * as z from '../../shared/zod.js';
import { listSnapshots, regionalRdsClient } from './listing.js';
import { copySource, drCopyName, selectExpiredSnapshots } from './select.js';

/** Tag on a DR copy naming the snapshot it was copied from. */
export const SOURCE_SNAPSHOT_TAG = 'interactions:source-snapshot';

/** The EventBridge "Scheduled Event" that starts the nightly run (operators start it with the same shape). */
export const scheduledEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: isoTimeSchema,
});

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  environment: environmentSchema,
  trigger: scheduledEventSchema,
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region')),
  instanceIdentifier: rdsIdentifierSchema,
  retentionDays: z.number().check(z.int(), z.positive()),
  /** Plan the DR copy from this region's newest snapshot of the instance. */
  planCopy: z.boolean(),
});

const DAY_MS = 86_400_000;

export const handler = automationHandler({
  schema: inputSchema,
  handler: async (input) => {
    const rds = regionalRdsClient(input.region);
    const now = new Date(input.startedAt);
    const [manual, automated] = await Promise.all([
      listSnapshots(rds, { SnapshotType: 'manual' }),
      input.planCopy
        ? listSnapshots(rds, { SnapshotType: 'automated', DBInstanceIdentifier: input.instanceIdentifier })
        : Promise.resolve([]),
    ]);
    const selected = selectExpiredSnapshots(manual, now, { retentionDays: input.retentionDays });

    let copy = null;
    if (input.planCopy) {
      const source = copySource([...automated, ...manual], input.instanceIdentifier);
      if (source !== undefined) {
        copy = {
          sourceIdentifier: source.identifier,
          sourceArn: source.arn,
          targetName: drCopyName(input.environment, source.identifier, input.instanceIdentifier),
          tags: automationTags({
            execution: input.execution,
            expiresAt: new Date(now.getTime() + input.retentionDays * DAY_MS),
            extra: { [SOURCE_SNAPSHOT_TAG]: source.identifier },
          }),
        };
      }
    }

    metrics.addMetric('ExpiredSnapshotsSelected', 'Count', selected.length);
    logger.info('Expired snapshots selected', {
      region: input.region,
      scanned: manual.length,
      selected: selected.map((s) => s.identifier),
      copySource: copy?.sourceIdentifier ?? null,
    });
    return { region: input.region, scanned: manual.length, selected, copy };
  },
});

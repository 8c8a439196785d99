/**
 * First task of the snapshot housekeeping, run once for the source region and once for the DR
 * region: validates the schedule event (a malformed start is rejected before any AWS call), lists
 * the region's manual snapshots and selects the expired automation snapshots (select.ts). For the
 * source region with DR on, it also plans the DR copy: source, deterministic target name and tags.
 * Given a replication group (source region only), it also selects the expired automation cache
 * snapshots of that group. In the source region it also looks up the runs that made the
 * not-yet-expired ones (at most MAX_OWNER_RUN_CHECKS, newest first: owner-runs.ts), so that a failed
 * run's leftover is swept the next night. Whose snapshots are selected (the environment) and where
 * the listing runs (the region) are the function's own settings: a payload naming others is rejected.
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { regionalRdsClient } from '../../shared/clients/rds.js';
import { sfnClient } from '../../shared/clients/sfn.js';
import { ValidationError } from '../../shared/errors.js';
import { assertAllowedRegion, assertSameIdentity } from '../../shared/identity.js';
import { automationHandler } from '../../shared/middleware.js';
import { type Environment, names } from '../../shared/naming.js';
import { logger, metrics } from '../../shared/powertools.js';
import {
  awsRegionSchema,
  environmentSchema,
  executionContextSchema,
  rdsIdentifierSchema,
  retentionDaysSchema,
  scheduledEventSchema,
} from '../../shared/schemas.js';
import { cacheSnapshotPrefix } from '../../shared/snapshot-naming.js';
import { automationTags } from '../../shared/tags.js';
import * as z from '../../shared/zod.js';
import { SOURCE_SNAPSHOT_TAG } from '../../workflows/snapshot-housekeeping/contract.js';
import { listCacheSnapshots } from './cache-listing.js';
import { listSnapshots } from './listing.js';
import { describeOwnerRuns, type ExecutionScope } from './owner-runs.js';
import {
  boundOwnerRunChecks,
  cacheOwnerRunChecks,
  copySource,
  dbOwnerRunChecks,
  drCopyName,
  MAX_OWNER_RUN_CHECKS,
  selectExpiredCacheSnapshots,
  selectExpiredSnapshots,
} from './select.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  /** Must match the function's ENVIRONMENT when given (the function's own decides). */
  environment: z.optional(environmentSchema),
  trigger: scheduledEventSchema,
  /** The function's own region (`source`) or its DR region (`dr`). */
  region: awsRegionSchema,
  instanceIdentifier: rdsIdentifierSchema,
  retentionDays: retentionDaysSchema,
  /**
   * `source`: the instance's region (snapshots of `instanceIdentifier` are selected); `dr`: the DR
   * region (only the environment's copies, `interactions-<env>-dr-...`).
   */
  regionRole: z.enum(['source', 'dr']),
  /** Plan the DR copy from this region's newest snapshot of the instance. */
  planCopy: z.boolean(),
  /**
   * Replication group whose expired automation cache snapshots are selected too (the source region
   * only: the cache has no DR copies). Absent: no cache listing.
   */
  cacheReplicationGroupId: z.optional(
    z.string().check(z.regex(/^[a-z](?!.*--)[a-z0-9-]{0,39}(?<!-)$/, 'must be an ElastiCache replication group id')),
  ),
  /**
   * The housekeeping state machine's ARN (`$$.StateMachine.Id`): the partition and account the
   * owning runs are looked up in. Required for `source`, where they are looked up.
   */
  stateMachineArn: z.optional(z.string()),
});

const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]+)$/;

/**
 * The owning runs' scope from the housekeeping's own state machine ARN, which must be this
 * environment's housekeeping in the function's region: a payload cannot point the lookups elsewhere.
 */
export function executionScope(arn: string | undefined, environment: Environment, region: string): ExecutionScope {
  const expected = names.stateMachine(environment, 'snapshot-housekeeping');
  const match = STATE_MACHINE_ARN.exec(arn ?? '');
  if (match === null || match[2] !== region || match[4] !== expected) {
    const issue = `stateMachineArn: must be the ARN of ${expected} in ${region} (got ${arn === undefined ? 'none' : `"${arn}"`})`;
    throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
  }
  return { partition: match[1] as string, region, account: match[3] as string };
}

const DAY_MS = 86_400_000;

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  settings: { DR_REGION: z.optional(awsRegionSchema) },
  clients: () => ({ elastiCache: elastiCacheClient, rdsIn: regionalRdsClient, sfn: sfnClient }),
  handler: async (input, { settings, clients }) => {
    assertSameIdentity('environment', input.environment, settings.ENVIRONMENT);
    assertAllowedRegion(input.region, input.regionRole, settings);
    const environment = settings.ENVIRONMENT;
    const scope =
      input.regionRole === 'source' ? executionScope(input.stateMachineArn, environment, settings.AWS_REGION) : null;
    const rds = clients.rdsIn(input.region);
    const now = new Date(input.startedAt);
    const namePrefix = cacheSnapshotPrefix(environment);
    const [manual, automated, cacheListing] = await Promise.all([
      listSnapshots(rds, { SnapshotType: 'manual' }),
      input.planCopy
        ? listSnapshots(rds, { SnapshotType: 'automated', DBInstanceIdentifier: input.instanceIdentifier })
        : Promise.resolve([]),
      input.cacheReplicationGroupId === undefined
        ? Promise.resolve(undefined)
        : listCacheSnapshots(clients.elastiCache(), input.cacheReplicationGroupId, namePrefix),
    ]);
    const dbPolicy = {
      environment,
      region: input.regionRole,
      instanceId: input.instanceIdentifier,
      retentionDays: input.retentionDays,
    };
    const cachePolicy = { environment, retentionDays: input.retentionDays, namePrefix };
    const checks =
      scope === null
        ? []
        : boundOwnerRunChecks(
            [
              ...dbOwnerRunChecks(manual, now, dbPolicy),
              ...cacheOwnerRunChecks(cacheListing?.candidates ?? [], now, cachePolicy),
            ],
            MAX_OWNER_RUN_CHECKS,
          );
    const ownerRuns =
      scope === null || checks.length === 0
        ? { db: new Map<string, string>(), cache: new Map<string, string>() }
        : await describeOwnerRuns(clients.sfn(), scope, environment, checks);
    const selected = selectExpiredSnapshots(manual, now, { ...dbPolicy, ownerRuns: ownerRuns.db });
    const cache =
      cacheListing === undefined || input.cacheReplicationGroupId === undefined
        ? null
        : {
            replicationGroupId: input.cacheReplicationGroupId,
            scanned: cacheListing.scanned,
            selected: selectExpiredCacheSnapshots(cacheListing.candidates, now, {
              ...cachePolicy,
              ownerRuns: ownerRuns.cache,
            }),
          };

    let copy = null;
    if (input.planCopy) {
      const source = copySource([...automated, ...manual], input.instanceIdentifier);
      if (source !== undefined) {
        copy = {
          sourceIdentifier: source.identifier,
          sourceArn: source.arn,
          targetName: drCopyName(environment, source.identifier, input.instanceIdentifier),
          tags: automationTags({
            environment,
            execution: input.execution,
            expiresAt: new Date(now.getTime() + input.retentionDays * DAY_MS),
            extra: { [SOURCE_SNAPSHOT_TAG]: source.identifier },
          }),
        };
      }
    }

    metrics.addMetric('ExpiredSnapshotsSelected', 'Count', selected.length);
    if (cache !== null) metrics.addMetric('ExpiredCacheSnapshotsSelected', 'Count', cache.selected.length);
    const failedRuns = [...selected, ...(cache?.selected ?? [])].filter((s) => s.reason === 'failed-run');
    if (scope !== null) metrics.addMetric('FailedRunSnapshotsSelected', 'Count', failedRuns.length);
    logger.info('Expired snapshots selected', {
      region: input.region,
      scanned: manual.length,
      selected: selected.map((s) => s.identifier),
      copySource: copy?.sourceIdentifier ?? null,
      cacheScanned: cache?.scanned ?? null,
      cacheSelected: cache?.selected.map((s) => s.identifier) ?? null,
      ownerRunsLookedUp: checks.length,
    });
    return { region: input.region, scanned: manual.length, selected, copy, cache };
  },
});

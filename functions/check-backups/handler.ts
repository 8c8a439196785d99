/**
 * Evaluates the nightly backup checks: lists the snapshots (paginated, see facts.ts), runs the pure
 * checks of evaluate.ts against the facts the state machine gathered, publishes the EMF metrics and
 * returns the findings with the notification to send. Problems found are a result, not an error:
 * only a failure to check (bad input, AWS errors) makes the task fail.
 */
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { rdsClient } from '../../shared/clients/rds.js';
import { BACKUP_CHECK_METRICS } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger, metrics } from '../../shared/powertools.js';
import { executionContextSchema, severitySchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { type BackupFacts, evaluateBackups, reportPlan, summarize } from './evaluate.js';
import { sdkSnapshotLister } from './facts.js';

/** Step Functions SDK integrations return timestamps as ISO strings (epoch numbers accepted too). */
const timestamp = z
  .pipe(
    z.union([z.string(), z.number()]),
    z.transform((value) => new Date(value)),
  )
  .check(z.refine((d) => !Number.isNaN(d.getTime()), 'must be a timestamp'));

/** `DbInstances[0]` as the Step Functions RDS integration returns it (Java SDK v2 member names). */
const instanceSchema = z.object({
  DbInstanceIdentifier: z.string().check(z.minLength(1)),
  DbInstanceStatus: z.string().check(z.minLength(1)),
  BackupRetentionPeriod: z.optional(z.number().check(z.int(), z.nonnegative())),
  LatestRestorableTime: z.optional(timestamp),
});

const quotaSchema = z.object({
  AccountQuotaName: z.string(),
  Used: z.optional(z.number()),
  Max: z.optional(z.number()),
});

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  instance: instanceSchema,
  accountQuotas: z._default(z.array(quotaSchema), []),
  /** Replication group whose snapshots are checked when `cacheSnapshotRequired`. */
  cacheReplicationGroupId: z.string().check(z.minLength(1)),
  /** config.automation.cacheSnapshotNightly: a fresh cache snapshot is required (the list is skipped otherwise). */
  cacheSnapshotRequired: z.boolean(),
  failureSeverity: severitySchema,
  policy: z.object({
    backupMaxAgeHours: z.number().check(z.positive()),
    restoreLagThresholdMinutes: z.number().check(z.positive()),
    backupRetentionDays: z.number().check(z.int(), z.positive()),
    manualSnapshotQuota: z.number().check(z.int(), z.positive()),
    manualSnapshotWarnFraction: z.number().check(z.gt(0), z.lte(1)),
  }),
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ rds: rdsClient, elastiCache: elastiCacheClient }),
  handler: async (input, { clients }) => {
    const lister = sdkSnapshotLister(clients.rds(), clients.elastiCache());
    const instanceId = input.instance.DbInstanceIdentifier;
    const groupId = input.cacheSnapshotRequired ? input.cacheReplicationGroupId : undefined;
    const [automatedSnapshots, manualSnapshotCount, cacheSnapshots] = await Promise.all([
      lister.automatedDbSnapshots(instanceId),
      lister.manualDbSnapshotCount(),
      groupId === undefined ? Promise.resolve(undefined) : lister.cacheSnapshots(groupId),
    ]);
    const facts: BackupFacts = {
      instance: {
        identifier: instanceId,
        status: input.instance.DbInstanceStatus,
        backupRetentionPeriod: input.instance.BackupRetentionPeriod,
        latestRestorableTime: input.instance.LatestRestorableTime,
      },
      automatedSnapshots,
      manualSnapshotCount,
      manualSnapshotQuota: input.accountQuotas.find((q) => q.AccountQuotaName === 'ManualSnapshots')?.Max,
      cacheSnapshots,
    };
    const evaluation = evaluateBackups(
      facts,
      { ...input.policy, cacheSnapshotRequired: input.cacheSnapshotRequired },
      new Date(input.startedAt),
    );

    for (const finding of evaluation.findings) {
      if (finding.metric !== undefined)
        metrics.addMetric(finding.metric.name, finding.metric.unit, finding.metric.value);
    }
    const failed = evaluation.findings.filter((f) => f.status === 'fail').length;
    const warned = evaluation.findings.filter((f) => f.status === 'warn').length;
    metrics.addMetric('BackupChecksFailed', BACKUP_CHECK_METRICS.BackupChecksFailed, failed);
    metrics.addMetric('BackupChecksWarned', BACKUP_CHECK_METRICS.BackupChecksWarned, warned);
    logger.info('Backup checks evaluated', { severity: evaluation.severity, findings: evaluation.findings });

    return {
      severity: evaluation.severity,
      findings: evaluation.findings,
      report: { ...reportPlan(evaluation, input.failureSeverity), summary: summarize(evaluation, instanceId) },
      checked: {
        instance: instanceId,
        automatedSnapshots: automatedSnapshots.length,
        manualSnapshots: manualSnapshotCount,
        cacheSnapshots: cacheSnapshots?.length ?? null,
      },
    };
  },
});

/**
 * First task of a restore drill ("Plan restore"): validates the request, chooses the restore point
 * inside the source instance's restorable window (restore-point.ts) and names and tags the temporary
 * instance (temporary-instance.ts). A request that RDS could not honour (a point after
 * LatestRestorableTime or outside the retention) fails here with ValidationError, before anything
 * is created. The environment is the function's own; a payload naming another one is rejected.
 */
import { ValidationError } from '../../shared/errors.js';
import { assertSameIdentity } from '../../shared/identity.js';
import { automationHandler } from '../../shared/middleware.js';
import { environmentSchema, executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { recoveryTestInputSchema, restorePointModeSchema } from '../../workflows/recovery-test/contract.js';
import { type ChosenBy, chooseRestorePoint } from './restore-point.js';
import { temporaryInstanceId, temporaryInstanceTags } from './temporary-instance.js';

/** A timestamp as the Step Functions SDK integration returns it (ISO text), absent when RDS omits it. */
const sdkTime = z.optional(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date')));

/** The state machine passes the execution input as `request` and the described source instance as `source`. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  /** Must match the function's ENVIRONMENT when given. */
  environment: z.optional(environmentSchema),
  /** Names the temporary instance `interactions-<env>-<purpose>-...` (the IAM grants match that prefix). */
  purpose: z.string().check(z.regex(/^[a-z][a-z0-9]{1,15}$/, 'must be 2-16 lower-case letters and digits')),
  /** How to choose without a requested point. */
  mode: restorePointModeSchema,
  /** Minutes after the start when the sweeper may delete the instance if the drill did not. */
  expiresAfterMinutes: z.number().check(z.int(), z.gte(1), z.lte(7 * 24 * 60)),
  request: recoveryTestInputSchema,
  source: z.looseObject({
    DbInstanceIdentifier: z.string(),
    LatestRestorableTime: sdkTime,
    BackupRetentionPeriod: z.optional(z.number()),
    InstanceCreateTime: sdkTime,
  }),
});

/** The plan the restore, the verification and the report work from. */
export interface RestorePlan {
  /** ISO time RDS restores to (`RestoreTime`). */
  readonly restorePoint: string;
  readonly restorePointMode: ChosenBy;
  readonly restoreWindow: { readonly earliest: string; readonly latest: string };
  readonly sourceInstance: string;
  readonly instance: { readonly identifier: string; readonly tags: { Key: string; Value: string }[] };
  readonly expiresAt: string;
  readonly plannedAt: string;
  /** `schedule` for the monthly event, `request` for an operator's start. */
  readonly trigger: 'schedule' | 'request';
  readonly requestedBy: string | null;
  readonly reason: string | null;
}

const optionalDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { settings, clock }): Promise<RestorePlan> => {
    assertSameIdentity('environment', input.environment, settings.ENVIRONMENT);
    const now = clock();
    const { request, source } = input;
    const manual = 'detail-type' in request ? undefined : request;
    if (source.BackupRetentionPeriod === undefined) {
      throw new ValidationError(`The description of ${source.DbInstanceIdentifier} has no BackupRetentionPeriod`);
    }
    const choice = chooseRestorePoint({
      requested: optionalDate(manual?.restorePoint),
      mode: input.mode,
      facts: {
        latestRestorableTime: optionalDate(source.LatestRestorableTime),
        backupRetentionDays: source.BackupRetentionPeriod,
        instanceCreateTime: optionalDate(source.InstanceCreateTime),
      },
      now,
      random: Math.random,
    });
    const expiresAt = new Date(Date.parse(input.startedAt) + input.expiresAfterMinutes * 60_000);
    return {
      restorePoint: choice.restorePoint.toISOString(),
      restorePointMode: choice.chosenBy,
      restoreWindow: { earliest: choice.window.earliest.toISOString(), latest: choice.window.latest.toISOString() },
      sourceInstance: source.DbInstanceIdentifier,
      instance: {
        identifier: temporaryInstanceId(settings.ENVIRONMENT, input.purpose, input.execution),
        tags: temporaryInstanceTags(settings.ENVIRONMENT, input.execution, expiresAt),
      },
      expiresAt: expiresAt.toISOString(),
      plannedAt: now.toISOString(),
      trigger: manual === undefined ? 'schedule' : 'request',
      requestedBy: manual?.requestedBy ?? null,
      reason: manual?.reason ?? null,
    };
  },
});

/**
 * Contract of the alarm remediation workflow (`interactions-<env>-alarm-remediation`) and of its
 * playbook functions. The workflow is started by the EventBridge rule on "CloudWatch Alarm State
 * Change" with the event as input (any envelope the intake parser accepts); the intake decides,
 * a playbook plans, acts and verifies, and the output says what was seen, decided and done. The
 * playbook functions, the testbed and the CLI import these schemas.
 */
import * as z from '../../shared/zod.js';

/** The playbooks, one function each (`functions/remediation-playbook-<id>/`). */
export const PLAYBOOK_IDS = [
  'ecs-service-health',
  'api-error-rate',
  'database-cpu',
  'cache-memory',
  'rds-storage',
  'security-notify',
] as const;
export const playbookIdSchema = z.enum(PLAYBOOK_IDS);
export type PlaybookId = z.infer<typeof playbookIdSchema>;

/**
 * What a playbook invocation does: `plan` reads and plans (dry run: nothing is changed), `act`
 * plans and carries the plan out, `verify` reads again and says whether the act recovered.
 */
export const playbookModeSchema = z.enum(['plan', 'act', 'verify']);
export type PlaybookMode = z.infer<typeof playbookModeSchema>;

/** The alarm a playbook answers, as the intake normalised it (only what playbooks read). */
export const playbookAlarmSchema = z.object({
  name: z.string().check(z.minLength(1)),
  state: z.literal('ALARM'),
  /** When the alarm entered ALARM (the intake's state-change time): "recent deployment" is measured from it. */
  changedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }),
  reason: z.optional(z.string()),
});
export type PlaybookAlarm = z.infer<typeof playbookAlarmSchema>;

/** One change a playbook makes (or would make in a dry run). */
export const plannedActionSchema = z.object({
  /** Machine-readable kind, e.g. `ecs:rollback`, `rds:grow-storage`. */
  kind: z.string().check(z.minLength(1)),
  /** The resource changed (service, instance, replication group). */
  target: z.string().check(z.minLength(1)),
  /** One sentence for the notification. */
  description: z.string().check(z.minLength(1)),
  /** The API parameters sent (or that would be sent). */
  parameters: z.record(z.string(), z.unknown()),
});
export type PlannedAction = z.infer<typeof plannedActionSchema>;

/** What a playbook returns from `plan` and `act`. */
export const playbookResultSchema = z.object({
  playbook: playbookIdSchema,
  mode: playbookModeSchema,
  /** The resource the playbook looked at. */
  target: z.string().check(z.minLength(1)),
  /** What the playbook saw: facts for the notification (counts, states, top statements). */
  seen: z.record(z.string(), z.unknown()),
  /** Why it does what it does, one or two sentences. */
  decided: z.string().check(z.minLength(1)),
  /** The changes planned; in `act` mode every one of them was made, in order. */
  actions: z.array(plannedActionSchema),
  /** Whether the workflow must verify recovery after acting (false when nothing changes). */
  verify: z.boolean(),
  /** What `verify` compares against (the task definition rolled to, the storage asked for). */
  expectation: z.record(z.string(), z.unknown()),
});
export type PlaybookResult = z.infer<typeof playbookResultSchema>;

/** What a playbook returns from `verify`. */
export const verificationSchema = z.object({
  /** `recovered`: done and healthy; `failed`: will not recover by waiting; `pending`: ask again later. */
  status: z.enum(['recovered', 'failed', 'pending']),
  detail: z.string(),
  seen: z.record(z.string(), z.unknown()),
});
export type Verification = z.infer<typeof verificationSchema>;

/** What the workflow returns when it ends normally (failures end in the failure path). */
export const alarmRemediationOutputSchema = z.object({
  /** The intake's decision: `act`, `suppress`, `ignore` or `reject`. */
  decision: z.enum(['act', 'suppress', 'ignore', 'reject']),
  /** What happened: acted and verified, planned only (dry run), refused by the approver, nothing to do... */
  outcome: z.enum([
    'recovered',
    'not-recovered',
    'acted',
    'planned',
    'approval-denied',
    'no-action',
    'suppressed',
    'ignored',
    'rejected',
  ]),
  alarm: z.nullable(z.string()),
  playbook: z.nullable(playbookIdSchema),
  reason: z.string(),
});
export type AlarmRemediationOutput = z.infer<typeof alarmRemediationOutputSchema>;

/**
 * Contract of the alarm remediation workflow (`interactions-<env>-alarm-remediation`) and of its
 * playbook functions. The workflow is started by the EventBridge rule on "CloudWatch Alarm State
 * Change" with the event as input (any envelope the intake parser accepts); the intake decides,
 * a playbook plans, acts and verifies, and the output says what was seen, decided and done. The
 * playbook functions, the testbed and the CLI import these schemas.
 */
import { PLAYBOOK_IDS, type PlaybookId } from '../../shared/remediation/playbooks.js';
import * as z from '../../shared/zod.js';

export { PLAYBOOK_IDS, type PlaybookId };

/** A playbook id (shared/remediation/playbooks.ts); each runs in its own function `remediation-playbook-<id>`. */
export const playbookIdSchema = z.enum(PLAYBOOK_IDS);

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

/** How one state change ended. */
export const REMEDIATION_OUTCOMES = [
  'recovered',
  'not-recovered',
  'acted',
  'planned',
  'approval-denied',
  'approval-timed-out',
  'alarm-cleared',
  'suppressed',
  'ignored',
  'rejected',
] as const;
export const remediationOutcomeSchema = z.enum(REMEDIATION_OUTCOMES);
export type RemediationOutcome = z.infer<typeof remediationOutcomeSchema>;

/** What the workflow reports for one state change of its input. */
export const stateChangeResultSchema = z.object({
  /** The intake's decision: `act`, `suppress`, `ignore` or `reject`. */
  decision: z.enum(['act', 'suppress', 'ignore', 'reject']),
  /** The intake's reason code (`execute`, `cooldown`, `duplicate`, `malformed`...). */
  reason: z.string(),
  outcome: remediationOutcomeSchema,
  /** The alarm; null for a rejected payload. */
  alarm: z.nullable(z.string()),
  /** The playbook routed to; null when the alarm has none or the payload was rejected. */
  playbook: z.nullable(playbookIdSchema),
});
export type StateChangeResult = z.infer<typeof stateChangeResultSchema>;

/** What the workflow returns: one result per state change of its input (an SNS message may carry several). */
export const alarmRemediationOutputSchema = z.object({ results: z.array(stateChangeResultSchema) });
export type AlarmRemediationOutput = z.infer<typeof alarmRemediationOutputSchema>;

/** The workflow's input: an alarm payload in any envelope intake accepts (validated by intake, which rejects and reports). */
export const alarmRemediationInputSchema = z.unknown();

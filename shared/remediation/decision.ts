/**
 * What intake decides for one alarm state change, and why. The same record is returned to the
 * workflow, printed by `remediation plan` / `replay` and written to the audit trail.
 */
import type { AlarmEnvelope, AlarmKind, AlarmState, AlarmStateChange } from './alarm-payload.js';
import type { PlaybookId } from './playbooks.js';

/** `act`: start the playbook; `suppress`: a guardrail stopped it; `ignore`: nothing to do; `reject`: malformed. */
export type DecisionKind = 'act' | 'suppress' | 'ignore' | 'reject';

/** The reason codes, by decision. */
export const DECISION_REASONS = {
  // execute acts; dry-run plans only; needs-approval waits for an approver (no answer means deny).
  act: ['execute', 'dry-run', 'needs-approval'],
  suppress: ['kill-switch', 'change-freeze', 'cooldown', 'rate-limit'],
  ignore: ['duplicate', 'stale', 'not-in-alarm', 'actions-suppressed', 'no-playbook'],
  reject: ['malformed'],
} as const;

/** One reason code. */
export type DecisionReason = (typeof DECISION_REASONS)[DecisionKind][number];

/** One decision, with what it was about. */
export interface RemediationDecision {
  readonly decision: DecisionKind;
  readonly reason: DecisionReason;
  /** The reason in words, naming the numbers (cooldown end, window count, freeze). */
  readonly detail: string;
  /** When the decision was taken (ISO 8601): the intake's clock, or the event's own time in replay. */
  readonly decidedAt: string;
  /** The state change; absent for a rejected payload. */
  readonly change?: {
    readonly alarmName: string;
    readonly state: AlarmState;
    readonly previousState: AlarmState;
    readonly stateChangedAt: string;
    readonly kind: AlarmKind;
    readonly envelope: AlarmEnvelope;
    readonly deliveryId: string | undefined;
    readonly dedupeKey: string;
  };
  /** The routed playbook, where the alarm has one. */
  readonly playbook?: PlaybookId;
  /** What the playbook acts on. */
  readonly resource?: string;
  /** Whether the playbook may change the resource. */
  readonly disruptive?: boolean;
  /** The playbook's cooldown. */
  readonly cooldownSeconds?: number;
  /** For `needs-approval`: how long the approver has. */
  readonly approvalTimeoutSeconds?: number;
}

/** The dedupe key of a state change: alarm, new state and state-change time (never the delivery id). */
export function dedupeKey(change: Pick<AlarmStateChange, 'alarmName' | 'state' | 'stateChangedAt'>): string {
  return `${change.alarmName}|${change.state}|${change.stateChangedAt}`;
}

/** The part of a decision that describes the change. */
export function describeChange(change: AlarmStateChange): NonNullable<RemediationDecision['change']> {
  return {
    alarmName: change.alarmName,
    state: change.state,
    previousState: change.previousState,
    stateChangedAt: change.stateChangedAt,
    kind: change.kind,
    envelope: change.envelope,
    deliveryId: change.deliveryId,
    dedupeKey: dedupeKey(change),
  };
}

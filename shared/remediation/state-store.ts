/**
 * What remediation remembers between events, behind one interface with two implementations:
 * DynamoDB (`DynamoDbStateStore`, the deployed intake) and memory (`MemoryStateStore`, replay and
 * plan). Each operation is atomic on its own: two intakes of the same event racing each other see
 * exactly one `new`, and two actions racing for the same cooldown see exactly one claim.
 */
import type { AlarmState } from './alarm-payload.js';
import type { RemediationDecision } from './decision.js';

/** A state change as the store records it. */
export interface StateChangeRecord {
  readonly alarmName: string;
  readonly state: AlarmState;
  /** Epoch ms of the alarm's state change. */
  readonly stateChangedAt: number;
  /** `dedupeKey(change)`: alarm, state and state-change time. */
  readonly dedupeKey: string;
  /** Epoch seconds after which the record may be forgotten (DynamoDB TTL). */
  readonly expiresAt: number;
  /**
   * Who records it: the intake run and the record's place in its payload. A retry of the same run
   * (Step Functions retrying the intake task after a failure past this write) finds its own record
   * and goes on, so a throttled claim does not turn the only delivery into a `duplicate`.
   */
  readonly attempt: string;
}

/** `new` the first time; `duplicate` when seen before; `stale` when older than the latest state seen for the alarm. */
export type StateChangeOutcome = 'new' | 'duplicate' | 'stale';

/** What an action needs before it may start: every cooldown key free and a slot in the rate window. */
export interface ActionClaim {
  /** Who claims (the `attempt` that recorded the change): only the owner releases a claim, and may claim again. */
  readonly owner: string;
  /** Cooldown keys: the alarm's and the playbook-and-resource's. */
  readonly cooldownKeys: readonly string[];
  /** Epoch ms: the decision's clock. */
  readonly now: number;
  readonly cooldownSeconds: number;
  /** The rate-limit window: its key, the most actions it allows, and when it may be forgotten. */
  readonly rateWindow: { readonly key: string; readonly maxActions: number; readonly expiresAt: number };
}

/** The claim's outcome; a refused claim holds nothing. */
export type ClaimResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'cooldown'; readonly key: string; readonly until: number }
  | { readonly ok: false; readonly reason: 'rate-limit'; readonly count: number };

/** Remediation state: dedupe keys, latest alarm states, cooldowns, rate counters, kill switch and audit trail. */
export interface StateStore {
  /** Records a state change once, and the latest state per alarm. */
  recordStateChange(change: StateChangeRecord): Promise<StateChangeOutcome>;
  /** Claims every cooldown key and one rate slot, all or nothing. */
  claimAction(claim: ActionClaim): Promise<ClaimResult>;
  /** Whether an operator engaged the kill switch at run time (beside the config's). */
  killSwitchEngaged(): Promise<boolean>;
  /** Engages or releases the run-time kill switch. */
  setKillSwitch(engaged: boolean, by: string): Promise<void>;
  /** Appends one decision to the audit trail. */
  appendAudit(decision: RemediationDecision, expiresAt: number): Promise<void>;
  /** The audit trail, newest first. @default limit 50 */
  listAudit(limit?: number): Promise<RemediationDecision[]>;
}

/** Cooldown key of an alarm. */
export function alarmCooldownKey(alarmName: string): string {
  return `cooldown#alarm#${alarmName}`;
}

/** Cooldown key of a playbook acting on a resource (alarms on one resource share it). */
export function resourceCooldownKey(playbook: string, resource: string): string {
  return `cooldown#resource#${playbook}#${resource}`;
}

/** Key of the rate-limit window starting at `windowStart` (epoch ms). */
export function rateWindowKey(windowStart: number): string {
  return `rate#${new Date(windowStart).toISOString()}`;
}

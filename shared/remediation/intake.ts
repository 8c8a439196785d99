/**
 * Intake: from a raw alarm payload to one audited decision per state change. Parse strictly,
 * deduplicate on the alarm and its state-change time, drop stale changes, route to the playbook,
 * then the guardrails in a fixed order (kill switch, change freeze, cooldown, rate limit), then the
 * action mode (dry-run, needs approval, execute). Every decision, rejected payloads included, is
 * written to the audit trail before it is returned. The live re-check of the alarm's state and the
 * approval itself belong to the workflow.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { routeAlarm } from './alarm-catalog.js';
import { type AlarmStateChange, parseAlarmPayload } from './alarm-payload.js';
import { type DecisionKind, type DecisionReason, describeChange, type RemediationDecision } from './decision.js';
import { PLAYBOOKS } from './playbooks.js';
import { activeFreeze, cooldownSeconds, describeFreeze, type GuardrailPolicy, rateWindowStart } from './policy.js';
import { alarmCooldownKey, rateWindowKey, resourceCooldownKey, type StateStore } from './state-store.js';

/**
 * How far a state change may be dated after the intake's clock. CloudWatch stamps the change
 * before it is delivered, so a later time is a broken or forged payload; recorded as the alarm's
 * latest state it would mark every real change after it stale, silencing the alarm for good.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** What intake reads and writes. */
export interface IntakeDependencies {
  readonly policy: GuardrailPolicy;
  readonly store: StateStore;
  /**
   * The decision's clock (epoch ms), given the change it decides on (undefined for a rejected
   * payload). The deployed intake passes the wall clock; replay and plan the change's own time.
   */
  readonly clock: (change: AlarmStateChange | undefined) => number;
  /**
   * This intake run, the same on every retry of it (deployed: the execution name), so a retry
   * after a failure past the dedupe write decides again instead of seeing its own `duplicate`.
   * @default a new id per `intakePayload` call: no retry is recognised
   */
  readonly attempt?: string;
}

/** Decides on every state change of `payload`; a malformed payload gives one audited `reject`. */
export async function intakePayload(payload: unknown, deps: IntakeDependencies): Promise<RemediationDecision[]> {
  let changes: AlarmStateChange[];
  try {
    changes = parseAlarmPayload(payload);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return [await rejectPayload(error, deps)];
  }
  const decisions: RemediationDecision[] = [];
  const attempt = deps.attempt ?? randomUUID();
  // In order: the second of two identical SNS records must see the first one's dedupe key (each
  // record is its own attempt, so a copy in the same payload is still a duplicate).
  for (const [index, change] of changes.entries()) {
    decisions.push(await decideOnChange(change, { ...deps, attempt: `${attempt}#${index}` }));
  }
  return decisions;
}

/** The audited `reject` of a payload that failed to parse (also for callers that parse text themselves). */
export async function rejectPayload(error: ValidationError, deps: IntakeDependencies): Promise<RemediationDecision> {
  const now = deps.clock(undefined);
  const decision: RemediationDecision = {
    decision: 'reject',
    reason: 'malformed',
    detail: error.message,
    decidedAt: new Date(now).toISOString(),
  };
  await deps.store.appendAudit(decision, expiry(now, deps.policy));
  return decision;
}

/** Decides on one parsed state change and audits the decision. */
export async function decideOnChange(change: AlarmStateChange, deps: IntakeDependencies): Promise<RemediationDecision> {
  const { policy, store } = deps;
  const attempt = deps.attempt ?? randomUUID();
  const now = deps.clock(change);
  const described = describeChange(change);
  const route = routeAlarm(change.alarmName, policy.catalog);
  const playbook = route ? PLAYBOOKS[route.playbook] : undefined;
  const base = {
    decidedAt: new Date(now).toISOString(),
    change: described,
    ...(route && playbook
      ? {
          playbook: route.playbook,
          resource: route.resource,
          disruptive: playbook.disruptive,
          cooldownSeconds: cooldownSeconds(policy, route.playbook),
        }
      : {}),
  };
  const decide = async (decision: DecisionKind, reason: DecisionReason, detail: string, extra = {}) => {
    const record: RemediationDecision = { decision, reason, detail, ...base, ...extra };
    await store.appendAudit(record, expiry(now, policy));
    return record;
  };

  const changedAt = Date.parse(change.stateChangedAt);
  if (changedAt > now + MAX_FUTURE_SKEW_MS) {
    return decide(
      'reject',
      'malformed',
      `${change.alarmName} changed state at ${change.stateChangedAt}, in the future of ${iso(now)}: not a real state change`,
    );
  }
  const outcome = await store.recordStateChange({
    alarmName: change.alarmName,
    state: change.state,
    stateChangedAt: changedAt,
    dedupeKey: described.dedupeKey,
    expiresAt: expiry(now, policy),
    attempt,
  });
  if (outcome === 'duplicate') {
    return decide(
      'ignore',
      'duplicate',
      `${change.alarmName} ${change.state} at ${change.stateChangedAt} was already seen`,
    );
  }
  if (outcome === 'stale') {
    return decide(
      'ignore',
      'stale',
      `a newer state of ${change.alarmName} than ${change.stateChangedAt} was already seen`,
    );
  }
  if (change.state !== 'ALARM') {
    return decide('ignore', 'not-in-alarm', `${change.alarmName} is ${change.state}: nothing to remediate`);
  }
  if (change.actionsSuppressedBy !== undefined) {
    return decide(
      'ignore',
      'actions-suppressed',
      `CloudWatch suppresses the actions of ${change.alarmName} (${change.actionsSuppressedBy})`,
    );
  }
  if (route === undefined || playbook === undefined) {
    return decide('ignore', 'no-playbook', `${change.alarmName} is not an alarm of ${policy.env} with a playbook`);
  }
  if (policy.killSwitch || (await store.killSwitchEngaged())) {
    const where = policy.killSwitch ? 'in the config (remediation.killSwitch)' : 'by an operator';
    return decide('suppress', 'kill-switch', `the kill switch is engaged ${where}`);
  }
  const freeze = playbook.disruptive ? activeFreeze(policy, now) : undefined;
  if (freeze !== undefined) {
    return decide('suppress', 'change-freeze', `change freeze ${describeFreeze(freeze)}`);
  }
  const cooldown = cooldownSeconds(policy, route.playbook);
  const windowStart = rateWindowStart(policy, now);
  const claim = await store.claimAction({
    owner: attempt,
    cooldownKeys: [alarmCooldownKey(change.alarmName), resourceCooldownKey(route.playbook, route.resource)],
    now,
    cooldownSeconds: cooldown,
    rateWindow: {
      key: rateWindowKey(windowStart),
      maxActions: policy.rateLimit.maxActions,
      expiresAt: Math.ceil((windowStart + 2 * policy.rateLimit.windowSeconds * 1000) / 1000),
    },
  });
  if (!claim.ok && claim.reason === 'cooldown') {
    const what = claim.key.startsWith('cooldown#alarm#') ? 'this alarm' : `${route.playbook} on ${route.resource}`;
    return decide(
      'suppress',
      'cooldown',
      `${what} acted less than ${cooldown} s ago: cooling down until ${iso(claim.until)}`,
    );
  }
  if (!claim.ok) {
    return decide(
      'suppress',
      'rate-limit',
      `${claim.count} actions already started in the ${policy.rateLimit.windowSeconds} s window from ${iso(windowStart)} (maximum ${policy.rateLimit.maxActions})`,
    );
  }
  if (policy.dryRun) {
    return decide('act', 'dry-run', `${route.playbook} plans only: ${policy.env} is in dry-run`);
  }
  if (policy.approvalRequired && playbook.disruptive) {
    return decide(
      'act',
      'needs-approval',
      `${route.playbook} is disruptive: it waits up to ${policy.approvalTimeoutSeconds} s for an approval (no answer means deny)`,
      { approvalTimeoutSeconds: policy.approvalTimeoutSeconds },
    );
  }
  return decide('act', 'execute', `${route.playbook} on ${route.resource}`);
}

function expiry(now: number, policy: GuardrailPolicy): number {
  return Math.ceil(now / 1000) + policy.retentionSeconds;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

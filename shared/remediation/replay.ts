/**
 * Replay of a recorded stream of alarm payloads (one per line, any envelope) through intake,
 * deduplication, guardrails and playbook choice, with an in-memory store and each event's own
 * state-change time as the clock: what remediation would have decided, without any AWS call.
 */
import { ValidationError } from '../errors.js';
import { type AlarmStateChange, parseAlarmPayloadText } from './alarm-payload.js';
import type { DecisionKind, RemediationDecision } from './decision.js';
import { decideOnChange, type IntakeDependencies, rejectPayload } from './intake.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { GuardrailPolicy } from './policy.js';

/** One output line: one per state change (an SNS line with several records gives several), or one per rejected line. */
export interface ReplayLine {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly alarm: string | null;
  readonly state: string | null;
  readonly decision: DecisionKind;
  /** The reason code (`cooldown`, `duplicate`, ...). */
  readonly reason: string;
  readonly playbook: string | null;
  readonly cooldownSeconds: number | null;
  /** The state-change time the decision was taken at. */
  readonly at: string | null;
  /** The reason in words (for `reject`, what is wrong with the line). */
  readonly detail: string;
}

/** Counts over the whole replay. */
export interface ReplaySummary {
  /** Non-blank input lines. */
  readonly lines: number;
  /** Output lines (state changes plus rejected lines). */
  readonly decisions: number;
  readonly byDecision: Readonly<Record<DecisionKind, number>>;
  readonly byReason: Readonly<Record<string, number>>;
  /** `act` decisions per playbook: the remediations that would have started. */
  readonly actionsByPlaybook: Readonly<Record<string, number>>;
  /** `act` decisions per alarm. */
  readonly actionsByAlarm: Readonly<Record<string, number>>;
}

/**
 * Replays `lines` under `policy`; `onLine` receives each output line as it is decided. Each change is
 * decided at its own time, but never after `wallClock` (epoch ms): a line dated in the future is
 * rejected as the deployed intake, on the wall clock, rejects it, instead of acting and making the
 * later lines look stale.
 */
export async function replayStream(
  lines: Iterable<string>,
  policy: GuardrailPolicy,
  onLine: (line: ReplayLine) => void,
  wallClock: number = Date.now(),
): Promise<ReplaySummary> {
  // A rejected line has no time of its own: it is stamped with the latest time seen.
  let latest = 0;
  const deps: IntakeDependencies = {
    policy,
    store: new MemoryStateStore(),
    clock: (change: AlarmStateChange | undefined) => {
      if (change === undefined) return latest;
      const at = Math.min(Date.parse(change.stateChangedAt), wallClock);
      latest = Math.max(latest, at);
      return at;
    },
  };
  const counts = { lines: 0, decisions: 0 };
  const byDecision: Record<DecisionKind, number> = { act: 0, suppress: 0, ignore: 0, reject: 0 };
  const byReason: Record<string, number> = {};
  const actionsByPlaybook: Record<string, number> = {};
  const actionsByAlarm: Record<string, number> = {};
  const emit = (line: number, decision: RemediationDecision) => {
    counts.decisions += 1;
    byDecision[decision.decision] += 1;
    byReason[decision.reason] = (byReason[decision.reason] ?? 0) + 1;
    if (decision.decision === 'act' && decision.playbook && decision.change) {
      actionsByPlaybook[decision.playbook] = (actionsByPlaybook[decision.playbook] ?? 0) + 1;
      actionsByAlarm[decision.change.alarmName] = (actionsByAlarm[decision.change.alarmName] ?? 0) + 1;
    }
    onLine(toReplayLine(line, decision));
  };

  let number = 0;
  for (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    counts.lines += 1;
    let changes: AlarmStateChange[];
    try {
      changes = parseAlarmPayloadText(text);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      emit(number, await rejectPayload(error, deps));
      continue;
    }
    for (const change of changes) emit(number, await decideOnChange(change, deps));
  }
  return { ...counts, byDecision, byReason, actionsByPlaybook, actionsByAlarm };
}

/** The replay's output line of one decision. */
export function toReplayLine(line: number, decision: RemediationDecision): ReplayLine {
  return {
    line,
    alarm: decision.change?.alarmName ?? null,
    state: decision.change?.state ?? null,
    decision: decision.decision,
    reason: decision.reason,
    playbook: decision.playbook ?? null,
    cooldownSeconds: decision.cooldownSeconds ?? null,
    at: decision.change?.stateChangedAt ?? null,
    detail: decision.detail,
  };
}

/**
 * Alarm storm bench: 1,000 alarm payloads over 50 alarms (the prod catalog's 12 and 38 security
 * alarms), with repeated deliveries (EventBridge retries, SNS copies, two-record notifications),
 * flapping alarms and out-of-order deliveries, run through the real intake with the in-memory store
 * and the delivery time as the clock (as the deployed intake, which reads the wall clock).
 *
 * The oracle, checked over the decisions:
 *   - at most one per cooldown: for every cooldown key (the alarm's, and the playbook's on its
 *     resource), two started remediations are at least that cooldown apart;
 *   - none spurious: every start is the first delivery of an ALARM state change;
 *   - none missed: every ALARM state change that was still its alarm's latest state when first
 *     delivered (no later change of that alarm delivered before it) either started a remediation
 *     or arrived while a remediation sharing one of its cooldown keys was cooling down.
 * The guardrails other than the cooldown (rate limit, approval) are measured apart: the oracle run
 * lifts the rate limit, and a second run with prod's configured policy reports what it suppresses.
 * Cost: wall time of intake per payload and the state-store requests it makes (DynamoDB requests
 * in the deployed store: each conditional write, release and read).
 *
 * `npx tsx bench/remediation-storm.ts` prints the result.
 */
import { loadConfig } from '../infra/config/index.js';
import { catalogAlarms } from '../shared/remediation/alarm-catalog.js';
import type { RemediationDecision } from '../shared/remediation/decision.js';
import { intakePayload } from '../shared/remediation/intake.js';
import { MemoryStateStore } from '../shared/remediation/memory-state-store.js';
import { type GuardrailPolicy, policyFromConfig } from '../shared/remediation/policy.js';
import type {
  ActionClaim,
  ClaimResult,
  StateChangeOutcome,
  StateChangeRecord,
  StateStore,
} from '../shared/remediation/state-store.js';
import { eventBridgeAlarmEvent, snsAlarmEvent } from '../tests/support/alarm-events.js';

/** What the bench reports. */
export interface RemediationStormResult {
  readonly events: number;
  readonly alarms: number;
  readonly flappingAlarms: number;
  /** True state changes delivered at least once, and the ALARM ones among them. */
  readonly stateChanges: number;
  readonly alarmStateChanges: number;
  /** Payloads repeating a state change already delivered. */
  readonly repeatedDeliveries: number;
  /** Payloads older than a state of the same alarm delivered before them. */
  readonly outOfOrderDeliveries: number;
  readonly oracle: {
    readonly started: number;
    readonly byReason: Readonly<Record<string, number>>;
    readonly cooldownViolations: number;
    readonly spuriousStarts: number;
    readonly missed: number;
    readonly passed: boolean;
  };
  /** The same stream under prod's configured guardrails (rate limit, approval). */
  readonly prodPolicy: { readonly started: number; readonly byReason: Readonly<Record<string, number>> };
  readonly cost: {
    readonly meanMicrosPerEvent: number;
    readonly p95MicrosPerEvent: number;
    readonly storeWritesPerEvent: number;
    readonly storeReadsPerEvent: number;
  };
}

const EVENTS = 1000;
const ALARMS = 50;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run replays the same storm. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Transition {
  readonly alarmName: string;
  readonly state: 'ALARM' | 'OK';
  readonly at: number;
}

interface Delivery {
  readonly transition: Transition;
  readonly deliveredAt: number;
  readonly payload: unknown;
}

/** The storm: every alarm's true transitions, each delivered one to three times, some late. */
function generateStorm(alarmNames: readonly string[]): { deliveries: Delivery[]; flapping: number } {
  const rand = random(20260302);
  const transitions: Transition[] = [];
  let flapping = 0;
  alarmNames.forEach((alarmName, i) => {
    const flaps = i % 4 === 0;
    if (flaps) flapping += 1;
    let at = T0 + Math.floor(rand() * 20) * MINUTE;
    let state: 'ALARM' | 'OK' = 'ALARM';
    // Flapping: a transition every 1-6 minutes for four hours; otherwise a few long episodes.
    while (at < T0 + 240 * MINUTE) {
      transitions.push({ alarmName, state, at: at + Math.floor(rand() * 1000) });
      at += (flaps ? 1 + rand() * 5 : state === 'ALARM' ? 5 + rand() * 35 : 20 + rand() * 60) * MINUTE;
      state = state === 'ALARM' ? 'OK' : 'ALARM';
    }
  });
  const deliveries: Delivery[] = [];
  for (const transition of transitions) {
    const copies = 1 + (rand() < 0.35 ? 1 : 0) + (rand() < 0.1 ? 1 : 0);
    for (let copy = 0; copy < copies; copy++) {
      // Most arrive within 20 s; one in seven is late by 1-8 minutes (out of order).
      const delay = rand() < 0.15 ? (1 + rand() * 7) * MINUTE : rand() * 20_000;
      const spec = {
        alarmName: transition.alarmName,
        state: transition.state,
        at: new Date(transition.at).toISOString(),
      };
      const envelope = rand();
      const payload =
        envelope < 0.6
          ? eventBridgeAlarmEvent({ ...spec, deliveryId: `eb-${deliveries.length}` })
          : snsAlarmEvent({ ...spec, deliveryId: `sns-${deliveries.length}` }, envelope < 0.7 ? 2 : 1);
      deliveries.push({ transition, deliveredAt: transition.at + delay, payload });
    }
  }
  deliveries.sort((a, b) => a.deliveredAt - b.deliveredAt);
  return { deliveries: deliveries.slice(0, EVENTS), flapping };
}

/** A memory store counting the requests the DynamoDB store would make for the same operations. */
class CountingStore implements StateStore {
  writes = 0;
  reads = 0;
  private readonly inner = new MemoryStateStore();

  async recordStateChange(change: StateChangeRecord): Promise<StateChangeOutcome> {
    const outcome = await this.inner.recordStateChange(change);
    this.writes += outcome === 'duplicate' ? 1 : 2;
    return outcome;
  }

  async claimAction(claim: ActionClaim): Promise<ClaimResult> {
    const result = await this.inner.claimAction(claim);
    const keys = claim.cooldownKeys.length;
    if (result.ok) this.writes += keys + 1;
    else if (result.reason === 'cooldown') {
      const position = claim.cooldownKeys.indexOf(result.key);
      this.writes += 2 * position + 1;
      this.reads += 1;
    } else {
      this.writes += 2 * keys + 1;
      this.reads += 1;
    }
    return result;
  }

  async killSwitchEngaged(): Promise<boolean> {
    this.reads += 1;
    return this.inner.killSwitchEngaged();
  }

  async setKillSwitch(engaged: boolean): Promise<void> {
    await this.inner.setKillSwitch(engaged);
  }

  async appendAudit(decision: RemediationDecision): Promise<void> {
    this.writes += 1;
    await this.inner.appendAudit(decision);
  }

  async listAudit(limit?: number): Promise<RemediationDecision[]> {
    return this.inner.listAudit(limit);
  }
}

interface Decided {
  readonly delivery: Delivery;
  readonly index: number;
  readonly decision: RemediationDecision;
}

async function runStream(deliveries: readonly Delivery[], policy: GuardrailPolicy) {
  const store = new CountingStore();
  const decided: Decided[] = [];
  const micros: number[] = [];
  for (const [index, delivery] of deliveries.entries()) {
    const started = performance.now();
    const decisions = await intakePayload(delivery.payload, { policy, store, clock: () => delivery.deliveredAt });
    micros.push((performance.now() - started) * 1000);
    for (const decision of decisions) decided.push({ delivery, index, decision });
  }
  const byReason: Record<string, number> = {};
  for (const { decision } of decided) byReason[decision.reason] = (byReason[decision.reason] ?? 0) + 1;
  return { decided, byReason, micros, store };
}

const keysOf = (decision: RemediationDecision): string[] => [
  `alarm ${decision.change?.alarmName}`,
  `resource ${decision.playbook} ${decision.resource}`,
];

/** The oracle's three checks over one run's decisions. */
function checkOracle(deliveries: readonly Delivery[], decided: readonly Decided[]) {
  const starts = decided.filter((d) => d.decision.decision === 'act');
  let cooldownViolations = 0;
  const byKey = new Map<string, Decided[]>();
  for (const start of starts)
    for (const key of keysOf(start.decision)) byKey.set(key, [...(byKey.get(key) ?? []), start]);
  for (const list of byKey.values()) {
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1] as Decided;
      const gap = (list[i] as Decided).delivery.deliveredAt - previous.delivery.deliveredAt;
      if (gap < (previous.decision.cooldownSeconds ?? 0) * 1000) cooldownViolations += 1;
    }
  }

  const firstDelivery = new Map<Transition, number>();
  deliveries.forEach((delivery, index) => {
    if (!firstDelivery.has(delivery.transition)) firstDelivery.set(delivery.transition, index);
  });
  const spuriousStarts = starts.filter(
    (start) =>
      start.delivery.transition.state !== 'ALARM' || firstDelivery.get(start.delivery.transition) !== start.index,
  ).length;

  let missed = 0;
  for (const [transition, index] of firstDelivery) {
    if (transition.state !== 'ALARM') continue;
    const supersededBefore = deliveries
      .slice(0, index)
      .some((d) => d.transition.alarmName === transition.alarmName && d.transition.at > transition.at);
    if (supersededBefore) continue;
    const decision = decided.find((d) => d.index === index)?.decision;
    if (decision === undefined) continue;
    const keys = new Set(keysOf(decision));
    const deliveredAt = (deliveries[index] as Delivery).deliveredAt;
    const covered = starts.some(
      (start) =>
        start.delivery.deliveredAt <= deliveredAt &&
        deliveredAt < start.delivery.deliveredAt + (start.decision.cooldownSeconds ?? 0) * 1000 &&
        keysOf(start.decision).some((key) => keys.has(key)),
    );
    if (!covered) missed += 1;
  }
  return { started: starts.length, cooldownViolations, spuriousStarts, missed };
}

/** Runs the storm twice (oracle policy, prod policy) and returns the figures. */
export async function runRemediationStormBench(): Promise<RemediationStormResult> {
  const config = loadConfig('prod');
  const prodPolicy = policyFromConfig(config);
  const catalog = catalogAlarms(prodPolicy.catalog).map((alarm) => alarm.alarmName);
  const alarmNames = [
    ...catalog,
    ...Array.from({ length: ALARMS - catalog.length }, (_, i) => `interactions-prod-security-storm-${i + 1}`),
  ];
  const { deliveries, flapping } = generateStorm(alarmNames);

  const transitions = new Set(deliveries.map((d) => d.transition));
  let outOfOrder = 0;
  const newest = new Map<string, number>();
  for (const { transition } of deliveries) {
    if (transition.at < (newest.get(transition.alarmName) ?? 0)) outOfOrder += 1;
    newest.set(transition.alarmName, Math.max(transition.at, newest.get(transition.alarmName) ?? 0));
  }

  const oraclePolicy: GuardrailPolicy = {
    ...prodPolicy,
    rateLimit: { maxActions: Number.MAX_SAFE_INTEGER, windowSeconds: 3600 },
  };
  const oracleRun = await runStream(deliveries, oraclePolicy);
  const oracle = checkOracle(deliveries, oracleRun.decided);
  const prodRun = await runStream(deliveries, prodPolicy);

  // Timed on the second pass over the stream, so JIT warm-up is not counted.
  const sorted = [...prodRun.micros].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const result: RemediationStormResult = {
    events: deliveries.length,
    alarms: new Set(deliveries.map((d) => d.transition.alarmName)).size,
    flappingAlarms: flapping,
    stateChanges: transitions.size,
    alarmStateChanges: [...transitions].filter((t) => t.state === 'ALARM').length,
    repeatedDeliveries: deliveries.length - transitions.size,
    outOfOrderDeliveries: outOfOrder,
    oracle: {
      ...oracle,
      byReason: oracleRun.byReason,
      passed: oracle.cooldownViolations === 0 && oracle.spuriousStarts === 0 && oracle.missed === 0,
    },
    prodPolicy: {
      started: prodRun.decided.filter((d) => d.decision.decision === 'act').length,
      byReason: prodRun.byReason,
    },
    cost: {
      meanMicrosPerEvent: round(sorted.reduce((sum, n) => sum + n, 0) / sorted.length),
      p95MicrosPerEvent: round(sorted[Math.ceil(0.95 * sorted.length) - 1] ?? Number.NaN),
      storeWritesPerEvent: round(prodRun.store.writes / deliveries.length),
      storeReadsPerEvent: round(prodRun.store.reads / deliveries.length),
    },
  };
  console.log(`\nAlarm storm through remediation intake\n  ${describeRemediationStorm(result).join('\n  ')}`);
  return result;
}

/** The result as lines for the console and docs/benchmarks.md. */
export function describeRemediationStorm(r: RemediationStormResult): string[] {
  return [
    `${r.events} alarm payloads over ${r.alarms} alarms (${r.flappingAlarms} flapping): ${r.stateChanges} state changes`,
    `(${r.alarmStateChanges} to ALARM), ${r.repeatedDeliveries} repeated deliveries, ${r.outOfOrderDeliveries} out of order.`,
    `Cooldown oracle (rate limit lifted): ${r.oracle.started} remediations started; ${r.oracle.cooldownViolations} cooldown`,
    `violations, ${r.oracle.spuriousStarts} spurious, ${r.oracle.missed} missed: ${r.oracle.passed ? 'PASSED' : 'FAILED'}.`,
    `Decisions: ${JSON.stringify(r.oracle.byReason)}.`,
    `Prod's configured guardrails: ${r.prodPolicy.started} started; ${JSON.stringify(r.prodPolicy.byReason)}.`,
    `Intake cost per payload (in-memory store, prod policy): mean ${r.cost.meanMicrosPerEvent} µs, p95 ${r.cost.p95MicrosPerEvent} µs;`,
    `${r.cost.storeWritesPerEvent} state-store writes and ${r.cost.storeReadsPerEvent} reads (DynamoDB requests when deployed).`,
  ];
}

if (process.argv[1]?.endsWith('remediation-storm.ts')) {
  const result = await runRemediationStormBench();
  if (!result.oracle.passed) process.exitCode = 1;
}

/**
 * The state store in memory: replay, plan and tests. Same semantics as the DynamoDB store (the
 * shared contract tests run against both); single-threaded, so every operation is atomic.
 */
import type { RemediationDecision } from './decision.js';
import type { ActionClaim, ClaimResult, StateChangeOutcome, StateChangeRecord, StateStore } from './state-store.js';

/** A `StateStore` held in maps; nothing expires (a replay is short). */
export class MemoryStateStore implements StateStore {
  /** Dedupe key -> the attempt that recorded it. */
  private readonly seen = new Map<string, string>();
  private readonly latest = new Map<string, { at: number; attempt: string }>();
  private readonly cooldowns = new Map<string, { until: number; owner: string }>();
  private readonly rateCounts = new Map<string, number>();
  private readonly audit: RemediationDecision[] = [];
  private killSwitch = false;

  async recordStateChange(change: StateChangeRecord): Promise<StateChangeOutcome> {
    const recordedBy = this.seen.get(change.dedupeKey);
    if (recordedBy !== undefined && recordedBy !== change.attempt) return 'duplicate';
    this.seen.set(change.dedupeKey, change.attempt);
    const latest = this.latest.get(change.alarmName);
    const ownRetry = latest?.at === change.stateChangedAt && latest.attempt === change.attempt;
    if (latest !== undefined && change.stateChangedAt <= latest.at && !ownRetry) return 'stale';
    this.latest.set(change.alarmName, { at: change.stateChangedAt, attempt: change.attempt });
    return 'new';
  }

  async claimAction(claim: ActionClaim): Promise<ClaimResult> {
    for (const key of claim.cooldownKeys) {
      const held = this.cooldowns.get(key);
      if (held !== undefined && held.until > claim.now && held.owner !== claim.owner)
        return { ok: false, reason: 'cooldown', key, until: held.until };
    }
    const count = this.rateCounts.get(claim.rateWindow.key) ?? 0;
    if (count >= claim.rateWindow.maxActions) return { ok: false, reason: 'rate-limit', count };
    this.rateCounts.set(claim.rateWindow.key, count + 1);
    for (const key of claim.cooldownKeys) {
      this.cooldowns.set(key, { until: claim.now + claim.cooldownSeconds * 1000, owner: claim.owner });
    }
    return { ok: true };
  }

  async killSwitchEngaged(): Promise<boolean> {
    return this.killSwitch;
  }

  async setKillSwitch(engaged: boolean): Promise<void> {
    this.killSwitch = engaged;
  }

  async appendAudit(decision: RemediationDecision): Promise<void> {
    this.audit.push(decision);
  }

  async listAudit(limit = 50): Promise<RemediationDecision[]> {
    return this.audit.slice(-limit).reverse();
  }
}

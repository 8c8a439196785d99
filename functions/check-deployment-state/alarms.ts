/** The alarms check: none of the environment's alarms (`interactions-<env>-*`) is in ALARM. */
import type { CheckOutcome } from '../../shared/probes/check.js';

/** An alarm in ALARM: its name and why (CloudWatch's StateReason). */
export interface FiringAlarm {
  readonly name: string;
  readonly reason?: string;
}

/**
 * Fails naming every alarm in ALARM. On blue/green test traffic (`onTestTraffic`) the alarms are
 * reported but do not fail: only test traffic has reached the new revision, so a production alarm
 * describes the release being replaced — failing would roll back the very fix meant to clear it —
 * and ECS's deployment alarms judge the new revision during its bake time.
 */
export function evaluateAlarms(firing: readonly FiringAlarm[], prefix: string, onTestTraffic = false): CheckOutcome {
  if (firing.length === 0) return { status: 'pass', finding: `no alarm ${prefix}* in ALARM` };
  const listed = firing.map((a) => (a.reason === undefined ? a.name : `${a.name} (${a.reason})`));
  if (onTestTraffic) {
    return {
      status: 'pass',
      finding: `${firing.length} in ALARM on production traffic, not gating the new revision (test traffic only; the deployment alarms watch its bake time): ${listed.join('; ')}`,
    };
  }
  return { status: 'fail', finding: `${firing.length} in ALARM: ${listed.join('; ')}` };
}

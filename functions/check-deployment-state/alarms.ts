/** The alarms check: none of the environment's alarms (`interactions-<env>-*`) is in ALARM. */
import type { CheckOutcome } from '../../shared/probes/check.js';

/** An alarm in ALARM: its name and why (CloudWatch's StateReason). */
export interface FiringAlarm {
  readonly name: string;
  readonly reason?: string;
}

/** Fails naming every alarm in ALARM. */
export function evaluateAlarms(firing: readonly FiringAlarm[], prefix: string): CheckOutcome {
  if (firing.length === 0) return { status: 'pass', finding: `no alarm ${prefix}* in ALARM` };
  const listed = firing.map((a) => (a.reason === undefined ? a.name : `${a.name} (${a.reason})`));
  return { status: 'fail', finding: `${firing.length} in ALARM: ${listed.join('; ')}` };
}

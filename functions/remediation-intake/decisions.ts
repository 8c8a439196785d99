/**
 * What the workflow needs of each intake decision, besides the decision itself: the alarm as the
 * playbooks read it (only for `act`), the severity its notification goes to, a console link to the
 * alarm and when its audit records expire.
 */
import type { RemediationDecision } from '../../shared/remediation/decision.js';
import type { PlaybookId } from '../../shared/remediation/playbooks.js';
import type { Severity } from '../../shared/schemas.js';
import type { PlaybookAlarm } from '../../workflows/alarm-remediation/contract.js';

/** A decision as the workflow's Map iterates over it. */
export interface WorkflowDecision extends Omit<RemediationDecision, 'playbook'> {
  /** The routed playbook; null when the alarm has none or the payload was rejected (JSONPath needs the field). */
  readonly playbook: PlaybookId | null;
  /** The alarm as a playbook reads it; null unless the decision is `act`. */
  readonly alarm: PlaybookAlarm | null;
  /** Name of the alarm, or null for a rejected payload. */
  readonly alarmName: string | null;
  /** The topic the outcome goes to: the alarm's configured severity, `low` for a rejected payload. */
  readonly severity: Severity;
  /** Console page of the alarm; null for a rejected payload. */
  readonly alarmUrl: string | null;
  /** Epoch seconds when the outcome's audit record expires (the decision's own retention). */
  readonly auditExpiresAt: number;
}

/** Console page of a CloudWatch alarm. */
function alarmConsoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** Severity of an alarm from the stack's map (alarm name -> severity); alarms it does not list notify `medium`. */
function severityOf(alarmName: string | undefined, severities: Readonly<Record<string, Severity>>): Severity {
  if (alarmName === undefined) return 'low';
  return severities[alarmName] ?? 'medium';
}

/** Adds the workflow's fields to a decision. */
export function forWorkflow(
  decision: RemediationDecision,
  options: {
    readonly region: string;
    readonly severities: Readonly<Record<string, Severity>>;
    readonly retentionSeconds: number;
  },
): WorkflowDecision {
  const change = decision.change;
  const alarm: PlaybookAlarm | null =
    decision.decision === 'act' && change !== undefined && change.state === 'ALARM'
      ? { name: change.alarmName, state: 'ALARM', changedAt: change.stateChangedAt }
      : null;
  return {
    ...decision,
    playbook: decision.playbook ?? null,
    alarm,
    alarmName: change?.alarmName ?? null,
    // A rejected payload is low whatever alarm it names (a future-dated change names one).
    severity: decision.decision === 'reject' ? 'low' : severityOf(change?.alarmName, options.severities),
    alarmUrl: change === undefined ? null : alarmConsoleUrl(options.region, change.alarmName),
    auditExpiresAt: Math.ceil(Date.parse(decision.decidedAt) / 1000) + options.retentionSeconds,
  };
}

/**
 * Alarm remediation settings of one environment: the guardrails every playbook runs under
 * (cooldowns, rate limit, kill switch, change freezes, dry-run, approval) and the state table.
 * `shared/remediation/policy.ts` turns them into the one guardrail policy.
 */
import type { PlaybookId } from '../../shared/remediation/playbooks.js';
import { PLAYBOOK_IDS } from '../../shared/remediation/playbooks.js';
import type { EnvironmentName } from './types.js';

/**
 * A period in which disruptive playbooks do not act (they are suppressed and audited; diagnostics
 * and notifications still run). `once`: a release freeze between two instants (ISO 8601 with an
 * offset). `weekly`: a recurring UTC window in RDS syntax, `ddd:hh:mm-ddd:hh:mm` (may wrap Sunday).
 */
export type FreezeWindow =
  | { readonly kind: 'once'; readonly start: string; readonly end: string; readonly reason: string }
  | { readonly kind: 'weekly'; readonly window: string; readonly reason: string };

/** Alarm remediation (issue "Alarm remediation"): guardrails and state. */
export interface RemediationConfig {
  /** DynamoDB table of dedupe keys, latest alarm states, cooldowns, rate counters and the audit trail. */
  readonly tableName: string;
  /** Stops every action (decisions are still made and audited as suppressed). */
  readonly killSwitch: boolean;
  /** Plan only: playbooks describe what they would do and change nothing. */
  readonly dryRun: boolean;
  /** Disruptive playbooks wait for a human approval (task token) before acting. */
  readonly approvalRequired: boolean;
  /** No answer within this time means deny. */
  readonly approvalTimeoutMinutes: number;
  /** Minimum time between two actions for the same alarm, and for the same playbook on the same resource. */
  readonly cooldownMinutes: number;
  /** Per-playbook cooldowns where the default does not fit (RDS allows one storage change per 6 hours). */
  readonly playbookCooldownMinutes: Readonly<Partial<Record<PlaybookId, number>>>;
  /** At most `maxActions` actions in the environment per fixed window of `windowMinutes`. */
  readonly rateLimit: { readonly maxActions: number; readonly windowMinutes: number };
  /** Change freezes. */
  readonly freezeWindows: readonly FreezeWindow[];
  /** Days audit records and dedupe keys are kept (DynamoDB TTL). */
  readonly auditRetentionDays: number;
}

/** The state table's name: `interactions-<env>-remediation`. */
export function remediationTableName(env: EnvironmentName): string {
  return `interactions-${env}-remediation`;
}

/**
 * The settings every environment starts from; they differ only in whether disruptive playbooks wait
 * for an approval (prod) and in the rate limit.
 */
export function defaultRemediation(
  env: EnvironmentName,
  differences: Pick<RemediationConfig, 'approvalRequired'> & { readonly maxActionsPerHour: number },
): RemediationConfig {
  return {
    tableName: remediationTableName(env),
    killSwitch: false,
    dryRun: false,
    approvalRequired: differences.approvalRequired,
    approvalTimeoutMinutes: 30,
    cooldownMinutes: 30,
    // RDS accepts one storage modification per 6 hours: an earlier second attempt would only fail.
    playbookCooldownMinutes: { 'rds-storage': 360 },
    rateLimit: { maxActions: differences.maxActionsPerHour, windowMinutes: 60 },
    freezeWindows: [],
    auditRetentionDays: 90,
  };
}

/** RDS-style weekly window, `ddd:hh:mm-ddd:hh:mm`. */
export const WEEKLY_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Every problem of an environment's remediation settings, each naming its field. */
export function validateRemediationConfig(env: EnvironmentName, remediation: RemediationConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  const positiveInt = (value: number, field: string): void =>
    check(Number.isInteger(value) && value > 0, `remediation.${field}: must be a positive whole number, got ${value}`);

  check(
    remediation.tableName === remediationTableName(env),
    `remediation.tableName: must be '${remediationTableName(env)}', got '${remediation.tableName}'`,
  );
  positiveInt(remediation.approvalTimeoutMinutes, 'approvalTimeoutMinutes');
  positiveInt(remediation.cooldownMinutes, 'cooldownMinutes');
  for (const [playbook, minutes] of Object.entries(remediation.playbookCooldownMinutes)) {
    check(
      (PLAYBOOK_IDS as readonly string[]).includes(playbook),
      `remediation.playbookCooldownMinutes: '${playbook}' is not a playbook (${PLAYBOOK_IDS.join(', ')})`,
    );
    positiveInt(minutes ?? 0, `playbookCooldownMinutes.${playbook}`);
  }
  positiveInt(remediation.rateLimit.maxActions, 'rateLimit.maxActions');
  positiveInt(remediation.rateLimit.windowMinutes, 'rateLimit.windowMinutes');
  positiveInt(remediation.auditRetentionDays, 'auditRetentionDays');
  remediation.freezeWindows.forEach((window, i) => {
    const field = `remediation.freezeWindows[${i}]`;
    check(window.reason.trim() !== '', `${field}.reason: say why changes are frozen`);
    if (window.kind === 'weekly') {
      check(WEEKLY_WINDOW.test(window.window), `${field}.window: '${window.window}' is not 'ddd:hh:mm-ddd:hh:mm'`);
      return;
    }
    const valid = (value: string) => ISO_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value));
    check(valid(window.start), `${field}.start: '${window.start}' is not an ISO 8601 time with an offset`);
    check(valid(window.end), `${field}.end: '${window.end}' is not an ISO 8601 time with an offset`);
    if (valid(window.start) && valid(window.end)) {
      check(Date.parse(window.start) < Date.parse(window.end), `${field}: start must be before end`);
    }
  });
  if (env === 'prod') {
    check(remediation.approvalRequired, 'remediation.approvalRequired: prod needs approval for disruptive playbooks');
  }
  return problems;
}

/**
 * The one guardrail policy every playbook runs under, built from the environment's config
 * (`remediation` for the guardrails, `cache.numNodes` for routing), plus the pure checks on it.
 */
import type { EnvironmentConfig, EnvironmentName, FreezeWindow } from '../../infra/config/types.js';
import type { CatalogScope } from './alarm-catalog.js';
import type { PlaybookId } from './playbooks.js';

/** The guardrails of one environment, in seconds. */
export interface GuardrailPolicy {
  readonly env: EnvironmentName;
  /** Which alarms exist and where they route. */
  readonly catalog: CatalogScope;
  readonly killSwitch: boolean;
  readonly dryRun: boolean;
  /** Disruptive playbooks wait for approval. */
  readonly approvalRequired: boolean;
  readonly approvalTimeoutSeconds: number;
  readonly defaultCooldownSeconds: number;
  readonly playbookCooldownSeconds: Readonly<Partial<Record<PlaybookId, number>>>;
  readonly rateLimit: { readonly maxActions: number; readonly windowSeconds: number };
  readonly freezeWindows: readonly FreezeWindow[];
  /** How long dedupe keys and audit records live (DynamoDB TTL). */
  readonly retentionSeconds: number;
}

/** The policy of an environment's (validated) config. */
export function policyFromConfig(config: EnvironmentConfig): GuardrailPolicy {
  const { remediation } = config;
  return {
    env: config.name,
    catalog: { env: config.name, cacheNodeCount: config.cache.numNodes },
    killSwitch: remediation.killSwitch,
    dryRun: remediation.dryRun,
    approvalRequired: remediation.approvalRequired,
    approvalTimeoutSeconds: remediation.approvalTimeoutMinutes * 60,
    defaultCooldownSeconds: remediation.cooldownMinutes * 60,
    playbookCooldownSeconds: Object.fromEntries(
      Object.entries(remediation.playbookCooldownMinutes).map(([playbook, minutes]) => [playbook, (minutes ?? 0) * 60]),
    ),
    rateLimit: {
      maxActions: remediation.rateLimit.maxActions,
      windowSeconds: remediation.rateLimit.windowMinutes * 60,
    },
    freezeWindows: remediation.freezeWindows,
    retentionSeconds: remediation.auditRetentionDays * 86_400,
  };
}

/** The cooldown of a playbook: its own, or the environment's default. */
export function cooldownSeconds(policy: GuardrailPolicy, playbook: PlaybookId): number {
  return policy.playbookCooldownSeconds[playbook] ?? policy.defaultCooldownSeconds;
}

/** Start of the fixed rate-limit window `at` falls in (epoch ms). */
export function rateWindowStart(policy: GuardrailPolicy, at: number): number {
  const size = policy.rateLimit.windowSeconds * 1000;
  return Math.floor(at / size) * size;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Minutes since Monday 00:00 UTC of `ddd:hh:mm`. */
function weekMinute(text: string): number {
  const [day = '', hour = '0', minute = '0'] = text.split(':');
  return DAYS.indexOf(day) * 1440 + Number(hour) * 60 + Number(minute);
}

/** Whether `at` (epoch ms) is inside `window`; a weekly window may wrap from Sunday into Monday. */
export function inFreezeWindow(window: FreezeWindow, at: number): boolean {
  if (window.kind === 'once') return Date.parse(window.start) <= at && at < Date.parse(window.end);
  const [from = '', to = ''] = window.window.split('-');
  const date = new Date(at);
  const now = ((date.getUTCDay() + 6) % 7) * 1440 + date.getUTCHours() * 60 + date.getUTCMinutes();
  const start = weekMinute(from);
  const end = weekMinute(to);
  return start <= end ? start <= now && now < end : now >= start || now < end;
}

/** The first freeze window `at` falls in, if any. */
export function activeFreeze(policy: GuardrailPolicy, at: number): FreezeWindow | undefined {
  return policy.freezeWindows.find((window) => inFreezeWindow(window, at));
}

/** A freeze window in words, for reasons and notifications. */
export function describeFreeze(window: FreezeWindow): string {
  const when = window.kind === 'once' ? `${window.start} to ${window.end}` : `weekly ${window.window} UTC`;
  return `${when} (${window.reason})`;
}

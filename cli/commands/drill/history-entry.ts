/**
 * One row of `drill history`: what a drill's JSON report (as notify-outcome files it) says about
 * its outcome, RTO, RPO and user-visible downtime. Pure: the command reads the reports, this reads
 * their fields. A failed drill's report carries the whole execution state as `details` (the
 * workflow kit's FailurePath), so each field is looked for where either report shape keeps it.
 */
import { downtimeByDependency, type MeasuredDependency } from '../../../functions/failover-report/downtime.js';
import { DEPENDENCIES, type Dependency } from '../../../workflows/failover-drill/contract.js';

/** The drills the history lists, by the name `--drill` takes. */
export const DRILLS = ['pitr', 'full-restore', 'failover'] as const;
/** One drill kind. */
export type DrillKind = (typeof DRILLS)[number];

/** Where notify-outcome files each drill's reports (`reports/<workflow>/`, functions/notify-outcome/format-report.ts). */
export const REPORT_PREFIXES: Readonly<Record<DrillKind, string>> = {
  pitr: 'reports/recovery-test/',
  'full-restore': 'reports/full-restore-test/',
  failover: 'reports/failover-drill/',
};

/** How a drill ended: passed or failed; the failover drill also completed, skipped or dry-run. */
export type DrillOutcome = 'passed' | 'failed' | 'completed' | 'skipped' | 'dry-run' | 'unknown';

/** One drill as the history lists it; null where the drill does not measure it or never got that far. */
export interface DrillHistoryEntry {
  readonly drill: DrillKind;
  readonly execution: string;
  readonly startedAt: string | null;
  /** The report's status: SUCCEEDED, FAILED (UNREADABLE for a report that is not JSON). */
  readonly status: string;
  readonly outcome: DrillOutcome;
  readonly restorePoint: string | null;
  readonly restorePointMode: string | null;
  readonly rtoSeconds: number | null;
  readonly rpoSeconds: number | null;
  readonly objectivesMet: { readonly rto: boolean | null; readonly rpo: boolean | null };
  /** The failover drill's user-visible downtime per dependency in seconds: its longest outage, a still-open one included. */
  readonly downtimeSeconds: Readonly<Record<Dependency, number>> | null;
  /** The failure (error: cause), or null for a drill that did not fail. */
  readonly failure: string | null;
  readonly report: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** One dependency of the prober's summary, or null when the report's fields are not its shape. */
function measured(value: unknown): MeasuredDependency | null {
  const dependency = record(value);
  const longest = number(dependency.longestOutageSeconds);
  if (longest === null) return null;
  const open = record(dependency.openOutage);
  return {
    longestOutageSeconds: longest,
    openOutage: text(open.from) === null ? null : { from: text(open.from) as string },
    lastProbeAt: text(dependency.lastProbeAt),
  };
}

/**
 * The downtime per dependency (functions/failover-report/downtime.ts), from the prober's summary
 * wherever the report keeps it: the drill result's, or the state's when it failed before its verdict.
 */
function downtimeOf(details: Record<string, unknown>): Record<Dependency, number> | null {
  const summaries = [details.downtime, record(record(details.evaluation).result).downtime];
  for (const summary of summaries.map(record)) {
    const dependencies = record(summary.dependencies);
    const found = DEPENDENCIES.map((d) => measured(dependencies[d]));
    if (found.every((m) => m !== null)) {
      return downtimeByDependency(
        Object.fromEntries(DEPENDENCIES.map((d, i) => [d, found[i]])) as Record<Dependency, MeasuredDependency>,
      );
    }
  }
  return null;
}

/** The failover drill's outcome: skipped and dry-run end before the experiment (the pre-check decision). */
function failoverOutcome(status: string, details: Record<string, unknown>): DrillOutcome {
  if (status === 'FAILED') return 'failed';
  if (status !== 'SUCCEEDED') return 'unknown';
  const decision = text(details.decision);
  if (decision === 'skip') return 'skipped';
  if (decision === 'dry-run') return 'dry-run';
  return text(details.outcome) === 'completed' ? 'completed' : 'unknown';
}

/** The history entry of one drill's JSON report. */
export function historyEntry(drill: DrillKind, report: unknown, key: string): DrillHistoryEntry {
  const outcome = record(report);
  const details = record(outcome.details);
  const plan = record(details.plan);
  const evaluation = record(details.evaluation);
  const met = record(evaluation.objectivesMet);
  const status = text(outcome.status) ?? 'UNKNOWN';
  const error = text(outcome.error);
  const fromKey = key
    .split('/')
    .pop()
    ?.replace(/\.json$/, '');
  return {
    drill,
    execution: text(outcome.execution) ?? fromKey ?? key,
    startedAt: text(outcome.startedAt),
    status,
    outcome:
      drill === 'failover'
        ? failoverOutcome(status, details)
        : status === 'SUCCEEDED'
          ? 'passed'
          : status === 'FAILED'
            ? 'failed'
            : 'unknown',
    restorePoint: drill === 'failover' ? null : (text(plan.restorePoint) ?? text(evaluation.restorePoint)),
    restorePointMode: drill === 'failover' ? null : text(plan.restorePointMode),
    rtoSeconds: drill === 'failover' ? null : number(evaluation.rtoSeconds),
    rpoSeconds: drill === 'pitr' ? number(evaluation.rpoSeconds) : null,
    objectivesMet: {
      // The full restore measures one objective, the RTO (`objectiveMet`).
      rto: drill === 'pitr' ? flag(met.rto) : drill === 'full-restore' ? flag(evaluation.objectiveMet) : null,
      rpo: drill === 'pitr' ? flag(met.rpo) : null,
    },
    downtimeSeconds: drill === 'failover' ? downtimeOf(details) : null,
    failure: error === null ? null : `${error}: ${text(outcome.causeMessage) ?? text(outcome.cause) ?? ''}`,
    report: key,
  };
}

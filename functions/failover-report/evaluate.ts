/**
 * The failover drill's verdict as pure functions: how the FIS experiment ended, the post-checks
 * (the primaries moved to the other AZ, the services healthy again), the RDS events of the failover
 * correlated with the downtime the prober measured, and the summary the report leads with.
 */
import type { CheckFinding, DowntimeSummary } from '../../workflows/failover-drill/contract.js';
import { DEPENDENCIES } from '../../workflows/failover-drill/contract.js';
import type { CacheFacts, DatabaseFacts, DrillPlan, ServiceFacts } from '../failover-prechecks/evaluate.js';

/** `Experiment` of fis:GetExperiment. */
export interface ExperimentFacts {
  readonly Id?: string;
  readonly ExperimentTemplateId?: string;
  readonly State?: { readonly Status?: string; readonly Reason?: string };
  readonly StartTime?: string | number;
  readonly EndTime?: string | number;
}

/** One event of rds:DescribeEvents. */
export interface RdsEventFacts {
  readonly Date?: string | number;
  readonly Message?: string;
}

/** An RDS event with the id its message stands for. */
export interface CorrelatedEvent {
  readonly at: string;
  readonly eventId: string | null;
  readonly message: string;
}

/** How the drill ended. */
export type Verdict = 'passed' | 'experiment-stopped' | 'experiment-failed' | 'post-check-failed';

/** Everything the verdict needs. */
export interface DrillFacts {
  readonly plan: DrillPlan;
  readonly experiment: ExperimentFacts;
  readonly downtime: DowntimeSummary;
  readonly database: DatabaseFacts;
  readonly cache: CacheFacts;
  readonly services: readonly ServiceFacts[];
  readonly expectedServices: readonly string[];
  readonly rdsEvents: readonly RdsEventFacts[];
}

/** The verdict, the post-checks and what the report says. */
export interface DrillVerdict {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly checks: CheckFinding[];
  readonly rdsEvents: CorrelatedEvent[];
}

/** The RDS failover events by what their message says (DescribeEvents returns no event id). */
const EVENT_MESSAGES: readonly [RegExp, string][] = [
  [/not attempting a requested failover/i, 'RDS-EVENT-0034'],
  [/promotion of a standby.*(is )?complete/i, 'RDS-EVENT-0015'],
  [/failover.*(has )?started|started.*failover/i, 'RDS-EVENT-0013'],
  [/failover.*(has )?completed?/i, 'RDS-EVENT-0049'],
];

const iso = (value: string | number | undefined): string =>
  value === undefined ? '' : new Date(typeof value === 'number' ? value * 1000 : value).toISOString();

/** The RDS events, oldest first, each with the id its message stands for (null for other events). */
export function correlateEvents(events: readonly RdsEventFacts[]): CorrelatedEvent[] {
  return events
    .filter((e) => e.Date !== undefined && e.Message !== undefined)
    .map((e) => ({
      at: iso(e.Date),
      eventId: EVENT_MESSAGES.find(([pattern]) => pattern.test(e.Message ?? ''))?.[1] ?? null,
      message: e.Message ?? '',
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** Post-checks: where the primaries are now, and whether everything answers again. */
function postChecks(facts: DrillFacts): CheckFinding[] {
  const { plan, database, cache } = facts;
  const dbMoved = database.AvailabilityZone !== undefined && database.AvailabilityZone !== plan.databaseAz;
  const primary = cache.NodeGroups?.[0]?.NodeGroupMembers?.find((m) => m.CurrentRole === 'primary');
  const cacheMoved =
    primary?.PreferredAvailabilityZone !== undefined && primary.PreferredAvailabilityZone !== plan.targetAz;
  const unhealthyServices = facts.expectedServices.filter((name) => {
    const service = facts.services.find((s) => s.ServiceName === name);
    return service === undefined || service.RunningCount !== service.DesiredCount || (service.RunningCount ?? 0) === 0;
  });
  const failingNow = DEPENDENCIES.filter((d) => facts.downtime.dependencies[d].lastOk !== true);
  return [
    {
      check: 'database-moved',
      ok: dbMoved && database.DbInstanceStatus === 'available',
      detail: `primary was in ${plan.databaseAz}, now in ${database.AvailabilityZone ?? 'unknown'} (${database.DbInstanceStatus ?? 'unknown'})`,
    },
    {
      check: 'cache-moved',
      ok: cacheMoved && cache.Status === 'available',
      detail: `primary was ${plan.cachePrimaryNode} in ${plan.targetAz}, now ${primary?.CacheClusterId ?? 'none'} in ${primary?.PreferredAvailabilityZone ?? 'unknown'} (${cache.Status ?? 'unknown'})`,
    },
    {
      check: 'services-healthy',
      ok: unhealthyServices.length === 0,
      detail:
        unhealthyServices.length === 0
          ? `${facts.expectedServices.join(', ')} run all their tasks`
          : `not all tasks running: ${unhealthyServices.join(', ')}`,
    },
    {
      check: 'dependencies-answer',
      ok: failingNow.length === 0,
      detail:
        failingNow.length === 0
          ? 'the last probe of the database, the cache and the application passed'
          : `still failing at the last probe: ${failingNow.join(', ')}`,
    },
  ];
}

/** The verdict: how FIS ended first (a stopped or failed experiment says more than any post-check), then the post-checks. */
export function judgeDrill(facts: DrillFacts): DrillVerdict {
  const checks = postChecks(facts);
  const rdsEvents = correlateEvents(facts.rdsEvents);
  const status = facts.experiment.State?.Status ?? 'unknown';
  const reason = facts.experiment.State?.Reason ?? 'no reason given';
  const downtime = describeDowntime(facts.downtime);
  const events = describeEvents(rdsEvents);
  const id = facts.experiment.Id ?? '(unknown experiment)';
  if (status === 'stopped') {
    return {
      verdict: 'experiment-stopped',
      summary: `Failover drill stopped: FIS stopped experiment ${id} (${reason}); a stop condition (high-severity alarm) fired or someone stopped it. ${downtime}. ${events}`,
      checks,
      rdsEvents,
    };
  }
  if (status !== 'completed') {
    return {
      verdict: 'experiment-failed',
      summary: `Failover drill failed: experiment ${id} ended ${status} (${reason}). ${downtime}. ${events}`,
      checks,
      rdsEvents,
    };
  }
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    return {
      verdict: 'post-check-failed',
      summary: `Failover drill post-checks failed: ${failed.map((c) => `${c.check}: ${c.detail}`).join(' | ')}. ${downtime}. ${events}`,
      checks,
      rdsEvents,
    };
  }
  return {
    verdict: 'passed',
    summary: `Failover drill passed: database and cache failed over to the other AZ and recovered. ${downtime}. ${events}`,
    checks,
    rdsEvents,
  };
}

/** `Downtime: database 42 s, cache 3 s, application 45 s`. */
function describeDowntime(downtime: DowntimeSummary): string {
  const parts = DEPENDENCIES.map((d) => {
    const dep = downtime.dependencies[d];
    const open = dep.openOutage === null ? '' : ' (still failing)';
    return `${d} ${round(dep.longestOutageSeconds)} s${open}`;
  });
  return `Downtime (longest failing stretch): ${parts.join(', ')}`;
}

function describeEvents(events: readonly CorrelatedEvent[]): string {
  const started = events.find((e) => e.eventId === 'RDS-EVENT-0013');
  const completed = events.find((e) => e.eventId === 'RDS-EVENT-0049' || e.eventId === 'RDS-EVENT-0015');
  if (started === undefined && completed === undefined) return 'RDS reported no failover events';
  if (started === undefined || completed === undefined) {
    return `RDS failover ${started ? `started ${started.at}, no completion event` : `completed ${completed?.at}, no start event`}`;
  }
  const seconds = (Date.parse(completed.at) - Date.parse(started.at)) / 1000;
  return `RDS failover started ${started.at}, completed ${completed.at} (${round(seconds)} s)`;
}

const round = (value: number): number => Math.round(value * 10) / 10;

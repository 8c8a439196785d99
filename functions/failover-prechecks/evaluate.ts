/**
 * The failover drill's pre-checks as pure functions: given what the state machine described
 * (database, cache, alarms, ECS services, running drills and experiments, the tag resolution of the
 * cache target) and the config (change freezes, the template of each AZ), decide whether the drill
 * may inject the failover, and which template it starts. Any failed check stops the drill cleanly
 * with a report naming every reason; nothing here calls AWS or reads the clock.
 */
import { ALARMS_IN_ALARM_PAGE_SIZE, type CheckFinding } from '../../workflows/failover-drill/contract.js';

/** `DbInstances[0]` as the Step Functions RDS integration returns it (Java SDK v2 member names). */
export interface DatabaseFacts {
  readonly DbInstanceIdentifier?: string;
  readonly DbInstanceStatus?: string;
  readonly MultiAZ?: boolean;
  readonly AvailabilityZone?: string;
  readonly SecondaryAvailabilityZone?: string;
}

/** A member of the cache's node group. */
export interface CacheMemberFacts {
  readonly CacheClusterId?: string;
  readonly CurrentRole?: string;
  readonly PreferredAvailabilityZone?: string;
}

/** `ReplicationGroups[0]` of DescribeReplicationGroups. */
export interface CacheFacts {
  readonly ReplicationGroupId?: string;
  readonly Status?: string;
  readonly MultiAZ?: string;
  readonly AutomaticFailover?: string;
  readonly NodeGroups?: readonly { readonly NodeGroupMembers?: readonly CacheMemberFacts[] }[];
}

/** One ECS service of DescribeServices. */
export interface ServiceFacts {
  readonly ServiceName?: string;
  readonly DesiredCount?: number;
  readonly RunningCount?: number;
  readonly Deployments?: readonly { readonly Status?: string; readonly RolloutState?: string }[];
}

/** One execution of ListExecutions (status RUNNING). */
export interface ExecutionFacts {
  readonly Name?: string;
  readonly StartDate?: string | number;
}

/** One experiment of ListExperiments. */
export interface ExperimentFacts {
  readonly Id?: string;
  readonly ExperimentTemplateId?: string;
  readonly State?: { readonly Status?: string };
}

/** A change freeze of the config. */
export interface Freeze {
  readonly from: string;
  readonly until: string;
  readonly reason: string;
}

/** Everything the decision needs. */
export interface PrecheckFacts {
  readonly execution: string;
  readonly now: Date;
  readonly environmentPrefix: string;
  /** Alarm name prefixes that are the automation's own (its executions and dead-man alarms): not platform health. */
  readonly ignoredAlarmPrefixes: readonly string[];
  readonly database: DatabaseFacts;
  readonly cache: CacheFacts;
  readonly cacheGroupArn: string;
  /** ARNs the FIS cache target's tags resolve to (tag:GetResources). */
  readonly cacheTargetArns: readonly string[];
  readonly alarmsInAlarm: readonly string[];
  readonly services: readonly ServiceFacts[];
  readonly expectedServices: readonly string[];
  readonly runningExecutions: readonly ExecutionFacts[];
  readonly experiments: readonly ExperimentFacts[];
  /** The template id of each AZ. */
  readonly templates: Readonly<Record<string, string>>;
  readonly changeFreezes: readonly Freeze[];
}

/** The template to start and what it fails over. */
export interface DrillPlan {
  readonly templateId: string;
  /** The AZ whose cache nodes lose power: the cache primary's. */
  readonly targetAz: string;
  readonly databaseAz: string;
  readonly cachePrimaryNode: string;
}

/** The decision. */
export interface PrecheckDecision {
  readonly ready: boolean;
  readonly checks: CheckFinding[];
  readonly plan: DrillPlan | null;
}

/** Experiment states in which FIS is still (or about to be) injecting faults. */
const ACTIVE_EXPERIMENT_STATES = new Set(['pending', 'initiating', 'running', 'stopping']);

const finding = (check: string, ok: boolean, detail: string): CheckFinding => ({ check, ok, detail });

/** Runs every pre-check; the drill is ready only when all pass and a template fits the cache primary's AZ. */
export function evaluatePrechecks(facts: PrecheckFacts): PrecheckDecision {
  const primary = cachePrimary(facts.cache);
  const checks = [
    databaseCheck(facts.database),
    cacheCheck(facts.cache, primary),
    cacheTargetCheck(facts.cacheGroupArn, facts.cacheTargetArns),
    alarmsCheck(facts),
    servicesCheck(facts.services, facts.expectedServices),
    freezeCheck(facts.changeFreezes, facts.now),
    concurrencyCheck(facts),
  ];
  const targetAz = primary?.PreferredAvailabilityZone;
  const templateId = targetAz === undefined ? undefined : facts.templates[targetAz];
  if (targetAz !== undefined && templateId === undefined) {
    checks.push(
      finding(
        'experiment-template',
        false,
        `no experiment template for the cache primary's AZ ${targetAz} (templates: ${Object.keys(facts.templates).join(', ')})`,
      ),
    );
  }
  const ready = checks.every((check) => check.ok);
  const plan =
    ready && templateId !== undefined && targetAz !== undefined && primary?.CacheClusterId !== undefined
      ? {
          templateId,
          targetAz,
          databaseAz: facts.database.AvailabilityZone ?? '',
          cachePrimaryNode: primary.CacheClusterId,
        }
      : null;
  return { ready: plan !== null, checks, plan };
}

function cachePrimary(cache: CacheFacts): CacheMemberFacts | undefined {
  return cache.NodeGroups?.[0]?.NodeGroupMembers?.find((member) => member.CurrentRole === 'primary');
}

function databaseCheck(db: DatabaseFacts): CheckFinding {
  const id = db.DbInstanceIdentifier ?? '(unknown instance)';
  const problems: string[] = [];
  if (db.DbInstanceStatus !== 'available')
    problems.push(`status is ${db.DbInstanceStatus ?? 'unknown'}, not available`);
  if (db.MultiAZ !== true) problems.push('Multi-AZ is off: there is no standby to fail over to');
  else if (!db.SecondaryAvailabilityZone) problems.push('no standby AZ is reported');
  return problems.length === 0
    ? finding(
        'database',
        true,
        `${id} available, Multi-AZ, primary in ${db.AvailabilityZone}, standby in ${db.SecondaryAvailabilityZone}`,
      )
    : finding('database', false, `${id}: ${problems.join('; ')}`);
}

function cacheCheck(cache: CacheFacts, primary: CacheMemberFacts | undefined): CheckFinding {
  const id = cache.ReplicationGroupId ?? '(unknown replication group)';
  const problems: string[] = [];
  if (cache.Status !== 'available') problems.push(`status is ${cache.Status ?? 'unknown'}, not available`);
  if (cache.MultiAZ !== 'enabled') problems.push(`Multi-AZ is ${cache.MultiAZ ?? 'unknown'}, not enabled`);
  if (cache.AutomaticFailover !== 'enabled')
    problems.push(`automatic failover is ${cache.AutomaticFailover ?? 'unknown'}, not enabled`);
  const members = cache.NodeGroups?.[0]?.NodeGroupMembers ?? [];
  if (primary === undefined) problems.push('no primary node is reported');
  else if (
    !members.some(
      (m) => m.CurrentRole === 'replica' && m.PreferredAvailabilityZone !== primary.PreferredAvailabilityZone,
    )
  ) {
    problems.push(`no replica outside the primary's AZ ${primary.PreferredAvailabilityZone}`);
  }
  return problems.length === 0
    ? finding(
        'cache',
        true,
        `${id} available, Multi-AZ with automatic failover, primary ${primary?.CacheClusterId} in ${primary?.PreferredAvailabilityZone}`,
      )
    : finding('cache', false, `${id}: ${problems.join('; ')}`);
}

function cacheTargetCheck(groupArn: string, resolved: readonly string[]): CheckFinding {
  const ok = resolved.length === 1 && resolved[0] === groupArn;
  return ok
    ? finding('cache-target', true, `the experiment's cache tags select exactly ${groupArn}`)
    : finding(
        'cache-target',
        false,
        `the experiment's cache tags must select exactly ${groupArn}, they select ${resolved.length === 0 ? 'nothing' : resolved.join(', ')}`,
      );
}

function alarmsCheck(facts: PrecheckFacts): CheckFinding {
  // A full page may hide platform alarms behind the automation's own (the listing is not paged on).
  if (facts.alarmsInAlarm.length >= ALARMS_IN_ALARM_PAGE_SIZE) {
    return finding(
      'alarms',
      false,
      `${facts.alarmsInAlarm.length} alarms of the environment are in ALARM, a full page of the listing: some may not have been read`,
    );
  }
  const platform = facts.alarmsInAlarm.filter(
    (name) => name.startsWith(facts.environmentPrefix) && !facts.ignoredAlarmPrefixes.some((p) => name.startsWith(p)),
  );
  return platform.length === 0
    ? finding('alarms', true, 'no alarm of the environment is in ALARM')
    : finding('alarms', false, `in ALARM: ${platform.join(', ')}`);
}

function servicesCheck(services: readonly ServiceFacts[], expected: readonly string[]): CheckFinding {
  const problems: string[] = [];
  for (const name of expected) {
    const service = services.find((s) => s.ServiceName === name);
    if (service === undefined) {
      problems.push(`${name} not found`);
      continue;
    }
    const deployments = service.Deployments ?? [];
    const rolling = deployments.length > 1 || deployments.some((d) => d.RolloutState === 'IN_PROGRESS');
    if (rolling) problems.push(`${name} has a deployment in progress`);
    if (service.RunningCount !== service.DesiredCount) {
      problems.push(`${name} runs ${service.RunningCount ?? 0} of ${service.DesiredCount ?? 0} tasks`);
    }
  }
  return problems.length === 0
    ? finding('services', true, `${expected.join(', ')} steady, no deployment in progress`)
    : finding('services', false, problems.join('; '));
}

function freezeCheck(freezes: readonly Freeze[], now: Date): CheckFinding {
  const active = freezes.find((f) => Date.parse(f.from) <= now.getTime() && now.getTime() < Date.parse(f.until));
  return active === undefined
    ? finding('change-freeze', true, 'no change freeze now')
    : finding('change-freeze', false, `change freeze ${active.from} to ${active.until}: ${active.reason}`);
}

function concurrencyCheck(facts: PrecheckFacts): CheckFinding {
  const startOf = (e: ExecutionFacts) =>
    typeof e.StartDate === 'number' ? e.StartDate * 1000 : Date.parse(String(e.StartDate));
  const self = facts.runningExecutions.find((e) => e.Name === facts.execution);
  // The oldest running drill goes ahead; ties on the start time go to the smaller name, so exactly one proceeds.
  const earlier = facts.runningExecutions.filter((e) => {
    if (e.Name === facts.execution) return false;
    if (self === undefined) return true;
    const [a, b] = [startOf(e), startOf(self)];
    return a < b || (a === b && String(e.Name) < facts.execution);
  });
  const templateIds = new Set(Object.values(facts.templates));
  const active = facts.experiments.filter(
    (x) => templateIds.has(String(x.ExperimentTemplateId)) && ACTIVE_EXPERIMENT_STATES.has(String(x.State?.Status)),
  );
  const problems = [
    ...earlier.map((e) => `drill ${e.Name} is already running`),
    ...active.map((x) => `experiment ${x.Id} is ${x.State?.Status}`),
  ];
  return problems.length === 0
    ? finding('concurrency', true, 'no other drill or failover experiment is running')
    : finding('concurrency', false, problems.join('; '));
}

/** One line naming every failed check, for the report's summary. */
export function skipSummary(checks: readonly CheckFinding[]): string {
  const failed = checks.filter((c) => !c.ok);
  return `Failover drill skipped, nothing was failed over: ${failed.map((c) => `${c.check}: ${c.detail}`).join(' | ')}`;
}

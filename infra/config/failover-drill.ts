/**
 * The bi-annual Multi-AZ failover drill (issue 7): whether it runs in an environment, when, what
 * blocks it (change freezes) and how long it may take. The drill injects the failover with AWS FIS,
 * so it only makes sense where the database and the cache are Multi-AZ.
 */

/** A period in which no failover may be injected (a release, a sales peak). */
export interface ChangeFreeze {
  /** Start, ISO 8601 with an offset or `Z`. */
  readonly from: string;
  /** End (exclusive), ISO 8601 with an offset or `Z`; after `from`. */
  readonly until: string;
  /** Why: quoted in the drill's report when the freeze stops it. */
  readonly reason: string;
}

/** Settings of the `failover-drill` workflow of one environment. */
export interface FailoverDrillConfig {
  /**
   * Whether the environment has the drill at all (state machine, FIS templates). Staging: on;
   * prod: only when the team decides so; dev: off (single-AZ, nothing to fail over to).
   */
  readonly enabled: boolean;
  /** EventBridge cron of the drill (UTC): every six months, in working hours so people are around. */
  readonly schedule: string;
  /** Whether the schedule starts the drill; off keeps it manual (CLI / console) only. */
  readonly scheduleEnabled: boolean;
  /** Periods in which the drill refuses to start (it stops cleanly and reports the freeze). */
  readonly changeFreezes: readonly ChangeFreeze[];
  /** Minutes the cache's AZ stays powered off (FIS `duration`, 1-720). */
  readonly cacheInterruptionMinutes: number;
  /** Longest the experiment may run before the drill stops it and fails, in minutes. */
  readonly experimentBudgetMinutes: number;
  /** Seconds each prober invocation probes (about once a second) before the experiment is described again. */
  readonly probeWindowSeconds: number;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Problems of `config.failoverDrill`, each naming its field (empty when valid). */
export function validateFailoverDrillConfig(drill: FailoverDrillConfig, multiAz: boolean): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(`failoverDrill.${message}`);
  };
  check(
    !drill.enabled || multiAz,
    'enabled: the drill fails over to the standby, so database.multiAz and cache.multiAz must be true',
  );
  check(
    /^cron\(.+\)$/.test(drill.schedule),
    `schedule: '${drill.schedule}' is not an EventBridge cron(...) expression`,
  );
  check(
    Number.isInteger(drill.cacheInterruptionMinutes) &&
      drill.cacheInterruptionMinutes >= 1 &&
      drill.cacheInterruptionMinutes <= 720,
    `cacheInterruptionMinutes: must be a whole number of minutes from 1 to 720 (FIS limits), got ${drill.cacheInterruptionMinutes}`,
  );
  check(
    Number.isInteger(drill.experimentBudgetMinutes) &&
      drill.experimentBudgetMinutes > drill.cacheInterruptionMinutes &&
      drill.experimentBudgetMinutes <= 180,
    `experimentBudgetMinutes: must be a whole number above cacheInterruptionMinutes (${drill.cacheInterruptionMinutes}) and at most 180, got ${drill.experimentBudgetMinutes}`,
  );
  check(
    Number.isInteger(drill.probeWindowSeconds) && drill.probeWindowSeconds >= 10 && drill.probeWindowSeconds <= 600,
    `probeWindowSeconds: must be a whole number from 10 to 600, got ${drill.probeWindowSeconds}`,
  );
  drill.changeFreezes.forEach((freeze, index) => {
    const from = Date.parse(freeze.from);
    const until = Date.parse(freeze.until);
    check(
      ISO_WITH_OFFSET.test(freeze.from) && !Number.isNaN(from),
      `changeFreezes[${index}].from: '${freeze.from}' is not an ISO 8601 time with an offset`,
    );
    check(
      ISO_WITH_OFFSET.test(freeze.until) && !Number.isNaN(until),
      `changeFreezes[${index}].until: '${freeze.until}' is not an ISO 8601 time with an offset`,
    );
    check(!(from >= until), `changeFreezes[${index}]: until must be after from`);
    check(freeze.reason.trim() !== '', `changeFreezes[${index}].reason: must not be empty`);
  });
  return problems;
}

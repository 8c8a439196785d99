/** The failover drill's pre-checks: every check passing and failing, the plan, the concurrency tie-break. */

import {
  evaluatePrechecks,
  type PrecheckFacts,
  skipSummary,
} from '../../../../functions/failover-prechecks/evaluate.js';
import { clipSummary } from '../../../../workflows/failover-drill/contract.js';

const GROUP_ARN = 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:interactions-staging';

function facts(overrides: Partial<PrecheckFacts> = {}): PrecheckFacts {
  return {
    execution: 'drill-b',
    now: new Date('2026-03-10T10:00:30Z'),
    environmentPrefix: 'interactions-staging-',
    ignoredAlarmPrefixes: ['interactions-staging-failover-drill-'],
    database: {
      DbInstanceIdentifier: 'interactions-staging-postgres',
      DbInstanceStatus: 'available',
      MultiAZ: true,
      AvailabilityZone: 'us-east-1a',
      SecondaryAvailabilityZone: 'us-east-1b',
    },
    cache: {
      ReplicationGroupId: 'interactions-staging',
      Status: 'available',
      MultiAZ: 'enabled',
      AutomaticFailover: 'enabled',
      NodeGroups: [
        {
          NodeGroupMembers: [
            {
              CacheClusterId: 'interactions-staging-001',
              CurrentRole: 'replica',
              PreferredAvailabilityZone: 'us-east-1a',
            },
            {
              CacheClusterId: 'interactions-staging-002',
              CurrentRole: 'primary',
              PreferredAvailabilityZone: 'us-east-1b',
            },
          ],
        },
      ],
    },
    cacheGroupArn: GROUP_ARN,
    cacheTargetArns: [GROUP_ARN],
    alarmsInAlarm: [],
    services: [
      {
        ServiceName: 'fe',
        DesiredCount: 2,
        RunningCount: 2,
        Deployments: [{ Status: 'PRIMARY', RolloutState: 'COMPLETED' }],
      },
    ],
    expectedServices: ['fe'],
    runningExecutions: [{ Name: 'drill-b', StartDate: '2026-03-10T10:00:00Z' }],
    experiments: [],
    templates: { 'us-east-1a': 'EXT1a', 'us-east-1b': 'EXT1b' },
    changeFreezes: [],
    ...overrides,
  };
}

const failed = (overrides: Partial<PrecheckFacts>) =>
  evaluatePrechecks(facts(overrides))
    .checks.filter((c) => !c.ok)
    .map((c) => `${c.check}: ${c.detail}`);

describe('evaluatePrechecks', () => {
  it('plans the template of the cache primary AZ when every check passes', () => {
    // Act
    const decision = evaluatePrechecks(facts());

    // Assess
    expect(decision.ready).toBe(true);
    expect(decision.plan).toEqual({
      templateId: 'EXT1b',
      targetAz: 'us-east-1b',
      databaseAz: 'us-east-1a',
      cachePrimaryNode: 'interactions-staging-002',
    });
    expect(decision.checks.map((c) => c.check)).toEqual([
      'database',
      'cache',
      'cache-target',
      'alarms',
      'services',
      'change-freeze',
      'concurrency',
    ]);
  });

  it('fails the database check when Multi-AZ is off or the instance is busy', () => {
    const db = facts().database;
    expect(failed({ database: { ...db, MultiAZ: false } })).toEqual([
      'database: interactions-staging-postgres: Multi-AZ is off: there is no standby to fail over to',
    ]);
    expect(failed({ database: { ...db, DbInstanceStatus: 'rebooting' } })).toEqual([
      'database: interactions-staging-postgres: status is rebooting, not available',
    ]);
  });

  it('fails the cache check without automatic failover or a replica in another AZ', () => {
    const cache = facts().cache;
    expect(failed({ cache: { ...cache, AutomaticFailover: 'disabled' } })).toEqual([
      'cache: interactions-staging: automatic failover is disabled, not enabled',
    ]);
    const sameAz = {
      ...cache,
      NodeGroups: [
        {
          NodeGroupMembers: [
            { CacheClusterId: 'x-001', CurrentRole: 'primary', PreferredAvailabilityZone: 'us-east-1a' },
            { CacheClusterId: 'x-002', CurrentRole: 'replica', PreferredAvailabilityZone: 'us-east-1a' },
          ],
        },
      ],
    };
    expect(failed({ cache: sameAz })).toEqual([
      "cache: interactions-staging: no replica outside the primary's AZ us-east-1a",
    ]);
  });

  it('refuses tags that select nothing or more than the platform group', () => {
    expect(failed({ cacheTargetArns: [] })).toEqual([
      `cache-target: the experiment's cache tags must select exactly ${GROUP_ARN}, they select nothing`,
    ]);
    expect(failed({ cacheTargetArns: [GROUP_ARN, `${GROUP_ARN}-copy`] })).toHaveLength(1);
  });

  it("counts the environment's alarms in ALARM, not other environments' nor the automation's own", () => {
    expect(
      failed({
        alarmsInAlarm: [
          'interactions-prod-api-error-rate',
          'interactions-staging-failover-drill-no-recent-success',
          'interactions-staging-alb-5xx',
        ],
      }),
    ).toEqual(['alarms: in ALARM: interactions-staging-alb-5xx']);
  });

  it('refuses a full page of alarms in ALARM, even the automation own: a platform alarm may be on the next page', () => {
    const own = Array.from({ length: 100 }, (_, i) => `interactions-staging-failover-drill-${i}`);
    expect(failed({ alarmsInAlarm: own })).toEqual([
      'alarms: 100 alarms of the environment are in ALARM, a full page of the listing: some may not have been read',
    ]);
    expect(failed({ alarmsInAlarm: own.slice(1) })).toEqual([]);
  });

  it('fails the services check for a single deployment still rolling out', () => {
    const rolling = [
      { ServiceName: 'fe', DesiredCount: 2, RunningCount: 2, Deployments: [{ RolloutState: 'IN_PROGRESS' }] },
    ];
    expect(failed({ services: rolling })).toEqual(['services: fe has a deployment in progress']);
  });

  it('fails the services check for a rolling deployment or missing tasks', () => {
    const rolling = [{ ServiceName: 'fe', DesiredCount: 2, RunningCount: 1, Deployments: [{}, {}] }];
    expect(failed({ services: rolling })).toEqual(['services: fe has a deployment in progress; fe runs 1 of 2 tasks']);
    expect(failed({ services: [] })).toEqual(['services: fe not found']);
  });

  it('stops inside a change freeze, from included to until excluded', () => {
    const freeze = { from: '2026-03-10T10:00:30Z', until: '2026-03-11T00:00:00Z', reason: 'release' };
    expect(failed({ changeFreezes: [freeze] })).toEqual([
      'change-freeze: change freeze 2026-03-10T10:00:30Z to 2026-03-11T00:00:00Z: release',
    ]);
    expect(
      failed({ changeFreezes: [{ ...freeze, until: '2026-03-10T10:00:30Z', from: '2026-03-09T00:00:00Z' }] }),
    ).toEqual([]);
    expect(
      failed({ changeFreezes: [{ ...freeze, until: '2026-03-10T10:00:30.001Z', from: '2026-03-09T00:00:00Z' }] }),
    ).toHaveLength(1);
  });

  it('lets exactly one of two concurrent drills go ahead: the older, ties to the smaller name', () => {
    const both = (a: string, b: string) => [
      { Name: 'drill-a', StartDate: a },
      { Name: 'drill-b', StartDate: b },
    ];
    expect(failed({ runningExecutions: both('2026-03-10T09:00:00Z', '2026-03-10T10:00:00Z') })).toEqual([
      'concurrency: drill drill-a is already running',
    ]);
    expect(failed({ runningExecutions: both('2026-03-10T11:00:00Z', '2026-03-10T10:00:00Z') })).toEqual([]);
    expect(failed({ runningExecutions: both('2026-03-10T10:00:00Z', '2026-03-10T10:00:00Z') })).toHaveLength(1);
    expect(
      failed({ execution: 'drill-a', runningExecutions: both('2026-03-10T10:00:00Z', '2026-03-10T10:00:00Z') }),
    ).toEqual([]);
  });

  it('refuses while an experiment of its templates is active, not for finished or foreign ones', () => {
    const experiments = [
      { Id: 'E1', ExperimentTemplateId: 'EXT1a', State: { Status: 'completed' } },
      { Id: 'E2', ExperimentTemplateId: 'OTHER', State: { Status: 'running' } },
      { Id: 'E3', ExperimentTemplateId: 'EXT1b', State: { Status: 'initiating' } },
    ];
    expect(failed({ experiments })).toEqual(['concurrency: experiment E3 is initiating']);
  });

  it('has no plan when no template fits the primary AZ', () => {
    const decision = evaluatePrechecks(facts({ templates: { 'us-east-1a': 'EXT1a' } }));
    expect(decision.ready).toBe(false);
    expect(decision.plan).toBeNull();
    expect(skipSummary(decision.checks)).toMatch(
      /experiment-template: no experiment template for the cache primary's AZ us-east-1b/,
    );
  });
});

describe('clipSummary', () => {
  it('keeps a short summary and cuts a long one to what notify-outcome accepts, saying so', () => {
    expect(clipSummary('short')).toBe('short');
    const cut = clipSummary('x'.repeat(5000));
    expect(cut).toHaveLength(1000 - 30 + ' ... (cut; see the checks)'.length);
    expect(cut.endsWith('(cut; see the checks)')).toBe(true);
  });
});

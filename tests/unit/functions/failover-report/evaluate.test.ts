/** The failover drill's verdict: experiment end first, then the post-checks; RDS events correlated. */
import { emptySummary } from '../../../../functions/downtime-prober/timeline.js';
import { correlateEvents, type DrillFacts, judgeDrill } from '../../../../functions/failover-report/evaluate.js';

function facts(overrides: Partial<DrillFacts> = {}): DrillFacts {
  const downtime = emptySummary();
  for (const dependency of ['database', 'cache', 'application'] as const) {
    downtime.dependencies[dependency] = { ...downtime.dependencies[dependency], lastOk: true, samples: 10 };
  }
  downtime.dependencies.database = { ...downtime.dependencies.database, longestOutageSeconds: 32.4 };
  return {
    plan: { templateId: 'EXT1a', targetAz: 'us-east-1a', databaseAz: 'us-east-1a', cachePrimaryNode: 'g-001' },
    experiment: { Id: 'E1', State: { Status: 'completed' } },
    downtime,
    database: { DbInstanceStatus: 'available', AvailabilityZone: 'us-east-1b' },
    cache: {
      Status: 'available',
      NodeGroups: [
        {
          NodeGroupMembers: [
            { CacheClusterId: 'g-002', CurrentRole: 'primary', PreferredAvailabilityZone: 'us-east-1b' },
          ],
        },
      ],
    },
    services: [{ ServiceName: 'be', DesiredCount: 2, RunningCount: 2 }],
    expectedServices: ['be'],
    rdsEvents: [
      { Date: '2026-03-10T10:01:40Z', Message: 'Multi-AZ instance failover completed' },
      { Date: '2026-03-10T10:01:05Z', Message: 'Multi-AZ instance failover started.' },
    ],
    ...overrides,
  };
}

describe('judgeDrill', () => {
  it('passes when the experiment completed, both primaries moved and everything answers', () => {
    const verdict = judgeDrill(facts());
    expect(verdict.verdict).toBe('passed');
    expect(verdict.summary).toBe(
      'Failover drill passed: database and cache failed over to the other AZ and recovered. Downtime (longest failing stretch): database 32.4 s, cache 0 s, application 0 s. RDS failover started 2026-03-10T10:01:05.000Z, completed 2026-03-10T10:01:40.000Z (35 s)',
    );
  });

  it('reports a stopped experiment before any post-check', () => {
    const verdict = judgeDrill(
      facts({ experiment: { Id: 'E1', State: { Status: 'stopped', Reason: 'Stop condition triggered.' } } }),
    );
    expect(verdict.verdict).toBe('experiment-stopped');
    expect(verdict.summary).toMatch(
      /^Failover drill stopped: FIS stopped experiment E1 \(Stop condition triggered\.\)/,
    );
  });

  it('reports a failed or cancelled experiment as failed', () => {
    expect(judgeDrill(facts({ experiment: { State: { Status: 'failed' } } })).verdict).toBe('experiment-failed');
    expect(judgeDrill(facts({ experiment: { State: { Status: 'cancelled' } } })).verdict).toBe('experiment-failed');
  });

  it('fails the post-checks when a primary stayed or a service lost tasks', () => {
    const stayed = judgeDrill(facts({ database: { DbInstanceStatus: 'available', AvailabilityZone: 'us-east-1a' } }));
    expect(stayed.verdict).toBe('post-check-failed');
    expect(stayed.checks.find((c) => !c.ok)?.check).toBe('database-moved');
    const lost = judgeDrill(facts({ services: [{ ServiceName: 'be', DesiredCount: 2, RunningCount: 1 }] }));
    expect(lost.summary).toMatch(/services-healthy: not all tasks running: be/);
  });

  it('says when a dependency is still failing', () => {
    const base = facts();
    const downtime = {
      ...base.downtime,
      dependencies: {
        ...base.downtime.dependencies,
        cache: {
          ...base.downtime.dependencies.cache,
          lastOk: false,
          openOutage: { from: '2026-03-10T10:03:00Z', error: 'x' },
        },
      },
    };
    const verdict = judgeDrill({ ...base, downtime });
    expect(verdict.verdict).toBe('post-check-failed');
    expect(verdict.summary).toMatch(/cache 0 s \(still failing\)/);
  });
});

describe('correlateEvents', () => {
  it('names the failover events by their message, oldest first', () => {
    expect(
      correlateEvents([
        {
          Date: '2026-03-10T10:02:00Z',
          Message: 'A Multi-AZ failover that resulted in the promotion of a standby DB instance is complete.',
        },
        {
          Date: '2026-03-10T10:01:00Z',
          Message: 'A Multi-AZ failover that resulted in the promotion of a standby instance has started.',
        },
        {
          Date: '2026-03-10T10:03:00Z',
          Message: 'Amazon RDS is not attempting a requested failover because a failover recently occurred.',
        },
        { Date: '2026-03-10T10:04:00Z', Message: 'DB instance restarted' },
        { Message: 'no date' },
      ]).map((e) => e.eventId),
    ).toEqual(['RDS-EVENT-0013', 'RDS-EVENT-0015', 'RDS-EVENT-0034', null]);
  });

  it('reports no failover events when RDS has none', () => {
    expect(judgeDrill(facts({ rdsEvents: [] })).summary).toMatch(/RDS reported no failover events$/);
  });
});

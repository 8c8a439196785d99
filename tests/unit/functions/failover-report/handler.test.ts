/** The failover drill's evaluation task: the verdict it returns and the downtime metric it publishes. */
import type { Context } from 'aws-lambda';
import { emptySummary } from '../../../../functions/downtime-prober/timeline.js';
import { createHandler } from '../../../../functions/failover-report/handler.js';

const handler = createHandler({ env: { ENVIRONMENT: 'prod', WORKFLOW: 'failover-drill', AWS_REGION: 'us-east-1' } });
const context = { functionName: 'failover-report', awsRequestId: 'r1' } as Context;

/** The prober's summary: the database down 62 s, the cache 14 s, the application still failing for 90 s. */
function downtime() {
  const summary = emptySummary();
  const probed = { samples: 600, lastProbeAt: '2026-03-10T10:20:00.000Z', lastOk: true };
  summary.dependencies.database = { ...summary.dependencies.database, ...probed, longestOutageSeconds: 62 };
  summary.dependencies.cache = { ...summary.dependencies.cache, ...probed, longestOutageSeconds: 14 };
  summary.dependencies.application = {
    ...summary.dependencies.application,
    ...probed,
    longestOutageSeconds: 5,
    openOutage: { from: '2026-03-10T10:18:30.000Z', error: 'HTTP 503' },
    lastOk: false,
  };
  return summary;
}

const input = {
  execution: 'drill-1',
  startedAt: '2026-03-10T10:00:00.000Z',
  plan: { templateId: 'EXT1a', targetAz: 'us-east-1a', databaseAz: 'us-east-1a', cachePrimaryNode: 'g-001' },
  prechecks: [{ check: 'standby-available', ok: true, detail: 'both tiers have a standby' }],
  experiment: { Id: 'E1', State: { Status: 'completed' } },
  downtime: downtime(),
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
  rdsEvents: [],
};

/** The EMF lines the handler printed (Powertools writes them to stdout or console.log). */
async function emfOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await run();
    return [...write.mock.calls, ...log.mock.calls]
      .map((call) => String(call[0]))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
}

describe('failover-report handler', () => {
  const original = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = original;
  });

  it('publishes each dependency’s downtime with the dimensions of the drill metrics', async () => {
    // Act
    const lines = await emfOf(() => handler(input, context));

    // Assess
    const downtime = lines.filter((line) => 'DowntimeSeconds' in line);
    expect(downtime).toHaveLength(3);
    const base = { service: 'interactions-prod-failover-report', environment: 'prod', workflow: 'failover-drill' };
    expect(downtime).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...base, dependency: 'database', DowntimeSeconds: 62 }),
        expect.objectContaining({ ...base, dependency: 'cache', DowntimeSeconds: 14 }),
        // Still failing at the last probe: the open stretch (90 s) beats the closed 5 s.
        expect.objectContaining({ ...base, dependency: 'application', DowntimeSeconds: 90 }),
      ]),
    );
    const metadata = downtime[0]?._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: unknown[] }[] };
    expect(metadata.CloudWatchMetrics[0]?.Dimensions[0]?.sort()).toEqual(
      ['dependency', 'environment', 'service', 'workflow'].sort(),
    );
    expect(metadata.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'DowntimeSeconds', Unit: 'Seconds' }]);
  });

  it('publishes the downtime of a stopped experiment too, and returns its verdict', async () => {
    // Prepare
    const stopped = { ...input, experiment: { Id: 'E1', State: { Status: 'stopped', Reason: 'alarm' } } };

    // Act
    let verdict: unknown;
    const lines = await emfOf(async () => {
      verdict = ((await handler(stopped, context)) as { verdict: string }).verdict;
    });

    // Assess
    expect(verdict).toBe('experiment-stopped');
    expect(lines.filter((line) => 'DowntimeSeconds' in line)).toHaveLength(3);
  });

  it('refuses a malformed downtime summary and publishes nothing', async () => {
    // Act
    let error: unknown;
    const lines = await emfOf(() =>
      handler({ ...input, downtime: {} }, context).catch((caught: unknown) => {
        error = caught;
      }),
    );

    // Assess
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect(lines.filter((line) => 'DowntimeSeconds' in line)).toEqual([]);
  });
});

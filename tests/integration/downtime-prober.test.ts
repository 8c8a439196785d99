/**
 * The downtime prober against real servers that go down and come back: PostgreSQL 15 (killed as in
 * a crash, started again), Redis 7 (SIGKILL, restarted) and a local HTTP server standing in for the
 * application (port closed, reopened). The measured downtime (longest failing stretch) must match
 * each outage within the probe resolution (about a second).
 */
import { createHandler } from '../../functions/downtime-prober/handler.js';
import { endpointProbes, type ProbeEndpoints } from '../../functions/downtime-prober/probes.js';
import { emptySummary } from '../../functions/downtime-prober/timeline.js';
import type { DowntimeSummary } from '../../workflows/failover-drill/contract.js';
import { FAKE_APP, type LocalHttpServer, startHttpServer } from '../support/services/http.js';
import { usePostgres } from '../support/services/postgres.js';
import { type LocalRedis, startRedis } from '../support/services/redis.js';
import { loadSeedData } from '../support/services/seed-data.js';

const db = usePostgres();
let redis: LocalRedis;
let app: LocalHttpServer;

beforeAll(async () => {
  await loadSeedData(db(), { newestAt: new Date() });
  redis = await startRedis();
  app = await startHttpServer();
});
afterAll(async () => {
  await redis?.cleanup();
  await app?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function endpoints(): ProbeEndpoints {
  return {
    database: db().target({ sslMode: 'disable' }),
    cache: { url: redis.url },
    healthUrl: `${app.url}${FAKE_APP.healthPath}`,
  };
}

/** The prober's Lambda handler with the local endpoints in place of the Secrets Manager ones. */
function prober() {
  return createHandler({
    env: {
      ENVIRONMENT: 'staging',
      WORKFLOW: 'failover-drill',
      AWS_REGION: 'us-east-1',
      DB_HOST: '127.0.0.1',
      DB_PORT: '5432',
      DB_NAME: 'unused',
      DB_SECRET_ARN: 'unused',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '6379',
      REDIS_TLS: 'false',
      HEALTH_URL: 'http://127.0.0.1/health',
    },
    clients: { probes: async () => endpointProbes(endpoints(), 900) },
  });
}

async function probe(windowSeconds: number, summary: DowntimeSummary): Promise<DowntimeSummary> {
  const handler = prober();
  const payload = {
    workflow: 'failover-drill',
    execution: 'drill-local',
    startedAt: new Date().toISOString(),
    windowSeconds,
    summary,
  };
  return (await handler(payload, {} as never)) as DowntimeSummary;
}

/** Runs `outage` after `afterMs`; resolves with how long the dependency was really down, in seconds. */
async function outageAfter(afterMs: number, down: () => Promise<void>, up: () => Promise<void>, forMs: number) {
  await sleep(afterMs);
  const from = Date.now();
  await down();
  await sleep(forMs);
  await up();
  return (Date.now() - from) / 1000;
}

describe('downtime prober against real servers', () => {
  it('passes every probe of a healthy platform, about once a second', async () => {
    // Act
    const summary = await probe(4, emptySummary());

    // Assess: PostgreSQL forks a process per connection; on a loaded two-core test machine one probe
    // in a window may miss its 900 ms bound. More than one is a real failure.
    for (const dependency of ['database', 'cache', 'application'] as const) {
      const measured = summary.dependencies[dependency];
      expect({ dependency, tooManyFailures: measured.failures > 1, lastOk: measured.lastOk }).toEqual({
        dependency,
        tooManyFailures: false,
        lastOk: true,
      });
      expect(measured.samples).toBeGreaterThanOrEqual(4);
      expect(measured.samples).toBeLessThanOrEqual(5);
    }
  });

  it('measures each outage as its longest failing stretch, within the probe resolution', async () => {
    // Act: three outages of different lengths while one window probes
    const [summary, databaseDown, cacheDown, appDown] = await Promise.all([
      probe(12, emptySummary()),
      outageAfter(
        1_500,
        () => db().kill(),
        () => db().start(),
        4_000,
      ),
      outageAfter(
        2_500,
        () => redis.kill(),
        () => redis.restart(),
        2_000,
      ),
      outageAfter(
        1_000,
        () => app.goDown(),
        () => app.comeUp(),
        6_000,
      ),
    ]);

    // Assess
    const real = { database: databaseDown, cache: cacheDown, application: appDown };
    for (const dependency of ['database', 'cache', 'application'] as const) {
      const measured = summary.dependencies[dependency];
      // A loaded test machine may add a one-probe blip; the outage itself is the longest stretch.
      expect({ dependency, open: measured.openOutage, lastOk: measured.lastOk }).toEqual({
        dependency,
        open: null,
        lastOk: true,
      });
      expect(measured.outages.length).toBeGreaterThanOrEqual(1);
      expect(Math.abs(measured.longestOutageSeconds - real[dependency])).toBeLessThanOrEqual(1.5);
    }
    expect(summary.dependencies.database.outages[0]?.error).toMatch(/refused|connect|terminat|shut/i);
    expect(summary.dependencies.application.outages[0]?.error).toMatch(/refused|ECONNREFUSED|connect/i);
  });

  it('carries an outage across probe windows: one stretch, measured from its first failing probe', async () => {
    // Act: the application goes down in the first window and comes back in the second
    const outage = outageAfter(
      1_500,
      () => app.goDown(),
      () => app.comeUp(),
      4_000,
    );
    const firstWindow = await probe(3, emptySummary());
    const [summary, appDown] = await Promise.all([probe(5, firstWindow), outage]);

    // Assess
    expect(firstWindow.dependencies.application.openOutage).not.toBeNull();
    const application = summary.dependencies.application;
    expect(summary.windows).toBe(2);
    expect(application.outages.filter((o) => o.seconds > 1.5)).toHaveLength(1);
    expect(application.openOutage).toBeNull();
    expect(Math.abs(application.longestOutageSeconds - appDown)).toBeLessThanOrEqual(1.5);
  });

  it('counts a dependency that never answers as failing every second without piling up probes', async () => {
    // Prepare: Redis hangs (port open, no answer) for the whole window
    redis.pause();
    try {
      // Act
      const summary = await probe(4, emptySummary());

      // Assess
      const cache = summary.dependencies.cache;
      expect(cache.lastOk).toBe(false);
      expect(cache.failures).toBe(cache.samples);
      expect(cache.samples).toBeGreaterThanOrEqual(3);
      expect(cache.openOutage?.error).toMatch(/no answer within 900 ms|aborted/);
      expect(cache.longestOutageSeconds).toBeGreaterThanOrEqual(2.5);
    } finally {
      redis.resume();
    }
  });
});

/**
 * `drill history <env>` against a local S3 server (s3rver on loopback) holding the reports the
 * three drills filed, as notify-outcome writes them (the notify payloads of workflows/*-test and
 * workflows/failover-drill: a passed drill's details, a failed drill's whole state).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { historyEntry } from '../../../cli/commands/drill/history-entry.js';
import { type LocalS3, startLocalS3 } from '../../support/s3-server.js';
import { run } from './harness.js';

const BUCKET = 'interactions-prod-automation-reports';
let s3: LocalS3;

const passed = {
  workflow: 'recovery-test',
  environment: 'prod',
  execution: 'nightly-may',
  status: 'SUCCEEDED',
  startedAt: '2025-05-07T07:00:00Z',
  details: {
    plan: { restorePoint: '2025-05-07T06:55:00.000Z', restorePointMode: 'latest' },
    evaluation: { rtoSeconds: 2100, rpoSeconds: 60, objectivesMet: { rto: true, rpo: true } },
  },
};
const failed = {
  workflow: 'recovery-test',
  environment: 'prod',
  execution: 'nightly-june',
  status: 'FAILED',
  startedAt: '2025-06-04T07:00:00Z',
  error: 'RecoveryTestFailed',
  causeMessage: 'Notified: ... interactions has rows: 0 rows',
  details: {
    plan: { restorePoint: '2025-06-04T06:55:00.000Z', restorePointMode: 'latest' },
    evaluation: { rtoSeconds: null, rpoSeconds: 1800, objectivesMet: { rto: false, rpo: false } },
  },
};

/** The prober's summary of one dependency (workflows/failover-drill/contract.ts). */
function dependency(
  longestOutageSeconds: number,
  openOutage: { from: string; error: string } | null = null,
  lastProbeAt = '2025-06-10T09:20:00.000Z',
) {
  return {
    samples: 120,
    failures: Math.ceil(longestOutageSeconds / 2),
    longestOutageSeconds,
    outages:
      longestOutageSeconds === 0
        ? []
        : [
            {
              from: '2025-06-10T09:04:02.000Z',
              until: '2025-06-10T09:05:04.000Z',
              seconds: longestOutageSeconds,
              error: 'ECONNRESET',
            },
          ],
    droppedOutages: 0,
    openOutage,
    lastProbeAt,
    lastOk: openOutage === null,
  };
}

const fullRestore = {
  workflow: 'full-restore-test',
  environment: 'prod',
  execution: 'quarterly-q2',
  status: 'SUCCEEDED',
  startedAt: '2025-05-20T06:00:00Z',
  details: {
    plan: { restorePoint: '2025-05-20T05:58:00.000Z' },
    evaluation: {
      passed: true,
      severity: 'low',
      summary: 'Full restore verified in 47 min',
      restorePoint: '2025-05-20T05:58:00.000Z',
      rtoSeconds: 2820,
      objectiveMet: true,
      phases: [{ name: 'restore-database', seconds: 1500, measuredBy: 'polls' }],
      checks: [],
    },
  },
};
const failoverCompleted = {
  workflow: 'failover-drill',
  environment: 'prod',
  execution: 'semiannual-h1',
  status: 'SUCCEEDED',
  startedAt: '2025-06-10T09:00:00Z',
  details: {
    outcome: 'completed',
    summary: 'Failover drill passed',
    checks: [{ check: 'database-moved', ok: true, detail: 'primary was in eu-west-1a, now in eu-west-1b' }],
    experiment: { id: 'EXP1', templateId: 'EXT1', status: 'completed', targetAz: 'eu-west-1a' },
    downtime: {
      firstProbeAt: '2025-06-10T09:01:00.000Z',
      lastProbeAt: '2025-06-10T09:20:00.000Z',
      windows: 20,
      dependencies: { database: dependency(62), cache: dependency(14), application: dependency(0) },
    },
    rdsEvents: [],
  },
};
const failoverSkipped = {
  workflow: 'failover-drill',
  environment: 'prod',
  execution: 'semiannual-h1-retry',
  status: 'SUCCEEDED',
  startedAt: '2025-06-11T09:00:00Z',
  details: {
    decision: 'skip',
    checks: [{ check: 'no-change-freeze', ok: false, detail: 'change freeze until 2025-06-12' }],
    plan: null,
  },
};
const failoverFailed = {
  workflow: 'failover-drill',
  environment: 'prod',
  execution: 'manual-june',
  status: 'FAILED',
  startedAt: '2025-06-12T09:00:00Z',
  error: 'ExperimentStoppedError',
  causeMessage: 'Failover drill stopped: FIS stopped experiment EXP2',
  // FailurePath files the whole state: the evaluation's result carries the downtime.
  details: {
    mode: { dryRun: false },
    evaluation: {
      verdict: 'experiment-stopped',
      result: {
        outcome: 'completed',
        downtime: {
          firstProbeAt: '2025-06-12T09:01:00.000Z',
          lastProbeAt: '2025-06-12T09:12:00.000Z',
          windows: 11,
          dependencies: {
            // Still failing at the last probe: down for the open stretch, longer than any closed one.
            database: dependency(
              40,
              { from: '2025-06-12T09:09:00.000Z', error: 'timeout' },
              '2025-06-12T09:12:00.400Z',
            ),
            cache: dependency(3),
            application: dependency(181),
          },
        },
      },
    },
  },
};

async function file(report: { workflow: string; execution: string; startedAt: string }): Promise<void> {
  const [yyyy, mm] = report.startedAt.split('-');
  await s3.client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `reports/${report.workflow}/${yyyy}/${mm}/${report.execution}.json`,
      Body: JSON.stringify(report),
    }),
  );
  // A report of another workflow is never listed.
  await s3.client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: `reports/backup-verification/${yyyy}/${mm}/x.json`, Body: '{}' }),
  );
}

/** CLI clients whose S3 is the local server. */
function localClients() {
  const base = { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true };
  return {
    clients: () =>
      ({
        s3: new S3Client({ ...base, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
      }) as never,
  };
}

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
});
afterAll(async () => {
  await s3.stop();
});

/** s3rver dates objects to the second: a pause keeps the filing order the listing order. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('drill history', () => {
  it('says so when no drill has filed a report yet', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod'], localClients());

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No drill has filed a report');
    expect(result.stdout).toContain('reports/failover-drill/');
  });

  it('lists all three drills newest first with outcome, RTO, RPO and downtime, and why one failed', async () => {
    // Prepare
    for (const report of [passed, fullRestore, failed, failoverCompleted, failoverSkipped, failoverFailed]) {
      await file(report);
      await nextSecond();
    }

    // Act
    const result = await run(['drill', 'history', 'prod'], localClients());

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/started\s+drill\s+outcome\s+RTO\s+RPO\s+downtime\s+execution/);
    expect(lines[1]).toMatch(
      /2025-06-12T09:00:00Z\s+failover\s+FAILED \(ExperimentStoppedError\)\s+-\s+-\s+db 180 s, cache 3 s, app 181 s\s+manual-june/,
    );
    expect(lines[2]).toMatch(/2025-06-11T09:00:00Z\s+failover\s+skipped\s+-\s+-\s+-\s+semiannual-h1-retry/);
    expect(lines[3]).toMatch(
      /2025-06-10T09:00:00Z\s+failover\s+completed\s+-\s+-\s+db 62 s, cache 14 s, app 0 s\s+semiannual-h1/,
    );
    expect(lines[4]).toMatch(
      /2025-06-04T07:00:00Z\s+pitr\s+FAILED \(RecoveryTestFailed\)\s+-\s+1800 s \(missed\)\s+-\s+nightly-june/,
    );
    expect(lines[5]).toMatch(/2025-05-20T06:00:00Z\s+full-restore\s+passed\s+2820 s\s+-\s+-\s+quarterly-q2/);
    expect(lines[6]).toMatch(/2025-05-07T07:00:00Z\s+pitr\s+passed\s+2100 s\s+60 s\s+-\s+nightly-may/);
    expect(lines).toHaveLength(7);
    expect(result.stderr).toContain('nightly-june: RecoveryTestFailed: Notified: ... interactions has rows');
    expect(result.stderr).toContain('manual-june: ExperimentStoppedError: Failover drill stopped');
  });

  it('lists one drill with --drill', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod', '--drill', 'full-restore'], localClients());

    // Assess
    expect(result.code).toBe(0);
    const rows = result.stdout.trim().split('\n').slice(1);
    expect(rows).toEqual([expect.stringMatching(/full-restore\s+passed\s+2820 s/)]);
  });

  it('prints JSON rows naming their drill with --json, and honours --limit', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod', '--limit', '2', '--json'], localClients());

    // Assess
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { drills: Record<string, unknown>[] };
    expect(body.drills).toEqual([
      expect.objectContaining({
        drill: 'failover',
        execution: 'manual-june',
        outcome: 'failed',
        rtoSeconds: null,
        downtimeSeconds: { database: 180.4, cache: 3, application: 181 },
      }),
      expect.objectContaining({ drill: 'failover', outcome: 'skipped', downtimeSeconds: null }),
    ]);
  });

  it('gives the PITR drill its RPO with --drill pitr --json', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod', '--drill', 'pitr', '--limit', '1', '--json'], localClients());

    // Assess
    const body = JSON.parse(result.stdout) as { drills: Record<string, unknown>[] };
    expect(body.drills).toEqual([
      expect.objectContaining({ drill: 'pitr', execution: 'nightly-june', rpoSeconds: 1800, downtimeSeconds: null }),
    ]);
  });

  it('refuses a bad --limit or an unknown --drill (exit 2)', async () => {
    // Act
    const badLimit = await run(['drill', 'history', 'prod', '--limit', '0'], localClients());
    const badDrill = await run(['drill', 'history', 'prod', '--drill', 'chaos'], localClients());

    // Assess
    expect(badLimit.code).toBe(2);
    expect(badDrill.code).toBe(2);
    expect(badDrill.stderr).toContain('pitr, full-restore, failover');
  });
});

describe('historyEntry', () => {
  it('reads a failover drill that failed before its verdict from the prober summary in its state', () => {
    // Prepare
    const report = {
      status: 'FAILED',
      error: 'WaitTimedOutError',
      details: { downtime: failoverFailed.details.evaluation.result.downtime },
    };

    // Act
    const entry = historyEntry('failover', report, 'reports/failover-drill/2025/06/x.json');

    // Assess
    expect(entry).toMatchObject({
      execution: 'x',
      outcome: 'failed',
      downtimeSeconds: { database: 180.4, cache: 3, application: 181 },
    });
  });

  it('marks a dry run and a full restore that missed its RTO objective', () => {
    // Act
    const dryRun = historyEntry('failover', { status: 'SUCCEEDED', details: { decision: 'dry-run' } }, 'k.json');
    const slow = historyEntry(
      'full-restore',
      { status: 'FAILED', details: { evaluation: { rtoSeconds: 9000, objectiveMet: false } } },
      'k.json',
    );

    // Assess
    expect(dryRun.outcome).toBe('dry-run');
    expect(slow).toMatchObject({ outcome: 'failed', rtoSeconds: 9000, objectivesMet: { rto: false, rpo: null } });
  });
});

/**
 * `drill history <env>` against a local S3 server (s3rver on loopback) holding the reports the
 * recovery drills filed, as notify-outcome writes them.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

async function file(report: { execution: string; startedAt: string }): Promise<void> {
  const [yyyy, mm] = report.startedAt.split('-');
  await s3.client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `reports/recovery-test/${yyyy}/${mm}/${report.execution}.json`,
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

describe('drill history', () => {
  it('says so when no drill has filed a report yet', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod'], localClients());

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No recovery drill has filed a report');
  });

  it('lists the drills newest first with outcome, restore point, RTO and RPO, and why one failed', async () => {
    // Prepare
    await file(passed);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await file(failed);

    // Act
    const result = await run(['drill', 'history', 'prod'], localClients());

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/started\s+outcome\s+restore point\s+RTO s\s+RTO met\s+RPO s\s+RPO met\s+execution/);
    expect(lines[1]).toMatch(/2025-06-04T07:00:00Z\s+FAILED \(RecoveryTestFailed\).*-\s+NO\s+1800\s+NO\s+nightly-june/);
    expect(lines[2]).toMatch(
      /2025-05-07T07:00:00Z\s+passed\s+2025-05-07T06:55:00\.000Z \(latest\)\s+2100\s+yes\s+60\s+yes/,
    );
    expect(result.stderr).toContain('nightly-june: RecoveryTestFailed: Notified: ... interactions has rows');
  });

  it('prints JSON with --json and honours --limit', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod', '--limit', '1', '--json'], localClients());

    // Assess
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { drills: { execution: string; rpoSeconds: number }[] };
    expect(body.drills).toEqual([expect.objectContaining({ execution: 'nightly-june', rpoSeconds: 1800 })]);
  });

  it('refuses a bad --limit (exit 2)', async () => {
    // Act
    const result = await run(['drill', 'history', 'prod', '--limit', '0'], localClients());

    // Assess
    expect(result.code).toBe(2);
  });
});

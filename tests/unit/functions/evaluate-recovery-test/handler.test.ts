import type { Context } from 'aws-lambda';
import { createHandler } from '../../../../functions/evaluate-recovery-test/handler.js';

const now = new Date('2026-11-29T12:40:00.000Z');
const handler = createHandler({ env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' }, clock: () => now });
const context = { functionName: 'evaluate', awsRequestId: 'r1' } as Context;
const drill = {
  plan: {
    plannedAt: '2026-11-29T12:00:05.000Z',
    restorePoint: '2026-11-29T11:55:00.000Z',
    restorePointMode: 'latest',
    instance: { identifier: 'interactions-prod-pitr-x', tags: [] },
  },
  verification: {
    passed: true,
    checks: [{ name: 'newest data', status: 'pass', value: 'x', finding: 'ok', durationMs: 10 }],
    newestDataAt: '2026-11-29T11:54:00.000Z',
    verifiedAt: '2026-11-29T12:35:00.000Z',
  },
  instance: { deletion: { status: 'deleting' } },
};
const input = {
  workflow: 'recovery-test',
  execution: 'drill-1',
  startedAt: '2026-11-29T12:00:00.000Z',
  objectives: { rtoMinutes: 60, rpoMinutes: 5 },
  drill,
};

/** The EMF lines the handler printed (Powertools writes them to stdout). */
function emfLines(spy: jest.SpyInstance): Record<string, unknown>[] {
  return spy.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('evaluate-recovery-test handler', () => {
  const original = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = original;
  });

  it('returns the evaluation with the cleanup status from the fragment state', async () => {
    // Act
    const evaluation = await handler(input, context);

    // Assess
    expect(evaluation).toMatchObject({
      passed: true,
      rtoSeconds: 2100,
      rpoSeconds: 60,
      cleanup: { status: 'deleting' },
    });
  });

  it('publishes RTO and RPO with the exact dimensions the objective alarms watch', async () => {
    // Prepare
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    await handler(input, context);

    // Assess
    const lines = [...emfLines(spy as unknown as jest.SpyInstance), ...emfLines(log as unknown as jest.SpyInstance)];
    spy.mockRestore();
    log.mockRestore();
    const rto = lines.find((line) => 'RecoveryTimeSeconds' in line);
    const rpo = lines.find((line) => 'RecoveryPointSeconds' in line);
    expect(rto).toMatchObject({
      RecoveryTimeSeconds: 2100,
      service: 'interactions-prod-evaluate-recovery-test',
      environment: 'prod',
      workflow: 'recovery-test',
    });
    expect(rpo).toMatchObject({ RecoveryPointSeconds: 60 });
  });

  it('rejects a state without a plan', async () => {
    await expect(handler({ ...input, drill: {} }, context)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

import type { Context } from 'aws-lambda';
import { createHandler } from '../../../../functions/plan-point-in-time-restore/handler.js';

const now = new Date('2026-11-29T12:00:00.000Z');
const handler = createHandler({ env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' }, clock: () => now });
const context = { functionName: 'plan', awsRequestId: 'r1' } as Context;
const base = {
  workflow: 'recovery-test',
  execution: 'drill-1',
  startedAt: '2026-11-29T11:59:00Z',
  environment: 'prod',
  purpose: 'pitr',
  mode: 'latest',
  expiresAfterMinutes: 240,
  source: {
    DbInstanceIdentifier: 'interactions-prod-postgres',
    LatestRestorableTime: '2026-11-29T11:55:00Z',
    BackupRetentionPeriod: 30,
    InstanceCreateTime: '2025-01-01T00:00:00Z',
  },
};

describe('plan-point-in-time-restore handler', () => {
  it('plans the latest point, the instance name and its tags for a scheduled run', async () => {
    // Act
    const plan = await handler(
      {
        ...base,
        request: { id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-01T06:00:00Z' },
      },
      context,
    );

    // Assess
    expect(plan).toMatchObject({
      restorePoint: '2026-11-29T11:55:00.000Z',
      restorePointMode: 'latest',
      sourceInstance: 'interactions-prod-postgres',
      instance: { identifier: expect.stringMatching(/^interactions-prod-pitr-drill-1-/) },
      expiresAt: '2026-11-29T15:59:00.000Z',
      plannedAt: now.toISOString(),
      trigger: 'schedule',
      requestedBy: null,
    });
    expect(plan.instance.tags).toContainEqual({ Key: 'interactions:execution', Value: 'drill-1' });
    expect(plan.instance.tags).toContainEqual({ Key: 'interactions:expires-at', Value: '2026-11-29T15:59:00.000Z' });
  });

  it('keeps an operator request and its requester', async () => {
    // Act
    const plan = await handler(
      { ...base, request: { restorePoint: '2026-11-20T00:00:00Z', requestedBy: 'alice' } },
      context,
    );

    // Assess
    expect(plan).toMatchObject({
      restorePoint: '2026-11-20T00:00:00.000Z',
      restorePointMode: 'requested',
      trigger: 'request',
      requestedBy: 'alice',
    });
  });

  it('fails with ValidationError before anything is created for a point past LatestRestorableTime', async () => {
    await expect(
      handler({ ...base, request: { restorePoint: '2026-11-29T11:58:00Z' } }, context),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('after the LatestRestorableTime'),
    });
  });

  it('rejects a misspelt request field instead of drilling the latest point', async () => {
    await expect(
      handler({ ...base, request: { restorePiont: '2026-11-20T00:00:00Z' } }, context),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('rejects a payload naming another environment', async () => {
    await expect(handler({ ...base, environment: 'dev', request: {} }, context)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('environment'),
    });
  });
});

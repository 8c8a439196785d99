import type { Context } from 'aws-lambda';
import { createHandler } from '../../../../functions/validate-snapshot-request/handler.js';

const handler = createHandler({ env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' } });

const context = { functionName: 'validate', awsRequestId: 'r1' } as Context;
const base = {
  workflow: 'on-demand-snapshot',
  execution: 'exec-1',
  startedAt: '2025-01-01T00:00:00Z',
  environment: 'prod',
  retentionDays: 7,
};

describe('validate-snapshot-request handler', () => {
  it('returns the DB snapshot plan', async () => {
    const plan = await handler(
      { ...base, kind: 'db', request: { snapshotName: 'interactions-pre-migration', requestedBy: 'ci' } },
      context,
    );
    expect(plan).toMatchObject({ snapshotName: 'interactions-pre-migration', expiresAt: '2025-01-08T00:00:00.000Z' });
  });

  it("plans the expiry from the request's retainDays over the workflow's retention", async () => {
    const plan = await handler(
      { ...base, kind: 'db', request: { snapshotName: 'keep-me', requestedBy: 'ci', retainDays: 365 } },
      context,
    );
    expect(plan).toMatchObject({ expiresAt: '2026-01-01T00:00:00.000Z' });
  });

  it('fails with ValidationError naming retainDays when it is out of range', async () => {
    await expect(
      handler({ ...base, kind: 'db', request: { snapshotName: 'keep-me', requestedBy: 'ci', retainDays: 0 } }, context),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [expect.stringMatching(/^request\.retainDays: /)],
    });
  });

  it.each([3651, 1e9])(
    'fails with ValidationError naming retentionDays when it is %s days (beyond ten years), not TypeError',
    async (retentionDays) => {
      // Act
      const failure = handler(
        { ...base, retentionDays, kind: 'db', request: { snapshotName: 'keep-me', requestedBy: 'ci' } },
        context,
      );

      // Assess
      await expect(failure).rejects.toMatchObject({
        name: 'ValidationError',
        issues: [expect.stringMatching(/^retentionDays: .*3650/)],
      });
    },
  );

  it('accepts a retentionDays of exactly ten years', async () => {
    const plan = await handler(
      { ...base, retentionDays: 3650, kind: 'db', request: { snapshotName: 'keep-me', requestedBy: 'ci' } },
      context,
    );
    expect(plan).toMatchObject({ expiresAt: '2034-12-30T00:00:00.000Z' });
  });

  it('fails with ValidationError naming the field when the request is malformed', async () => {
    await expect(
      handler({ ...base, kind: 'db', request: { snapshotName: 'UPPER', requestedBy: '' } }, context),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: expect.arrayContaining([
        expect.stringMatching(/^request\.snapshotName: /),
        expect.stringMatching(/^request\.requestedBy: /),
      ]),
    });
  });

  it('returns the cache snapshot plan with a default name', async () => {
    const plan = await handler(
      { ...base, workflow: 'cache-snapshot', kind: 'cache', request: { requestedBy: 'nightly' } },
      context,
    );
    expect(plan).toMatchObject({ snapshotName: 'interactions-prod-exec-1' });
  });

  it("tags the plan with the function's own environment when the payload names none", async () => {
    const { environment: _omitted, ...withoutEnvironment } = base;
    const plan = (await handler(
      { ...withoutEnvironment, kind: 'db', request: { snapshotName: 'interactions-x', requestedBy: 'ci' } },
      context,
    )) as { tags: { Key: string; Value: string }[] };
    expect(plan.tags).toContainEqual({ Key: 'interactions:environment', Value: 'prod' });
  });

  it('rejects a payload naming another environment instead of tagging with it', async () => {
    const failure = handler(
      { ...base, environment: 'staging', kind: 'db', request: { snapshotName: 'interactions-x', requestedBy: 'ci' } },
      context,
    );
    await expect(failure).rejects.toMatchObject({
      name: 'ValidationError',
      issues: ["environment: staging does not match the function's own environment prod"],
    });
  });
});

/** The selection handler's identity checks: whose snapshots and which region come from its settings. */
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/select-expired-snapshots/handler.js';

const rdsMock = mockClient(RDSClient);
const rdsIn = jest.fn((region: string) => new RDSClient({ region }));
const clients = { rdsIn, elastiCache: () => never() };
const context = { functionName: 'select', awsRequestId: 'r1' } as Context;

function never(): never {
  throw new Error('the cache is not listed in these tests');
}

const event = {
  execution: 'nightly-1',
  startedAt: '2025-01-15T03:00:00Z',
  environment: 'prod',
  trigger: { id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2025-01-15T03:00:00Z' },
  region: 'us-east-1',
  regionRole: 'source',
  instanceIdentifier: 'interactions-prod-postgres',
  retentionDays: 7,
  planCopy: false,
};

beforeEach(() => {
  rdsMock.reset();
  rdsIn.mockClear();
  rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
});

describe('select-expired-snapshots handler', () => {
  const handler = createHandler({ env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' }, clients });

  it("selects for the function's own environment when the payload names none", async () => {
    const { environment: _payloadEnvironment, ...withoutEnvironment } = event;
    await expect(handler(withoutEnvironment, context)).resolves.toMatchObject({ region: 'us-east-1', selected: [] });
    expect(rdsIn).toHaveBeenCalledWith('us-east-1');
  });

  it('rejects a payload naming another environment before any AWS call', async () => {
    await expect(handler({ ...event, environment: 'staging' }, context)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: ["environment: staging does not match the function's own environment prod"],
    });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it('rejects a source region other than its own', async () => {
    await expect(handler({ ...event, region: 'eu-west-1' }, context)).rejects.toThrow(
      "region: eu-west-1 does not match the function's own region us-east-1",
    );
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it.each([3651, 1e9])(
    'rejects a retentionDays of %s (beyond ten years) with ValidationError naming it, before any AWS call',
    async (retentionDays) => {
      // Act
      const failure = handler({ ...event, retentionDays, planCopy: true }, context);

      // Assess
      await expect(failure).rejects.toMatchObject({
        name: 'ValidationError',
        issues: [expect.stringMatching(/^retentionDays: .*3650/)],
      });
      expect(rdsIn).not.toHaveBeenCalled();
    },
  );

  it('rejects its own region as the DR region', async () => {
    const withDr = createHandler({
      env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', DR_REGION: 'us-west-2' },
      clients,
    });
    await expect(withDr({ ...event, regionRole: 'dr' }, context)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it('refuses a DR selection when the function has no DR_REGION, naming the variable, before any AWS call', async () => {
    // Act
    const failure = handler({ ...event, regionRole: 'dr', region: 'us-west-2' }, context);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining('DR_REGION is not set'),
    });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it('refuses a DR selection when DR_REGION is its own region', async () => {
    const misconfigured = createHandler({
      env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', DR_REGION: 'us-east-1' },
      clients,
    });
    await expect(misconfigured({ ...event, regionRole: 'dr' }, context)).rejects.toMatchObject({
      name: 'ConfigurationError',
    });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it('holds the DR region to DR_REGION when the function has it', async () => {
    const withDr = createHandler({
      env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', DR_REGION: 'us-west-2' },
      clients,
    });
    await expect(withDr({ ...event, regionRole: 'dr', region: 'eu-central-1' }, context)).rejects.toThrow(
      "region: eu-central-1 does not match the function's own region us-west-2",
    );
    await expect(withDr({ ...event, regionRole: 'dr', region: 'us-west-2' }, context)).resolves.toMatchObject({
      region: 'us-west-2',
    });
  });
});

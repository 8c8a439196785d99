/** The regional operations handler: calls go only to the function's own region or its DR region. */
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/operate-regional-snapshots/handler.js';

const rdsMock = mockClient(RDSClient);
const rdsIn = jest.fn((region: string) => new RDSClient({ region }));
const elastiCache = new ElastiCacheClient({ region: 'us-east-1' });
const context = { functionName: 'operate', awsRequestId: 'r1' } as Context;
const base = { execution: 'nightly-1', startedAt: '2025-01-15T03:00:00Z' };
const handler = createHandler({
  env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1', DR_REGION: 'us-west-2' },
  clients: { rdsIn, elastiCache: () => elastiCache },
});

beforeEach(() => {
  rdsMock.reset();
  rdsIn.mockClear();
  rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
});

describe('operate-regional-snapshots handler', () => {
  it.each(['us-east-1', 'us-west-2'])('describes a snapshot in %s for the guard', async (region) => {
    await expect(
      handler({ ...base, action: 'describe', region, identifier: 'interactions-prod-dr-x' }, context),
    ).resolves.toMatchObject({ status: 'absent' });
    expect(rdsIn).toHaveBeenCalledWith(region);
  });

  it('refuses a region that is neither its own nor its DR region, before any AWS call', async () => {
    const failure = handler(
      { ...base, action: 'delete', region: 'eu-west-1', identifier: 'interactions-prod-dr-x' },
      context,
    );
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it('refuses to delete in its own region (the state machine deletes there itself)', async () => {
    await expect(
      handler({ ...base, action: 'delete', region: 'us-east-1', identifier: 'interactions-prod-dr-x' }, context),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(rdsIn).not.toHaveBeenCalled();
  });
});

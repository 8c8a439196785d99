import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/guarded-delete-snapshot/handler.js';

const rds = mockClient(RDSClient);
const cache = mockClient(ElastiCacheClient);
const rdsClient = new RDSClient({ region: 'us-east-1' });
const elastiCacheClient = new ElastiCacheClient({ region: 'us-east-1' });
const handler = createHandler({
  env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' },
  clients: { rds: () => rdsClient, elastiCache: () => elastiCacheClient },
});
beforeEach(() => {
  rds.reset();
  cache.reset();
});

const context = { functionName: 'guard', awsRequestId: 'r1' } as Context;
const SNAP = 'interactions-pre-migration';
const CACHE_SNAP = 'interactions-prod-exec-1';
const base = { workflow: 'on-demand-snapshot', execution: 'exec-1', startedAt: '2025-01-01T00:00:00Z' };
const own = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: 'exec-1' },
  { Key: 'interactions:environment', Value: 'prod' },
];

function sdkError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

describe('guarded-delete-snapshot handler', () => {
  it('deletes an RDS snapshot of this execution', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'failed', TagList: own }] });
    rds.on(DeleteDBSnapshotCommand).resolves({});
    await expect(handler({ ...base, service: 'rds', snapshotName: SNAP }, context)).resolves.toMatchObject({
      outcome: 'deleted',
    });
    expect(rds.commandCalls(DeleteDBSnapshotCommand)[0]?.args[0].input).toEqual({ DBSnapshotIdentifier: SNAP });
  });

  it('refuses an RDS snapshot someone else created', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', TagList: [] }] });
    await expect(handler({ ...base, service: 'rds', snapshotName: SNAP }, context)).rejects.toMatchObject({
      name: 'TagGuardError',
    });
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it("refuses this execution name's snapshot of another environment (the function's ENVIRONMENT decides)", async () => {
    const staging = own.map((t) => (t.Key === 'interactions:environment' ? { ...t, Value: 'staging' } : t));
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', TagList: staging }] });
    await expect(handler({ ...base, service: 'rds', snapshotName: SNAP }, context)).rejects.toMatchObject({
      name: 'TagGuardError',
    });
    expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it('reports an RDS snapshot that does not exist as absent', async () => {
    rds.on(DescribeDBSnapshotsCommand).rejects(sdkError('DBSnapshotNotFoundFault'));
    await expect(handler({ ...base, service: 'rds', snapshotName: SNAP }, context)).resolves.toMatchObject({
      outcome: 'absent',
    });
  });

  it('leaves an RDS snapshot whose state refuses the delete to the sweeper', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', TagList: own }] });
    rds.on(DeleteDBSnapshotCommand).rejects(sdkError('InvalidDBSnapshotStateFault'));
    await expect(handler({ ...base, service: 'rds', snapshotName: SNAP }, context)).resolves.toMatchObject({
      outcome: 'left-for-sweeper',
    });
  });

  it('reads ElastiCache tags from the snapshot ARN before deleting', async () => {
    cache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'failed', ARN: 'arn:snap' }] });
    cache.on(ListTagsForResourceCommand).resolves({ TagList: own });
    cache.on(DeleteSnapshotCommand).resolves({});
    await expect(
      handler({ ...base, service: 'elasticache', snapshotName: CACHE_SNAP }, context),
    ).resolves.toMatchObject({
      outcome: 'deleted',
    });
    expect(cache.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ ResourceName: 'arn:snap' });
  });

  it('refuses an ElastiCache snapshot without this execution tags', async () => {
    cache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available', ARN: 'arn:snap' }] });
    cache.on(ListTagsForResourceCommand).resolves({ TagList: [own[0]!] });
    await expect(handler({ ...base, service: 'elasticache', snapshotName: CACHE_SNAP }, context)).rejects.toMatchObject(
      {
        name: 'TagGuardError',
      },
    );
    expect(cache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });

  it('rejects an unknown service before any AWS call', async () => {
    await expect(handler({ ...base, service: 's3', snapshotName: SNAP }, context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(rds.calls()).toHaveLength(0);
  });

  it.each([
    ['rds', 'Snap_1', /may contain only letters, digits and hyphens/],
    ['rds', 'arn:aws:rds:us-east-1:123456789012:snapshot:x', /may contain only letters/],
    ['rds', 'pre--migration', /two consecutive hyphens/],
    ['rds', 'Pre-Migration', /must be lowercase/],
    ['rds', `a${'b'.repeat(255)}`, /at most 255 characters/],
    ['elasticache', 'nightly-snapshot', /must start with 'interactions-prod-'/],
    ['elasticache', 'interactions-staging-exec-1', /must start with 'interactions-prod-'/],
    ['elasticache', 'interactions-prod-', /must not end with a hyphen/],
    ['rds', 'snap/../interactions-prod-postgres', /may contain only letters, digits and hyphens \(found "\/", "\."\)/],
    ['elasticache', 'interactions-prod-../../x', /may contain only letters/],
    ['rds', `a${'b'.repeat(200_000)}`, /'ab{79}\.\.\. \(200001 characters\)': must be at most 255 characters/],
    ['rds', ['interactions-pre-migration'], /snapshotName: Invalid input: expected string/],
  ])('rejects %s snapshot name %j with ValidationError before any AWS call', async (service, snapshotName, problem) => {
    const failure = handler({ ...base, service, snapshotName }, context);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(problem);
    await failure.catch((error: Error) => expect(error.message.length).toBeLessThan(400));
    expect(rds.calls()).toHaveLength(0);
    expect(cache.calls()).toHaveLength(0);
  });
});

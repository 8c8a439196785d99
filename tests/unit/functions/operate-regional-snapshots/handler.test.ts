/** The regional operations handler: calls go only to the function's own region or its DR region. */
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  CopyDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
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

  it.each([
    [
      'copy',
      {
        action: 'copy',
        sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:rds:x',
        targetName: 'interactions-prod-dr-x',
        kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/interactions-prod-dr',
        tags: [{ Key: 'k', Value: 'v' }],
      },
    ],
    ['delete', { action: 'delete', identifier: 'interactions-prod-dr-x' }],
    ['describe', { action: 'describe', identifier: 'interactions-prod-dr-x' }],
  ])(
    'refuses a DR %s when the function has no DR_REGION, naming the variable, before any AWS call',
    async (_action, call) => {
      // Prepare
      const withoutDr = createHandler({
        env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' },
        clients: { rdsIn, elastiCache: () => elastiCache },
      });

      // Act
      const failure = withoutDr({ ...base, region: 'us-west-2', ...call }, context);

      // Assess
      await expect(failure).rejects.toMatchObject({
        name: 'ConfigurationError',
        message: expect.stringContaining('DR_REGION is not set'),
      });
      expect(rdsIn).not.toHaveBeenCalled();
    },
  );

  it('refuses to delete in its own region (the state machine deletes there itself)', async () => {
    await expect(
      handler({ ...base, action: 'delete', region: 'us-east-1', identifier: 'interactions-prod-dr-x' }, context),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(rdsIn).not.toHaveBeenCalled();
  });

  it("refuses to delete another environment's DR copy: the function's ENVIRONMENT decides, not the tags' owner", async () => {
    // Prepare: a manual, available copy the automation made, but for staging; this function is prod's.
    const staging = [
      { Key: 'interactions:managed-by', Value: 'interactions-automation' },
      { Key: 'interactions:environment', Value: 'staging' },
    ];
    rdsMock
      .on(DescribeDBSnapshotsCommand)
      .resolves({ DBSnapshots: [{ Status: 'available', SnapshotType: 'manual', TagList: staging }] });
    // Act
    const result = await handler(
      { ...base, action: 'delete', region: 'us-west-2', identifier: 'interactions-staging-dr-x' },
      context,
    );
    // Assess
    expect(result).toMatchObject({ outcome: 'refused' });
    expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
  });

  it.each([
    [
      'an identifier with path characters',
      { action: 'delete', region: 'us-west-2', identifier: '../prod/x' },
      'identifier',
    ],
    [
      'an ARN as identifier',
      { action: 'delete', region: 'us-west-2', identifier: 'arn:aws:rds:us-west-2:123456789012:snapshot:x' },
      'identifier',
    ],
    [
      'a huge identifier',
      { action: 'delete', region: 'us-west-2', identifier: `a${'b'.repeat(100_000)}` },
      'identifier',
    ],
    ['a numeric region', { action: 'delete', region: 42, identifier: 'interactions-prod-dr-x' }, 'region'],
    ['an unknown action', { action: 'modify', region: 'us-west-2', identifier: 'interactions-prod-dr-x' }, 'action'],
    [
      'a missing execution',
      { action: 'delete', region: 'us-west-2', identifier: 'x', execution: undefined },
      'execution',
    ],
    [
      'a copy without the automation tags',
      {
        action: 'copy',
        region: 'us-west-2',
        sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:rds:x',
        targetName: 'interactions-prod-dr-x',
        kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/k',
        tags: [],
      },
      'tags',
    ],
  ])('rejects %s with ValidationError naming the field, before any AWS call', async (_case, fields, field) => {
    const failure = handler({ ...base, ...fields }, context);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(new RegExp(`${field}: `));
    expect(rdsIn).not.toHaveBeenCalled();
    expect(rdsMock.calls()).toHaveLength(0);
    expect(rdsMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
  });

  describe('copy', () => {
    const ownTags = [
      { Key: 'interactions:managed-by', Value: 'interactions-automation' },
      { Key: 'interactions:execution', Value: 'nightly-1' },
      { Key: 'interactions:expires-at', Value: '2025-01-22T03:00:00.000Z' },
      { Key: 'interactions:environment', Value: 'prod' },
    ];
    const copy = {
      ...base,
      action: 'copy',
      region: 'us-west-2',
      sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:rds:interactions-prod-postgres-2025-01-15-05-10',
      targetName: 'interactions-prod-dr-2025-01-15-05-10',
      kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:alias/interactions-prod-dr',
      tags: ownTags,
    };
    const withTag = (key: string, value: string) =>
      ownTags.map((t) => (t.Key === key ? { Key: key, Value: value } : t));

    it('copies into the DR region with the automation tags of this environment and execution', async () => {
      rdsMock.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'pending' } });
      await expect(handler(copy, context)).resolves.toMatchObject({ outcome: 'started', region: 'us-west-2' });
      expect(rdsIn).toHaveBeenCalledWith('us-west-2');
      expect(rdsMock.commandCalls(CopyDBSnapshotCommand)[0]?.args[0].input).toMatchObject({
        TargetDBSnapshotIdentifier: copy.targetName,
        Tags: ownTags,
      });
    });

    it.each([
      ['a target named for another environment', { targetName: 'interactions-staging-dr-x' }, 'targetName'],
      ['a target outside the DR prefix', { targetName: 'interactions-prod-postgres-keep' }, 'targetName'],
      ['tags of another environment', { tags: withTag('interactions:environment', 'staging') }, 'tags'],
      ['tags of another execution', { tags: withTag('interactions:execution', 'someone-else') }, 'tags'],
      ['tags without managed-by', { tags: ownTags.slice(1) }, 'tags'],
      ['only foreign tags', { tags: [{ Key: 'team', Value: 'x' }] }, 'tags'],
      [
        'a source in another region',
        { sourceArn: 'arn:aws:rds:eu-west-1:123456789012:snapshot:interactions-prod-x' },
        'sourceArn',
      ],
    ])('rejects a copy with %s, naming the field, before any AWS call', async (_case, fields, field) => {
      const failure = handler({ ...copy, ...fields }, context);
      await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
      await expect(failure).rejects.toThrow(new RegExp(`${field}: `));
      expect(rdsIn).not.toHaveBeenCalled();
      expect(rdsMock.calls()).toHaveLength(0);
    });
  });
});

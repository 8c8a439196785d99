/**
 * The selection handler's identity checks (whose snapshots and which region come from its settings)
 * and its owning-run lookups (a failed run's leftover is selected before its expiry).
 */
import { type DBSnapshot, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/select-expired-snapshots/handler.js';
import { MAX_OWNER_RUN_CHECKS } from '../../../../functions/select-expired-snapshots/select.js';
import { automationTags } from '../../../../shared/tags.js';

const rdsMock = mockClient(RDSClient);
const sfnMock = mockClient(SFNClient);
const rdsIn = jest.fn((region: string) => new RDSClient({ region }));
const sfn = new SFNClient({ region: 'us-east-1' });
const clients = { rdsIn, elastiCache: () => never(), sfn: () => sfn };
const HOUSEKEEPING = 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-snapshot-housekeeping';
const ON_DEMAND_EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-on-demand-snapshot:';
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
  stateMachineArn: HOUSEKEEPING,
};

/** A manual snapshot of prod's instance made by run `execution`, expiring in ten years. */
function onDemand(execution: string, createdAt = new Date('2025-01-14T10:00:00Z')): DBSnapshot {
  return {
    DBSnapshotIdentifier: `before-migration-${execution}`,
    DBSnapshotArn: `arn:aws:rds:us-east-1:123456789012:snapshot:before-migration-${execution}`,
    DBInstanceIdentifier: 'interactions-prod-postgres',
    SnapshotType: 'manual',
    Status: 'available',
    SnapshotCreateTime: createdAt,
    TagList: automationTags({ environment: 'prod', execution, expiresAt: new Date('2035-01-01T00:00:00Z') }),
  };
}

beforeEach(() => {
  sfnMock.reset();
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

describe('select-expired-snapshots handler: leftovers of failed runs', () => {
  const handler = createHandler({ env: { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' }, clients });

  it('selects a snapshot far from expiry whose on-demand run failed, and keeps those of running, succeeded or unknown runs', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBSnapshotsCommand)
      .resolves({ DBSnapshots: [onDemand('failed-1'), onDemand('ok-1'), onDemand('busy-1'), onDemand('other-1')] });
    const statuses: Record<string, string> = { 'failed-1': 'TIMED_OUT', 'ok-1': 'SUCCEEDED', 'busy-1': 'RUNNING' };
    sfnMock.on(DescribeExecutionCommand).callsFake(async ({ executionArn }: { executionArn: string }) => {
      const status = statuses[executionArn.replace(ON_DEMAND_EXECUTION, '')];
      if (status === undefined) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
      return { status };
    });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.selected).toEqual([
      expect.objectContaining({ identifier: 'before-migration-failed-1', reason: 'failed-run', execution: 'failed-1' }),
    ]);
    expect(
      sfnMock
        .commandCalls(DescribeExecutionCommand)
        .map((c) => c.args[0].input.executionArn)
        .sort(),
    ).toEqual(['busy-1', 'failed-1', 'ok-1', 'other-1'].map((name) => `${ON_DEMAND_EXECUTION}${name}`));
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'] as const)(
    'keeps a verified snapshot whose run ended %s after verification (at or after the success notification)',
    async (status) => {
      // Prepare
      rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [onDemand('verified-1'), onDemand('failed-1')] });
      sfnMock.on(DescribeExecutionCommand).resolves({ status });
      const entered = (name: string, id: number) => ({
        id,
        timestamp: new Date(),
        type: 'TaskStateEntered' as const,
        stateEnteredEventDetails: { name },
      });
      sfnMock
        .on(GetExecutionHistoryCommand, { executionArn: `${ON_DEMAND_EXECUTION}verified-1` })
        .resolvesOnce({ events: [entered('Notify failure', 90)], nextToken: 'older' })
        .resolvesOnce({ events: [entered('Notify success', 80), entered('Verify snapshot', 70)] });
      sfnMock
        .on(GetExecutionHistoryCommand, { executionArn: `${ON_DEMAND_EXECUTION}failed-1` })
        .resolves({ events: [entered('Notify failure', 40), entered('Verify snapshot', 30)] });

      // Act
      const result = await handler(event, context);

      // Assess
      expect(result.selected).toEqual([
        expect.objectContaining({ identifier: 'before-migration-failed-1', reason: 'failed-run' }),
      ]);
      const historyCalls = sfnMock.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
      expect(historyCalls).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ executionArn: `${ON_DEMAND_EXECUTION}verified-1`, nextToken: 'older' }),
        ]),
      );
    },
  );

  it('reads no history of a run that succeeded or is running', async () => {
    // Prepare
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [onDemand('ok-1')] });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.selected).toEqual([]);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('fails retryably when GetExecutionHistory is throttled, deleting nothing', async () => {
    // Prepare
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [onDemand('failed-1')] });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    sfnMock
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act, Assess
    await expect(handler(event, context)).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it(`looks up at most ${MAX_OWNER_RUN_CHECKS} owning runs a night, the newest snapshots first`, async () => {
    // Prepare
    const snapshots = Array.from({ length: MAX_OWNER_RUN_CHECKS + 10 }, (_, i) =>
      onDemand(`run-${i}`, new Date(Date.UTC(2025, 0, 1, 0, i))),
    );
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: snapshots });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });

    // Act
    await handler(event, context);

    // Assess
    const looked = sfnMock.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn);
    expect(looked).toHaveLength(MAX_OWNER_RUN_CHECKS);
    expect(looked).toContain(`${ON_DEMAND_EXECUTION}run-${MAX_OWNER_RUN_CHECKS + 9}`);
    expect(looked).not.toContain(`${ON_DEMAND_EXECUTION}run-0`);
  });

  it('fails retryably when DescribeExecution is throttled', async () => {
    // Prepare
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [onDemand('failed-1')] });
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act, Assess
    await expect(handler(event, context)).rejects.toMatchObject({ name: 'RetryableError' });
  });

  it.each([
    ['missing', undefined],
    ['of another environment', HOUSEKEEPING.replace('-prod-', '-staging-')],
    ['in another region', HOUSEKEEPING.replace('us-east-1', 'eu-west-1')],
    ['of another state machine', HOUSEKEEPING.replace('snapshot-housekeeping', 'on-demand-snapshot')],
  ])('rejects a source selection whose stateMachineArn is %s, before any AWS call', async (_, stateMachineArn) => {
    // Act
    const failure = handler({ ...event, stateMachineArn }, context);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [expect.stringMatching(/^stateMachineArn: must be the ARN of interactions-prod-snapshot-housekeeping/)],
    });
    expect(rdsIn).not.toHaveBeenCalled();
  });
});

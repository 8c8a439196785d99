import '../../../support/lambda-env.js';
import { type DBInstance, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/remediation-playbook-rds-storage/handler.js';
import { context, env, invocation, now } from './support.js';

const rdsMock = mockClient(RDSClient);
const rds = new RDSClient({ region: 'us-east-1' });
const handler = createHandler({ env, clients: { rds: () => rds }, clock: () => now });
const policy = { growthPercent: 10, maxAllocatedStorageGiB: 200 };

function describe_(instance: Partial<DBInstance>) {
  rdsMock.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      {
        DBInstanceIdentifier: 'interactions-prod-postgres',
        DBInstanceStatus: 'available',
        AllocatedStorage: 100,
        ...instance,
      },
    ],
  });
}

beforeEach(() => rdsMock.reset());

describe('RDS storage playbook', () => {
  it('grows the storage by 10% when the instance is available', async () => {
    describe_({});

    const result = await handler(invocation('act', 'rds-storage', policy), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'interactions-prod-postgres', AllocatedStorage: 110, ApplyImmediately: true },
    ]);
    expect(result).toMatchObject({ verify: true, expectation: { allocatedStorageGiB: 110 } });
  });

  it('acts on an approved plan only while the fresh plan is the same, never on changes nobody approved', async () => {
    // Prepare: planned (and skipped for approval) while modifying; available by the time it acts.
    describe_({ DBInstanceStatus: 'modifying' });
    const approved = (await handler(invocation('plan', 'rds-storage', policy), context)) as { actions: unknown[] };
    describe_({});

    // Act
    const result = await handler(
      { ...invocation('act', 'rds-storage', policy), approvedActions: approved.actions },
      context,
    );

    // Assess
    expect(approved.actions).toEqual([]);
    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    expect(result).toMatchObject({ actions: [], verify: false });
    expect((result as { decided: string }).decided).toContain('changed since it was approved');
  });

  it('acts on an approved plan that is still the plan', async () => {
    // Prepare
    describe_({});
    const approved = (await handler(invocation('plan', 'rds-storage', policy), context)) as { actions: unknown[] };

    // Act
    await handler({ ...invocation('act', 'rds-storage', policy), approvedActions: approved.actions }, context);

    // Assess
    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(1);
  });

  it('rounds a growth up so it is never below 10%', async () => {
    describe_({ AllocatedStorage: 21 });

    await handler(invocation('act', 'rds-storage', policy), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input.AllocatedStorage).toBe(24);
  });

  it('stops at the cap when a bigger step would pass it', async () => {
    describe_({ AllocatedStorage: 180 });

    await handler(invocation('act', 'rds-storage', { growthPercent: 25, maxAllocatedStorageGiB: 200 }), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)[0]?.args[0].input.AllocatedStorage).toBe(200);
  });

  it('changes nothing when even 10% would pass the cap', async () => {
    describe_({ AllocatedStorage: 190 });

    const result = await handler(invocation('act', 'rds-storage', policy), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    expect(result).toMatchObject({ actions: [], decided: expect.stringMatching(/cap of 200 GiB/) });
  });

  it.each([
    ['storage-optimization', {}],
    ['modifying', {}],
    ['available', { PendingModifiedValues: { AllocatedStorage: 120 } }],
  ])('changes nothing while the instance is %s (or a change is pending)', async (status, extra) => {
    describe_({ DBInstanceStatus: status, ...extra });

    const result = await handler(invocation('act', 'rds-storage', policy), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    expect(result).toMatchObject({
      actions: [],
      decided: expect.stringMatching(/accepts no storage modification now/),
    });
  });

  it('confirms storage autoscaling instead of growing', async () => {
    describe_({ MaxAllocatedStorage: 500 });

    const result = await handler(invocation('act', 'rds-storage', policy), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    expect(result).toMatchObject({ decided: expect.stringMatching(/Storage autoscaling is set .*up to 500 GiB/) });
  });

  it.each([
    ['recovered', { AllocatedStorage: 110, DBInstanceStatus: 'storage-optimization' }],
    [
      'pending',
      { AllocatedStorage: 100, DBInstanceStatus: 'modifying', PendingModifiedValues: { AllocatedStorage: 110 } },
    ],
    ['failed', { AllocatedStorage: 100, DBInstanceStatus: 'storage-full' }],
  ])('verifies the growth as %s', async (status, instance) => {
    describe_(instance);

    const result = await handler(invocation('verify', 'rds-storage', policy, { allocatedStorageGiB: 110 }), context);

    expect(result).toMatchObject({ status });
  });

  it('rejects a growth step under RDS minimum of 10% before any AWS call', async () => {
    await expect(
      handler(invocation('act', 'rds-storage', { growthPercent: 5, maxAllocatedStorageGiB: 200 }), context),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/policy.growthPercent: must be at least 10/),
    });
    expect(rdsMock.calls()).toHaveLength(0);
  });
});

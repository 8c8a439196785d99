/**
 * The synthesized full restore test state machine, run locally on the workflow testbed: real
 * handlers for the plan, the cache restore (ElastiCache and Secrets Manager mocked), the smoke
 * checks (the real probes against a local HTTP server standing in for the task's private IP), the
 * evaluation and notify-outcome; mocked RDS, ElastiCache and ECS SDK integrations per state. Every
 * path that created something must end with all of it removed, and every failure must be notified.
 */
import {
  CreateReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { loadConfig } from '../../infra/config/index.js';
import { TEMPORARY_DB_STATES as DB } from '../../workflows/common/temporary-db-instance.js';
import { TEMPORARY_CACHE_STATES as CACHE } from '../../workflows/common/temporary-replication-group.js';
import { FULL_RESTORE_STATES as F } from '../../workflows/full-restore-test/construct.js';
import { fullRestorePlatformRefs } from '../../workflows/full-restore-test/platform-refs.js';
import { type LocalHttpServer, startHttpServer } from '../support/services/http.js';
import { scheduledDeliveries, scheduledEvent, sdkParameters, workflowTestbed } from '../support/workflow-testbed.js';
import {
  cacheRestoreMocks,
  FAILURE_TAIL,
  fail,
  fullRestoreWorld,
  type Mocks,
  NEWEST_SNAPSHOT,
  ok,
  removed,
  TEARDOWN,
} from './full-restore-test.fixtures.js';

const bed = workflowTestbed({ workflow: 'full-restore-test', env: 'prod' });
const config = loadConfig('prod');
const world = fullRestoreWorld('prod');
const sdk = cacheRestoreMocks();
let app: LocalHttpServer;
/** The workflow with the backend's port on the local server standing in for the task. */
let machine: ReturnType<typeof bed.variant>;

beforeAll(async () => {
  app = await startHttpServer();
  const { Stack } = await import('aws-cdk-lib');
  const refs = fullRestorePlatformRefs(new Stack(), config);
  machine = bed.variant('local-app', { backend: { ...refs.backend, port: app.port } });
});
afterAll(async () => {
  await app.close();
});
beforeEach(async () => {
  sdk.reset();
  await app.reset();
});

function run(mocks: Mocks, options: { input?: unknown; executionName?: string } = {}) {
  return machine.run({
    input: options.input ?? { requestedBy: 'alice@example.com', reason: 'quarterly drill' },
    executionName: options.executionName ?? world.execution,
    mocks,
  });
}

/** Everything this execution created was asked to go, exactly once. */
function expectEverythingRemoved(result: Awaited<ReturnType<typeof run>>) {
  expect(removed(result)).toEqual({
    task: [world.taskArn],
    cache: [world.replicationGroup],
    database: [world.instance],
  });
}

describe('full restore test workflow', () => {
  it('restores database and cache, smoke-tests the running backend image against them, tears everything down and reports', async () => {
    // Act
    const result = await run(world.base);

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    const poll = (wait: string, describe: string, count: string, choice: string) => [wait, describe, count, choice];
    expect(result.path).toEqual([
      'Delivered by the schedule?',
      'Describe source database',
      'Plan restore',
      F.describeBackend,
      CACHE.create,
      DB.restore,
      DB.startWaiting,
      ...poll(DB.wait, DB.describe, DB.count, DB.available),
      ...poll(DB.wait, DB.describe, DB.count, DB.available),
      'Note database available',
      CACHE.startWaiting,
      ...poll(CACHE.wait, CACHE.describe, CACHE.count, CACHE.available),
      ...poll(CACHE.wait, CACHE.describe, CACHE.count, CACHE.available),
      'Note cache available',
      F.runTask,
      F.taskStarted,
      F.startWaitingTask,
      ...poll(F.waitTask, F.describeTask, F.countTask, F.taskRunning),
      ...poll(F.waitTask, F.describeTask, F.countTask, F.taskRunning),
      'Note task running',
      F.smoke,
      ...TEARDOWN,
      F.evaluate,
      F.verdict,
      'Notify drill result',
      'Build output',
      'Drill passed',
    ]);
    expect(result.output).toMatchObject({
      cacheSnapshot: NEWEST_SNAPSHOT,
      temporaryInstance: world.instance,
      temporaryReplicationGroup: world.replicationGroup,
      taskDefinition: world.taskDefinition,
      objectiveMet: true,
    });
    expect(result.output?.phases.map((phase) => phase.name)).toEqual([
      'restore-database',
      'restore-cache',
      'start-task',
      'smoke-checks',
      'teardown',
    ]);
    expect(result.output?.checks).toEqual([expect.objectContaining({ name: 'http:health', status: 'pass' })]);
    expectEverythingRemoved(result);
    expect(app.requests.map((request) => request.path)).toEqual(['/health']);
    expect(await bed.report(result)).toMatchObject({
      status: 'SUCCEEDED',
      severity: 'low',
      details: {
        evaluation: { passed: true, teardown: { task: { status: 'RUNNING' }, cache: { status: 'deleting' } } },
      },
    });
  });

  it('runs the running task definition in the isolated network, pointed at the restored copies, tagged for this execution', async () => {
    // Act
    const result = await run(world.base);

    // Assess: the SDK integration spelling is pinned (a wrong case fails only in AWS)
    const params = sdkParameters<{
      NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: unknown[] } };
      Tags: unknown;
    }>(result, F.runTask);
    expect(params).toMatchObject({
      Cluster: 'interactions-prod',
      TaskDefinition: world.taskDefinition,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      Overrides: {
        ContainerOverrides: [
          {
            Name: 'backend',
            Environment: [
              { Name: 'DB_HOST', Value: 'restored-db.internal' },
              { Name: 'REDIS_HOST', Value: 'restored-cache.internal' },
              { Name: 'REDIS_PORT', Value: '6379' },
            ],
          },
        ],
      },
    });
    expect(params.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toHaveLength(1);
    expect(params.Tags).toEqual(expect.arrayContaining([{ Key: 'interactions:execution', Value: world.execution }]));
    expect(result.sdkCalls.find((call) => call.state === F.describeBackend)?.parameters).toEqual({
      Cluster: 'interactions-prod',
      Services: ['interactions-prod-backend'],
    });
  });

  it('restores the newest available cache snapshot with encryption, the platform AUTH token and the automation tags', async () => {
    // Act
    const result = await run(world.base);

    // Assess
    expect(result).toHaveSucceeded();
    const create = sdk.elastiCache.commandCalls(CreateReplicationGroupCommand)[0]?.args[0].input;
    expect(create).toMatchObject({
      ReplicationGroupId: world.replicationGroup,
      SnapshotName: NEWEST_SNAPSHOT,
      CacheSubnetGroupName: 'interactions-prod-redis',
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      AuthToken: expect.stringMatching(/^a-redis-auth-token/),
      CacheNodeType: config.drills.fullRestore.cacheNodeType,
      NumCacheClusters: 1,
    });
    expect(create?.Tags).toEqual(expect.arrayContaining([{ Key: 'interactions:execution', Value: world.execution }]));
    // The token never enters the execution's state (logged at level ALL).
    expect(JSON.stringify(result.output)).not.toContain('a-redis-auth-token');
    expect(JSON.stringify(result.lambdaInvocations)).not.toContain('a-redis-auth-token');
  });

  describe('every failure point: teardown ran, nothing left behind, failure reported', () => {
    it('the backend service cannot be described: nothing created, nothing removed', async () => {
      // Act
      const result = await run({ ...world.base, [F.describeBackend]: fail('Ecs.ServiceNotFoundException') });

      // Assess
      expect(result).toHaveFailedWith('Ecs.ServiceNotFoundException');
      expect(sdk.elastiCache.commandCalls(CreateReplicationGroupCommand)).toHaveLength(0);
      expect(removed(result)).toEqual({ task: [], cache: [], database: [] });
      expect(result).toHaveEndedWith(DB.afterFailure, ...FAILURE_TAIL);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'Ecs.ServiceNotFoundException' });
    });

    it('the cache cannot be restored (no snapshot): nothing created, nothing removed', async () => {
      // Prepare
      sdk.elastiCache.on(CreateReplicationGroupCommand).rejects(new Error('must not be called'));
      const { DescribeSnapshotsCommand } = await import('@aws-sdk/client-elasticache');
      sdk.elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });

      // Act
      const result = await run(world.base);

      // Assess
      expect(result).toHaveFailedWith('ValidationError', 'has no available snapshot');
      expect(result.path).not.toContain(DB.restore);
      expect(removed(result)).toEqual({ task: [], cache: [], database: [] });
      expect(result).toHaveNotified({ status: 'FAILED', error: 'ValidationError' });
    });

    it('the cache restore ends in create-failed: the group and the instance are removed', async () => {
      // Act
      const result = await run({
        ...world.base,
        [CACHE.describe]: [world.group('creating'), world.group('create-failed')],
      });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'create-failed');
      expect(result).toHavePassedThrough(CACHE.createFailed, F.toStop, CACHE.delete, DB.delete);
      expect(removed(result)).toEqual({ task: [], cache: [world.replicationGroup], database: [world.instance] });
      expect(result).toHaveEndedWith(DB.afterFailure, ...FAILURE_TAIL);
    });

    it('the database restore fails: the instance and the already created group are removed', async () => {
      // Act
      const result = await run({
        ...world.base,
        [DB.describe]: [world.restored('creating'), world.restored('incompatible-restore')],
      });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'incompatible-restore');
      expect(removed(result)).toEqual({ task: [], cache: [world.replicationGroup], database: [world.instance] });
      expect(result).toHaveNotified({ status: 'FAILED' });
    });

    it('RDS refuses the restore: the group is removed, no instance to delete', async () => {
      // Act
      const result = await run({ ...world.base, [DB.restore]: fail('Rds.InsufficientDbInstanceCapacityException') });

      // Assess
      expect(result).toHaveFailedWith('Rds.InsufficientDbInstanceCapacityException');
      expect(removed(result)).toEqual({ task: [], cache: [world.replicationGroup], database: [] });
    });

    it('ECS does not start the task: the copies are removed, no task to stop', async () => {
      // Act
      const result = await run({
        ...world.base,
        [F.runTask]: ok({ Tasks: [], Failures: [{ Arn: world.taskDefinition, Reason: 'RESOURCE:ENI' }] }),
      });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'RESOURCE:ENI');
      expect(removed(result)).toEqual({ task: [], cache: [world.replicationGroup], database: [world.instance] });
      expect(result).toHaveNotified({ status: 'FAILED' });
    });

    it('the task exits before it runs: it is stopped and the copies are removed, the reason reported', async () => {
      // Act
      const result = await run({
        ...world.base,
        [F.describeTask]: [
          world.task('PROVISIONING'),
          world.task('STOPPED', '127.0.0.1', { StoppedReason: 'Essential container in task exited' }),
        ],
      });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'Essential container in task exited');
      expectEverythingRemoved(result);
      expect(result).toHaveEndedWith(...TEARDOWN, ...FAILURE_TAIL);
    });

    it('a smoke check fails (the real probe against the stand-in): everything is removed, then the drill fails naming the check', async () => {
      // Prepare
      app.set({ status: 503 });

      // Act
      const result = await run(world.base);

      // Assess
      expect(result).toHaveFailedWith('FullRestoreTestFailed', 'http:health');
      expect(result).toHavePassedThrough(F.smoke, ...TEARDOWN, F.evaluate, F.verdict, 'Drill failed');
      expectEverythingRemoved(result);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'FullRestoreTestFailed' });
    });

    it('the task is unreachable (nothing listens): the smoke checks fail, everything is removed', async () => {
      // Prepare
      await app.goDown();

      // Act
      const result = await run(world.base);

      // Assess
      expect(result).toHaveFailedWith('FullRestoreTestFailed', 'http:health');
      expectEverythingRemoved(result);
    });

    it('a teardown step fails: the others still run and the drill fails naming it', async () => {
      // Act
      const result = await run({ ...world.base, [F.stop]: fail('Ecs.AccessDeniedException', 'not allowed') });

      // Assess
      expect(result).toHaveFailedWith('FullRestoreTestFailed', 'task: Ecs.AccessDeniedException');
      expect(removed(result).cache).toEqual([world.replicationGroup]);
      expect(removed(result).database).toEqual([world.instance]);
    });

    it('the cache delete fails: the instance is still deleted and the drill fails naming it', async () => {
      // Act
      const result = await run({
        ...world.base,
        [CACHE.delete]: fail('ElastiCache.AccessDeniedException', 'not allowed'),
      });

      // Assess
      expect(result).toHaveFailedWith('FullRestoreTestFailed', 'cache: ElastiCache.AccessDeniedException');
      expect(removed(result).database).toEqual([world.instance]);
    });

    it('the database delete fails: the drill fails naming it, the cache was deleted first', async () => {
      // Act
      const result = await run({ ...world.base, [DB.delete]: fail('Rds.AccessDeniedException', 'not allowed') });

      // Assess
      expect(result).toHaveFailedWith('FullRestoreTestFailed', 'database: Rds.AccessDeniedException');
      expect(removed(result).cache).toEqual([world.replicationGroup]);
    });
  });

  it('adopts a replication group of its name whose tags name this execution (a retried create)', async () => {
    // Prepare
    const exists = Object.assign(new Error('exists'), { name: 'ReplicationGroupAlreadyExistsFault' });
    sdk.elastiCache.on(CreateReplicationGroupCommand).rejects(exists);
    sdk.elastiCache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: world.replicationGroup,
          ARN: `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${world.replicationGroup}`,
        },
      ],
    });
    sdk.elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: world.ownTags });

    // Act
    const result = await run(world.base);

    // Assess
    expect(result).toHaveSucceeded();
    expectEverythingRemoved(result);
  });

  it('refuses a replication group of its name that another execution created, and leaves it alone', async () => {
    // Prepare
    const exists = Object.assign(new Error('exists'), { name: 'ReplicationGroupAlreadyExistsFault' });
    sdk.elastiCache.on(CreateReplicationGroupCommand).rejects(exists);
    sdk.elastiCache.on(ListTagsForResourceCommand).resolves({
      TagList: world.ownTags.map((tag) =>
        tag.Key === 'interactions:execution' ? { ...tag, Value: 'other-run' } : tag,
      ),
    });
    sdk.elastiCache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        { ARN: `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${world.replicationGroup}` },
      ],
    });

    // Act
    const result = await run(world.base);

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError', 'was not created by this execution');
    expect(removed(result)).toEqual({ task: [], cache: [], database: [] });
  });

  describe('duplicate and concurrent starts', () => {
    it('runs one drill for two deliveries of the same quarterly event', async () => {
      // Prepare
      const deliveries = scheduledDeliveries(machine);
      const event = scheduledEvent();
      const named = fullRestoreWorld('prod', `nightly-${event.id}`);

      // Act
      const first = await deliveries.deliver(event, named.base);
      const second = await deliveries.deliver(event, named.base);

      // Assess
      const runs = [...first, ...second];
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(second[0]).toHaveEndedWith('Start run named from the event', 'Skip duplicate delivery');
      expect(runs.filter((r) => r.sdkCalls.some((call) => call.state === DB.restore))).toHaveLength(1);
      expect(sdk.elastiCache.commandCalls(CreateReplicationGroupCommand)).toHaveLength(1);
    });

    it('gives two executions started at once different temporary resources', async () => {
      // Prepare
      const a = fullRestoreWorld('prod', 'manual-a');
      const b = fullRestoreWorld('prod', 'manual-b');

      // Act
      const [runA, runB] = await Promise.all([
        run(a.base, { executionName: a.execution }),
        run(b.base, { executionName: b.execution }),
      ]);

      // Assess
      expect(runA).toHaveSucceeded();
      expect(runB).toHaveSucceeded();
      expect(removed(runA).database).toEqual([a.instance]);
      expect(removed(runB).cache).toEqual([b.replicationGroup]);
      expect(a.instance).not.toBe(b.instance);
      expect(a.replicationGroup).not.toBe(b.replicationGroup);
    });
  });

  describe('definition and template', () => {
    it('runs quarterly per the environment config', () => {
      // Assess
      bed.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: config.drills.fullRestore.schedule,
      });
    });

    it('passes exactly the backend task definition roles, and only to ECS tasks', () => {
      // Assess
      interface Statement {
        Action: unknown;
        Resource: unknown;
        Condition?: unknown;
      }
      const policies = bed.template.findResources('AWS::IAM::Policy') as Record<
        string,
        { Properties: { PolicyDocument: { Statement: Statement[] } } }
      >;
      const passRole = Object.values(policies).flatMap((policy) =>
        policy.Properties.PolicyDocument.Statement.filter((statement) => statement.Action === 'iam:PassRole'),
      );
      expect(passRole).toHaveLength(1);
      expect(JSON.stringify(passRole[0]?.Resource)).toMatch(
        /interactions-prod-ecs-execution.*interactions-prod-ecs-task/,
      );
      expect(passRole[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    });
  });
});

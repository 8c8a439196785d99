/**
 * The synthesized cache snapshot state machine, run locally: real handlers for the workflow's
 * functions, notify-outcome mocked at the Lambda state (its reports are tested in
 * on-demand-snapshot.test.ts), ElastiCache SDK integrations mocked per state.
 */
import '../support/lambda-env.js';
import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { CacheSnapshotWorkflow } from '../../workflows/cache-snapshot/construct.js';
import {
  extractStateMachine,
  type LambdaHandler,
  type MockedResponse,
  runStateMachine,
  validateDefinition,
} from '../support/state-machine-harness.js';

process.env.ENVIRONMENT = 'prod';

const EXECUTION = 'nightly-2025-01-01';
const NAME = 'interactions-prod-nightly-2025-01-01';

const app = new App();
const stack = new Stack(app, 'interactions-prod-automation');
const tasksLog = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: '/aws/lambda/interactions-prod-tasks' });
const notifyFn = lambda.Function.fromFunctionArn(
  stack,
  'Notify',
  'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
);
new CacheSnapshotWorkflow(stack, 'CacheSnapshot', {
  envName: 'prod',
  notifyFunction: notifyFn,
  functionLogGroup: tasksLog,
});
const sm = extractStateMachine(stack, { name: 'interactions-prod-cache-snapshot' });

const elastiCache = mockClient(ElastiCacheClient);
let lambdas: Record<string, LambdaHandler>;
beforeAll(async () => {
  const [validate, verify, guard] = await Promise.all([
    import('../../functions/validate-snapshot-request/handler.js'),
    import('../../functions/verify-cache-snapshot/handler.js'),
    import('../../functions/guarded-delete-snapshot/handler.js'),
  ]);
  lambdas = {
    'interactions-prod-validate-snapshot-request': validate.handler,
    'interactions-prod-verify-cache-snapshot': verify.handler,
    'interactions-prod-guarded-delete-snapshot': guard.handler,
  };
});
beforeEach(() => elastiCache.reset());

const ok = (value: unknown): MockedResponse => ({ Return: value });
const cacheSnapshot = (status: string) => ({
  SnapshotName: NAME,
  ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
  ReplicationGroupId: 'interactions-prod',
  SnapshotStatus: status,
  SnapshotSource: 'manual',
  Engine: 'redis',
  NodeSnapshots: [{ NodeGroupId: '0001', CacheSize: '6 MB', SnapshotCreateTime: '2025-01-01T02:31:00Z' }],
});
const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const alreadyExists = {
  Throw: { Error: 'ElastiCache.SnapshotAlreadyExistsException', Cause: 'Snapshot already exists' },
};
const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];
const notifyOk = ok({
  reports: { bucket: 'interactions-prod-automation-reports', json: 'r.json', markdown: 'r.md' },
  messageId: 'm',
});
const run = (mocks: Record<string, MockedResponse | MockedResponse[]>, input: unknown = { requestedBy: 'nightly' }) =>
  runStateMachine(sm, { input, executionName: EXECUTION, lambdas, mocks });

describe('cache snapshot workflow', () => {
  it('has a valid JSONPath definition with an overall timeout', () => {
    validateDefinition(sm.definition);
    expect(sm.definition.TimeoutSeconds).toBe(3600);
  });

  it('snapshots the replication group under a name from the execution, verifies and reports it', async () => {
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME, SnapshotStatus: 'creating' } }),
      'Describe snapshot': [
        ok({ Snapshots: [cacheSnapshot('creating')] }),
        ok({ Snapshots: [cacheSnapshot('available')] }),
      ],
      'Notify success': notifyOk,
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([
      'Validate request',
      'Create snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
      'Notify success',
      'Build output',
      'Snapshot ready',
    ]);
    expect(result.sdkCalls.find((c) => c.state === 'Create snapshot')?.parameters).toMatchObject({
      ReplicationGroupId: 'interactions-prod',
      SnapshotName: NAME,
      Tags: expect.arrayContaining([
        { Key: 'interactions:managed-by', Value: 'interactions-automation' },
        { Key: 'interactions:execution', Value: EXECUTION },
      ]),
    });
    expect(result.output).toEqual({
      snapshot: {
        id: NAME,
        arn: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
        status: 'available',
        replicationGroup: 'interactions-prod',
        engine: 'redis',
        nodeSnapshots: 1,
        nodeSizes: { '0001': '6 MB' },
        createdAt: '2025-01-01T02:31:00.000Z',
      },
      report: {
        json: 's3://interactions-prod-automation-reports/r.json',
        markdown: 's3://interactions-prod-automation-reports/r.md',
      },
    });
  });

  it('rejects a name outside the environment prefix before any AWS call', async () => {
    const result = await run({ 'Notify failure': ok({}) }, { snapshotName: 'interactions-dev-x', requestedBy: 'bob' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    expect(result.sdkCalls).toEqual([]);
    expect(result.path).toEqual([
      'Validate request',
      'Snapshot created?',
      'Notify failure',
      'Build failure message',
      'Fail',
    ]);
  });

  it('fails on a duplicate name and deletes nothing', async () => {
    const result = await run({
      'Create snapshot': alreadyExists,
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'List existing snapshot tags': ok({ TagList: [ownTags[0], { Key: 'interactions:execution', Value: 'other' }] }),
      'Notify failure': ok({}),
    });
    expect(result.error).toBe('ResourceConflictError');
    expect(result.path).toEqual([
      'Validate request',
      'Create snapshot',
      'Describe existing snapshot',
      'Existing snapshot found?',
      'List existing snapshot tags',
      'Existing snapshot has tags?',
      'Note this execution',
      'Check owner tags',
      'Created by this execution?',
      'Reject duplicate name',
      'Snapshot created?',
      'Notify failure',
      'Build failure message',
      'Fail',
    ]);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
  });

  it('rejects a duplicate name when the existing snapshot vanished before Describe', async () => {
    const result = await run({
      'Create snapshot': alreadyExists,
      'Describe existing snapshot': ok({ Snapshots: [] }),
      'Notify failure': ok({}),
    });
    expect(result.error).toBe('ResourceConflictError');
    expect(result.path.slice(-6)).toEqual([
      'Existing snapshot found?',
      'Reject duplicate name',
      'Snapshot created?',
      ...FAILURE_TAIL,
    ]);
    expect(result.sdkCalls.map((c) => c.state)).not.toContain('List existing snapshot tags');
  });

  it('adopts its own snapshot when a retried create finds the first attempt went through', async () => {
    const result = await run({
      'Create snapshot': [
        { Throw: { Error: 'ElastiCache.SdkClientException', Cause: 'Read timed out' } },
        alreadyExists,
      ],
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot('creating')] }),
      'List existing snapshot tags': ok({ TagList: ownTags }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'Notify success': notifyOk,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries['Create snapshot']).toBe(1);
    expect(result.sdkCalls.find((c) => c.state === 'List existing snapshot tags')?.parameters).toEqual({
      ResourceName: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}`,
    });
    expect(result.path.slice(result.path.indexOf('Created by this execution?')).slice(0, 5)).toEqual([
      'Created by this execution?',
      'Adopt own snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
    ]);
    expect(result.path).not.toContain('Reject duplicate name');
  });

  it('keeps the verified snapshot when the success notification fails, and reports the failure', async () => {
    elastiCache.on(DeleteSnapshotCommand).resolves({});
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('available')] }),
      'Notify success': { Throw: { Error: 'S3.AccessDenied', Cause: 'report bucket refused the write' } },
      'Notify failure': ok({}),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('S3.AccessDenied');
    expect(result.path.slice(-6)).toEqual(['Verify snapshot', 'Notify success', 'Snapshot created?', ...FAILURE_TAIL]);
    expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
    expect(result.lambdaInvocations.find((i) => i.state === 'Notify failure')?.payload).toMatchObject({
      status: 'FAILED',
      error: 'S3.AccessDenied',
    });
  });

  it('fails with QuotaExceededError when ElastiCache refuses the create for quota, deleting nothing', async () => {
    const result = await run({
      'Create snapshot': { Throw: { Error: 'ElastiCache.SnapshotQuotaExceededException', Cause: 'quota' } },
      'Notify failure': ok({}),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('QuotaExceededError');
    expect(result.cause).toContain('quota is exhausted');
    expect(result.path).toEqual([
      'Validate request',
      'Create snapshot',
      'Reject quota exceeded',
      'Snapshot created?',
      ...FAILURE_TAIL,
    ]);
    expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
  });

  it.each([
    ['still creating', [cacheSnapshot('creating')]],
    ['an empty Describe result (not yet visible)', []],
  ])('gives up waiting on %s within the budget, cleans up and notifies', async (_label, snapshots) => {
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotStatus: 'creating', ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}` }],
    });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: ownTags });
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: snapshots }),
      'Notify failure': ok({}),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('SnapshotTimeoutError');
    expect(result.cause).toContain('was not available after');
    expect(result.path.slice(-7)).toEqual([
      'Snapshot available?',
      'Snapshot wait timed out',
      'Snapshot created?',
      'Delete snapshot',
      ...FAILURE_TAIL,
    ]);
    expect(result.virtualSeconds).toBeLessThan(60 * 60);
  });

  it('deletes its own failed snapshot, notifies and fails', async () => {
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotStatus: 'failed', ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${NAME}` }],
    });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: ownTags });
    elastiCache.on(DeleteSnapshotCommand).resolves({});
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [cacheSnapshot('failed')] }),
      'Notify failure': ok({}),
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('SnapshotFailedError');
    expect(result.path.slice(-6)).toEqual([
      'Snapshot creation failed',
      'Snapshot created?',
      'Delete snapshot',
      'Notify failure',
      'Build failure message',
      'Fail',
    ]);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      { SnapshotName: NAME },
    ]);
    expect(result.lambdaInvocations.find((i) => i.state === 'Notify failure')?.payload).toMatchObject({
      severity: 'high',
      status: 'FAILED',
    });
  });

  it('reports a refused cleanup (snapshot not ours) and still notifies and fails', async () => {
    elastiCache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available', ARN: 'arn:x' }] });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    const result = await run({
      'Create snapshot': ok({ Snapshot: { SnapshotName: NAME } }),
      'Describe snapshot': ok({ Snapshots: [{ ...cacheSnapshot('available'), SnapshotSource: 'automated' }] }),
      'Notify failure': ok({}),
    });
    expect(result.error).toBe('VerificationFailedError');
    expect(result.path.slice(-4)).toEqual(['Delete snapshot', 'Notify failure', 'Build failure message', 'Fail']);
    expect(elastiCache.commandCalls(DeleteSnapshotCommand)).toHaveLength(0);
    expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.error?.Error).toBe('TagGuardError');
  });
});

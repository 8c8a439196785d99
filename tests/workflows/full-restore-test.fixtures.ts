/**
 * What the full restore test's runs meet: the RDS, ElastiCache and ECS answers of each state, the
 * SDK mocks of the cache restore function, and the checks every failure test repeats (each
 * temporary resource removed once it existed, nothing else touched).
 */
import {
  CreateReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { temporaryInstanceId } from '../../functions/plan-point-in-time-restore/temporary-instance.js';
import { temporaryReplicationGroupId } from '../../functions/restore-cache-snapshot/restore.js';
import type { Environment } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';
import { TEMPORARY_DB_STATES as DB } from '../../workflows/common/temporary-db-instance.js';
import { TEMPORARY_CACHE_STATES as CACHE } from '../../workflows/common/temporary-replication-group.js';
import { FULL_RESTORE_STATES as F } from '../../workflows/full-restore-test/construct.js';
import type { MockedResponse, RunResult } from '../support/state-machine-harness.js';

/** Mocks of a run, by state name. */
export type Mocks = Record<string, MockedResponse | MockedResponse[]>;

export const ok = (value: unknown): MockedResponse => ({ Return: value });
export const fail = (error: string, cause = 'mocked failure'): MockedResponse => ({
  Throw: { Error: error, Cause: cause },
});

/** The last states of every failed run: the catch-all failure path after its cleanup. */
export const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];

/** The teardown every run that created something goes through, in order. */
export const TEARDOWN = [F.toStop, F.stop, CACHE.toDelete, CACHE.delete, DB.toDelete, DB.delete, DB.afterFailure];

/** A full restore world: the execution, its temporary names, and the answers AWS gives. */
export function fullRestoreWorld(env: Environment, execution = 'full-restore-2026-q1') {
  const instance = temporaryInstanceId(env, 'full', execution);
  const replicationGroup = temporaryReplicationGroupId(env, 'full', execution);
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/interactions-${env}/0123456789abcdef`;
  const taskDefinition = `arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-${env}-backend:42`;
  const ownTags = [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.execution, Value: execution },
    { Key: TAG_KEYS.expiresAt, Value: '2099-01-01T00:00:00.000Z' },
    { Key: TAG_KEYS.environment, Value: env },
  ];
  const restored = (status: string) =>
    ok({
      DbInstances: [
        {
          DbInstanceIdentifier: instance,
          DbInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${instance}`,
          DbInstanceStatus: status,
          ...(status === 'available' ? { Endpoint: { Address: 'restored-db.internal', Port: 5432 } } : {}),
          TagList: ownTags,
        },
      ],
    });
  const group = (status: string) =>
    ok({
      ReplicationGroups: [
        {
          ReplicationGroupId: replicationGroup,
          Status: status,
          ...(status === 'available'
            ? { NodeGroups: [{ PrimaryEndpoint: { Address: 'restored-cache.internal', Port: 6379 } }] }
            : {}),
        },
      ],
    });
  /** The task as DescribeTasks returns it, its ENI on `ip`. */
  const task = (lastStatus: string, ip = '127.0.0.1', extra: Record<string, unknown> = {}) =>
    ok({
      Tasks: [
        {
          TaskArn: taskArn,
          LastStatus: lastStatus,
          Attachments: [{ Type: 'ElasticNetworkInterface', Details: [{ Name: 'privateIPv4Address', Value: ip }] }],
          ...extra,
        },
      ],
    });
  /** Every SDK state of a successful run: each resource becomes ready on its second poll. */
  const base: Mocks = {
    'Describe source database': ok({
      DbInstances: [
        {
          DbInstanceIdentifier: `interactions-${env}-postgres`,
          DbInstanceStatus: 'available',
          LatestRestorableTime: new Date(Date.now() - 5 * 60_000).toISOString(),
          BackupRetentionPeriod: 7,
          InstanceCreateTime: '2025-01-01T00:00:00.000Z',
        },
      ],
    }),
    [F.describeBackend]: ok({
      Services: [{ ServiceName: `interactions-${env}-backend`, TaskDefinition: taskDefinition }],
    }),
    [DB.restore]: ok({
      DbInstance: {
        DbInstanceIdentifier: instance,
        DbInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${instance}`,
        DbInstanceStatus: 'creating',
      },
    }),
    [DB.describe]: [restored('creating'), restored('available')],
    [DB.delete]: ok({ DbInstance: { DbInstanceIdentifier: instance, DbInstanceStatus: 'deleting' } }),
    [CACHE.describe]: [group('creating'), group('available')],
    [CACHE.delete]: ok({ ReplicationGroup: { ReplicationGroupId: replicationGroup, Status: 'deleting' } }),
    [F.runTask]: ok({ Tasks: [{ TaskArn: taskArn, LastStatus: 'PROVISIONING' }], Failures: [] }),
    [F.describeTask]: [task('PROVISIONING'), task('RUNNING')],
    [F.stop]: ok({ Task: { TaskArn: taskArn, LastStatus: 'RUNNING', DesiredStatus: 'STOPPED' } }),
  };
  return { env, execution, instance, replicationGroup, taskArn, taskDefinition, ownTags, restored, group, task, base };
}

/** The newest of the platform's snapshots in the default ElastiCache mock. */
export const NEWEST_SNAPSHOT = 'automatic.interactions-prod-2026-11-29-03-00';

/**
 * Mocks of the cache restore function's SDK calls: the platform's snapshots (the newest available
 * one is NEWEST_SNAPSHOT), a create that succeeds, and the AUTH token. Reset before each test.
 */
export function cacheRestoreMocks() {
  const elastiCache = mockClient(ElastiCacheClient);
  const secrets = mockClient(SecretsManagerClient);
  const reset = () => {
    elastiCache.reset();
    secrets.reset();
    elastiCache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        {
          SnapshotName: 'automatic.interactions-prod-2026-11-28-03-00',
          SnapshotStatus: 'available',
          NodeSnapshots: [{ SnapshotCreateTime: new Date('2026-11-28T03:00:00Z') }],
        },
        {
          SnapshotName: NEWEST_SNAPSHOT,
          SnapshotStatus: 'available',
          NodeSnapshots: [{ SnapshotCreateTime: new Date('2026-11-29T03:00:00Z') }],
        },
        { SnapshotName: 'interactions-prod-in-progress', SnapshotStatus: 'creating', NodeSnapshots: [{}] },
      ],
    });
    elastiCache.on(CreateReplicationGroupCommand).resolves({});
    elastiCache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
    elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: 'a-redis-auth-token-of-sixty-four-characters-0123456789abcdefghij' });
  };
  return { elastiCache, secrets, reset };
}

/** What each teardown step was asked to remove. */
export function removed(run: Pick<RunResult, 'sdkCalls'>) {
  const named = (state: string, field: string) =>
    run.sdkCalls
      .filter((call) => call.state === state)
      .map((call) => String((call.parameters as Record<string, unknown>)[field]));
  return {
    task: named(F.stop, 'Task'),
    cache: named(CACHE.delete, 'ReplicationGroupId'),
    database: named(DB.delete, 'DbInstanceIdentifier'),
  };
}

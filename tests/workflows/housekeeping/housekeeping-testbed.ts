/**
 * What the housekeeping workflow tests share: the prod housekeeping synthesized (with and without
 * DR and the nightly cache snapshot), realistic snapshots built on the AWS CLI fixtures, the RDS,
 * ElastiCache and SNS SDKs mocked as the real handlers see them, and reports in s3rver.
 * Call `useHousekeepingHandlers()` at the top of a test file; it starts and stops the local S3.
 */
import '../../support/lambda-env.js';
import {
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type Snapshot,
} from '@aws-sdk/client-elasticache';
import {
  CopyDBSnapshotCommand,
  type DBSnapshot,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../../infra/config/index.js';
import type { AutomationConfig } from '../../../infra/config/types.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../shared/tags.js';
import { SnapshotHousekeepingWorkflow } from '../../../workflows/snapshot-housekeeping/construct.js';
import { readFixture } from '../../support/fixtures.js';
import { type LocalS3, startLocalS3, useLocalS3ForHandlers } from '../../support/s3-server.js';
import { extractStateMachine, type LambdaHandler, type RunResult } from '../../support/state-machine-harness.js';

process.env.ENVIRONMENT = 'prod';
const BUCKET = 'interactions-prod-automation-reports';
/** The severity topics notify-outcome publishes to. */
export const TOPICS = {
  high: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-high',
  medium: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-medium',
  low: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-low',
} as const;
process.env.REPORTS_BUCKET = BUCKET;
process.env.TOPIC_ARN_HIGH = TOPICS.high;
process.env.TOPIC_ARN_MEDIUM = TOPICS.medium;
process.env.TOPIC_ARN_LOW = TOPICS.low;
process.env.DR_REGION = 'us-west-2';

/** The EventBridge "Scheduled Event" a nightly rule delivers. */
export const scheduledEvent = readFixture<{ id: string; time: string }>(
  'eventbridge-scheduled-event.rust-runtime.json',
);
const base = readFixture<{ DBSnapshots: DBSnapshot[] }>(
  'rds-describe-db-snapshots-manual-available.awscli-example.json',
).DBSnapshots[0] as DBSnapshot;

/** prod's config. */
export const prod = loadConfig('prod');
const DAY = 86_400_000;
const now = Date.now();
/** A date `days` ago. */
export const ago = (days: number): Date => new Date(now - days * DAY);
/** A date `days` ahead. */
export const ahead = (days: number): Date => new Date(now + days * DAY);

/** A manual DB snapshot of prod's instance (in `region`). */
export function snapshot(id: string, over: Partial<DBSnapshot> = {}, region = 'us-east-1'): DBSnapshot {
  return {
    ...base,
    DBSnapshotIdentifier: id,
    DBInstanceIdentifier: 'interactions-prod-postgres',
    DBSnapshotArn: `arn:aws:rds:${region}:123456789012:snapshot:${id}`,
    SnapshotCreateTime: ago(1),
    ...over,
  };
}

/** The tags the automation of `environment` puts on what it creates. */
export function ours(expiresAt?: Date, environment = 'prod'): Tag[] {
  return [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.execution, Value: 'earlier-run' },
    { Key: TAG_KEYS.environment, Value: environment },
    ...(expiresAt === undefined ? [] : [{ Key: TAG_KEYS.expiresAt, Value: expiresAt.toISOString() }]),
  ];
}

/** The newest automated snapshot: the DR copy's source. */
export const AUTOMATED = [
  snapshot('rds:interactions-prod-postgres-2025-01-14-05-10', {
    SnapshotType: 'automated',
    SnapshotCreateTime: ago(0.5),
  }),
];
/** The DR copy tonight's copy is named. */
export const DR_TARGET = 'interactions-prod-dr-2025-01-14-05-10';

/** A cache snapshot of prod's replication group with its tags (DescribeSnapshots returns none). */
export interface CacheEntry {
  readonly snapshot: Snapshot;
  readonly tags: Tag[];
}

/** An expired automation cache snapshot. */
export function expiredCacheSnapshot(name: string): CacheEntry {
  return {
    snapshot: {
      SnapshotName: name,
      ARN: `arn:aws:elasticache:us-east-1:123456789012:snapshot:${name}`,
      ReplicationGroupId: 'interactions-prod',
      SnapshotSource: 'manual',
      SnapshotStatus: 'available',
      Engine: 'redis',
      NodeSnapshots: [{ CacheClusterId: 'interactions-prod-001', NodeGroupId: '0001', SnapshotCreateTime: ago(1) }],
    },
    tags: ours(ago(2)),
  };
}

/** Builds a housekeeping with `automation` and extracts its state machine. */
export function buildHousekeeping(stackId: string, automation: AutomationConfig) {
  const app = new App();
  const stack = new Stack(app, stackId);
  const tasksLog = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: '/aws/lambda/interactions-prod-tasks' });
  const notifyFn = lambda.Function.fromFunctionArn(
    stack,
    'Notify',
    'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
  );
  const cache = sfn.StateMachine.fromStateMachineName(stack, 'CacheSnapshot', 'interactions-prod-cache-snapshot');
  const workflow = new SnapshotHousekeepingWorkflow(stack, 'Housekeeping', {
    envName: 'prod',
    automation,
    notifyFunction: notifyFn,
    functionLogGroup: tasksLog,
    cacheSnapshotStateMachine: automation.cacheSnapshotNightly ? cache : undefined,
  });
  const template = Template.fromStack(stack);
  return { workflow, template, sm: extractStateMachine(template, { name: 'interactions-prod-snapshot-housekeeping' }) };
}

/** The SDK mocks the handlers meet. */
export const rds = mockClient(RDSClient);
export const elastiCache = mockClient(ElastiCacheClient);
export const sns = mockClient(SNSClient);

/** What the mocked AWS holds. */
export interface AwsState {
  /** Source-region manual snapshots. @default none */
  readonly source?: DBSnapshot[];
  /** Source-region automated snapshots. @default AUTOMATED */
  readonly automated?: DBSnapshot[];
  /** DR-region manual snapshots. @default none */
  readonly dr?: DBSnapshot[];
  /** The replication group's manual snapshots. @default none */
  readonly cache?: CacheEntry[];
  /** What CopyDBSnapshot does. @default starts the copy */
  readonly copy?: 'starts' | 'already-exists';
}

/** Resets the mocks to `state` (DR and source told apart by the client's region). */
export function mockAws(state: AwsState = {}): void {
  const source = state.source ?? [];
  const dr = state.dr ?? [];
  const cache = state.cache ?? [];
  rds.reset();
  elastiCache.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  rds.on(DescribeDBSnapshotsCommand).callsFake(async (input, getClient) => {
    const region = await (getClient() as RDSClient).config.region();
    const id = input.DBSnapshotIdentifier;
    if (id !== undefined) {
      const found = [...source, ...dr].find((s) => s.DBSnapshotIdentifier === id);
      if (found === undefined) throw Object.assign(new Error(`${id} not found`), { name: 'DBSnapshotNotFoundFault' });
      return { DBSnapshots: [found] };
    }
    if (region === 'us-west-2') return { DBSnapshots: input.SnapshotType === 'manual' ? dr : [] };
    return { DBSnapshots: input.SnapshotType === 'manual' ? source : (state.automated ?? AUTOMATED) };
  });
  if (state.copy === 'already-exists') {
    rds
      .on(CopyDBSnapshotCommand)
      .rejects(Object.assign(new Error(`${DR_TARGET} already exists`), { name: 'DBSnapshotAlreadyExistsFault' }));
  } else {
    rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: { Status: 'pending' } });
  }
  rds.on(DeleteDBSnapshotCommand).resolves({});
  elastiCache.on(DescribeSnapshotsCommand).callsFake(async (input) => {
    if (input.SnapshotName === undefined) return { Snapshots: cache.map((e) => e.snapshot) };
    const entry = cache.find((e) => e.snapshot.SnapshotName === input.SnapshotName);
    if (entry === undefined) throw Object.assign(new Error('not found'), { name: 'SnapshotNotFoundFault' });
    return { Snapshots: [entry.snapshot] };
  });
  elastiCache.on(ListTagsForResourceCommand).callsFake(async (input) => {
    const entry = cache.find((e) => e.snapshot.ARN === input.ResourceName);
    return { TagList: entry?.tags ?? [] };
  });
}

/** Mocked responses of the SDK-integration states. */
export const RESPONSES = {
  rdsDeleted: { Return: { DbSnapshot: { Status: 'deleted' } } },
  cacheDeleted: { Return: { Snapshot: { SnapshotStatus: 'deleting' } } },
  cacheSnapshotStarted: {
    Return: {
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-cache-snapshot:x',
      Status: 'SUCCEEDED',
    },
  },
} as const;

/** The identifiers a run's SDK-integration state `state` was called with (`field` of its parameters). */
export function calledWith(run: RunResult, state: string, field: string): string[] {
  return run.sdkCalls
    .filter((c) => c.state === state)
    .map((c) => String((c.parameters as Record<string, unknown>)[field]));
}

/** The SNS messages published during the run, with their topics. */
export function notifications(): { topic: string; subject: string; message: string }[] {
  return sns.commandCalls(PublishCommand).map((c) => ({
    topic: c.args[0].input.TopicArn ?? '',
    subject: c.args[0].input.Subject ?? '',
    message: c.args[0].input.Message ?? '',
  }));
}

/**
 * Starts s3rver for the reports before the file's tests and loads the real handlers; returns a
 * getter for them (they exist only once `beforeAll` ran).
 */
export function useHousekeepingHandlers(): () => Record<string, LambdaHandler> {
  let s3: LocalS3;
  let restoreEnv: () => void;
  let lambdas: Record<string, LambdaHandler> = {};
  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    restoreEnv = useLocalS3ForHandlers(s3);
    const [select, operate, notify] = await Promise.all([
      import('../../../functions/select-expired-snapshots/handler.js'),
      import('../../../functions/operate-regional-snapshots/handler.js'),
      import('../../../functions/notify-outcome/handler.js'),
    ]);
    lambdas = {
      'interactions-prod-select-expired-snapshots': select.handler,
      'interactions-prod-operate-regional-snapshots': operate.handler,
      'interactions-prod-notify-outcome': notify.handler,
    };
  });
  afterAll(async () => {
    restoreEnv();
    await s3.stop();
  });
  return () => lambdas;
}

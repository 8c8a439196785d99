/**
 * Per-service fixtures of the snapshot lifecycle both snapshot workflows share
 * (workflows/common/snapshot-lifecycle.ts): the SDK answers each service gives, its error names, the
 * states only it has, and the SDK mock its guarded-delete function calls. The lifecycle scenarios
 * (snapshot-lifecycle.scenarios.ts) run against either; each workflow's test file builds its
 * fixture from its own testbed and keeps its service-specific tests.
 */

import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { Tag } from '../../shared/tags.js';
import type { AslDefinition } from '../support/harness/template.js';
import type { MockedResponse, RunResult } from '../support/state-machine-harness.js';
import type { WorkflowTestbed } from '../support/workflow-testbed.js';

/** Mocks of a run, by state name. */
export type Mocks = Record<string, MockedResponse | MockedResponse[]>;

/** A run of either snapshot workflow; `output` is set (and passed the contract) when it SUCCEEDED. */
export type SnapshotRun = Omit<RunResult, 'output'> & {
  readonly output?: {
    readonly snapshot: { readonly id: string };
    readonly report: { readonly json: string; readonly markdown: string };
  };
};

/** The last states of every failed run: the catch-all failure path after its cleanup. */
export const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];
/** The last states of every successful run. */
export const SUCCESS_TAIL = ['Notify success', 'Build output', 'Snapshot ready'];
/** The wait loop's states, in the order one poll enters them. */
export const POLL = ['Wait for snapshot', 'Describe snapshot', 'Count snapshot poll', 'Snapshot available?'];

/** The automation's tags of a snapshot: managed-by, execution, environment. */
export type OwnTags = readonly [managedBy: Tag, execution: Tag, environment: Tag];

/** `{ Return: value }`: a state's successful answer. */
export const ok = (value: unknown): MockedResponse => ({ Return: value });

/** The tags the automation gives a snapshot of `execution` in `environment`, in the order the plan lists them. */
export function ownTagsOf(execution: string, environment: string): OwnTags {
  return [
    { Key: 'interactions:managed-by', Value: 'interactions-automation' },
    { Key: 'interactions:execution', Value: execution },
    { Key: 'interactions:environment', Value: environment },
  ];
}

/** What the lifecycle scenarios need to know about one service and its workflow's testbed. */
export interface SnapshotLifecycleFixture {
  /** The service as test names say it: `RDS`, `ElastiCache`. */
  readonly service: string;
  /** The synthesized definition on the testbed. */
  readonly definition: AslDefinition;
  /** Execution name every run uses (the owner in the snapshot's tags). */
  readonly execution: string;
  /** The snapshot the valid request plans. */
  readonly snapshotName: string;
  /** The workflow's overall timeout on this testbed. */
  readonly timeoutSeconds: number;
  /** Polls the wait loop's budget allows on this testbed. */
  readonly polls: number;
  /** The tags of a snapshot this execution created. */
  readonly ownTags: OwnTags;
  /** A valid request. */
  readonly input: Readonly<Record<string, unknown>>;
  /** A request the validate function rejects, and the path its cause names. */
  readonly malformed: { readonly input: unknown; readonly cause: string };
  /** Mocks of every SDK state before the create, and of a create that succeeds. */
  readonly created: Mocks;
  /** A "Describe snapshot" answer listing the snapshot in `status`. */
  described(status: string): MockedResponse;
  /** A "Describe snapshot" answer listing no snapshot (not yet visible). */
  readonly notYetVisible: MockedResponse;
  /** A "Describe snapshot" answer listing an available snapshot that fails verification. */
  readonly unverifiable: MockedResponse;
  /** Error names and answers of the service's SDK integration. */
  readonly errors: {
    readonly alreadyExists: string;
    readonly quotaExceeded: string;
    /** A Describe by name that finds no snapshot. */
    readonly notFound: string;
    /** A network error before any response (retried). */
    readonly network: string;
    /** Throttling as Step Functions reports it for this service. */
    readonly throttled: { readonly Error: string; readonly Cause: string };
  };
  /** Mocks of the duplicate-name lookup: an existing snapshot in `status` with `tags` (undefined: no tag list). */
  existing(tags: readonly Tag[] | undefined, status?: string): Mocks;
  /** The lookup's states from "Create snapshot" up to "Note this execution". */
  readonly lookupStates: readonly string[];
  /** The guarded-delete function finds the snapshot in `status` with `tags`; a delete succeeds. */
  guardFinds(status: string, tags: readonly Tag[]): void;
  /** What the guarded-delete function asked the service to delete. */
  deletes(): unknown[];
  /** The delete it should ask for when the snapshot is this execution's. */
  readonly deleteInput: unknown;
  /** Runs the workflow with `mocks` and `input` (default: the valid request) as `execution`. */
  run(mocks: Mocks, input?: unknown): Promise<SnapshotRun>;
  /** SNS as notify-outcome used it. */
  readonly notifications: {
    published(): PublishCommandInput[];
    readonly topics: Readonly<Record<'high' | 'medium' | 'low', string>>;
  };
}

/** An SDK client mocked for the file's guarded-delete calls: reset before each test, restored after all. */
function fileMock<T extends RDSClient | ElastiCacheClient>(client: new (config: object) => T): AwsClientStub<T> {
  const stub = mockClient(client as never) as unknown as AwsClientStub<T>;
  beforeEach(() => stub.reset());
  afterAll(() => stub.restore());
  return stub;
}

// ---- RDS (on-demand snapshot)

/** The instance the on-demand snapshot workflow snapshots in prod. */
export const DB_INSTANCE = 'interactions-prod-postgres';
/** The snapshot the RDS fixture's request names. */
export const DB_SNAPSHOT = 'interactions-pre-migration';
const DB_SNAPSHOT_ARN = `arn:aws:rds:us-east-1:123456789012:snapshot:${DB_SNAPSHOT}`;

/** A described DB snapshot as Step Functions' SDK integration returns it (`Db...` spelling). */
export function dbSnapshot(status: string, tags: readonly Tag[] | undefined, extra: Record<string, unknown> = {}) {
  return {
    DbSnapshotIdentifier: DB_SNAPSHOT,
    DbSnapshotArn: DB_SNAPSHOT_ARN,
    DbInstanceIdentifier: DB_INSTANCE,
    Status: status,
    Encrypted: true,
    AllocatedStorage: 100,
    SnapshotType: 'manual',
    Engine: 'postgres',
    SnapshotCreateTime: '2025-01-01T10:05:00Z',
    TagList: tags,
    ...extra,
  };
}

/** Answers of the states before the create: the instance, and the quota with room left. */
export const DB_PRE_CREATE: Mocks = {
  'Describe database': ok({
    DbInstances: [{ DbInstanceIdentifier: DB_INSTANCE, AllocatedStorage: 100, Engine: 'postgres' }],
  }),
  'Check snapshot quota': ok({
    AccountQuotas: [
      { AccountQuotaName: 'DBInstances', Used: 3, Max: 40 },
      { AccountQuotaName: 'ManualSnapshots', Used: 12, Max: 100 },
    ],
  }),
};

/**
 * The RDS fixture on the on-demand snapshot testbed (prod, 25-minute timeout, 5-minute polls: the
 * wait budget of timeout - 15 min allows two polls).
 */
export function rdsLifecycleFixture(bed: WorkflowTestbed<'on-demand-snapshot'>): SnapshotLifecycleFixture {
  const execution = 'cli-pre-migration-1';
  const ownTags = ownTagsOf(execution, 'prod');
  const rds = fileMock(RDSClient);
  const input = { snapshotName: DB_SNAPSHOT, requestedBy: 'alice@example.com', reason: 'v2 migration' };
  return {
    service: 'RDS',
    definition: bed.sm.definition,
    execution,
    snapshotName: DB_SNAPSHOT,
    timeoutSeconds: 25 * 60,
    polls: 2,
    ownTags,
    input,
    malformed: { input: { snapshotName: 'Bad--Name', requestedBy: '' }, cause: 'request.snapshotName' },
    created: {
      ...DB_PRE_CREATE,
      'Create snapshot': ok({
        DbSnapshot: { DbSnapshotIdentifier: DB_SNAPSHOT, DbSnapshotArn: DB_SNAPSHOT_ARN, Status: 'creating' },
      }),
    },
    described: (status) => ok({ DbSnapshots: [dbSnapshot(status, ownTags)] }),
    notYetVisible: ok({ DbSnapshots: [] }),
    unverifiable: ok({ DbSnapshots: [dbSnapshot('available', ownTags, { SnapshotType: 'automated' })] }),
    errors: {
      alreadyExists: 'Rds.DbSnapshotAlreadyExistsException',
      quotaExceeded: 'Rds.SnapshotQuotaExceededException',
      notFound: 'Rds.DbSnapshotNotFoundException',
      network: 'Rds.SdkClientException',
      throttled: {
        Error: 'Rds.RdsException',
        Cause: 'Rate exceeded (Service: Rds, Status Code: 400, Error Code: Throttling)',
      },
    },
    existing: (tags, status = 'available') => ({
      'Describe existing snapshot': ok({ DbSnapshots: [dbSnapshot(status, tags)] }),
    }),
    lookupStates: ['Create snapshot', 'Describe existing snapshot', 'Existing snapshot has tags?'],
    guardFinds(status, tags) {
      rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: status, TagList: [...tags] }] });
      rds.on(DeleteDBSnapshotCommand).resolves({});
    },
    deletes: () => rds.commandCalls(DeleteDBSnapshotCommand).map((call) => call.args[0].input),
    deleteInput: { DBSnapshotIdentifier: DB_SNAPSHOT },
    run: (mocks, runInput = input) => bed.run({ input: runInput, executionName: execution, mocks }),
    notifications: bed,
  };
}

// ---- ElastiCache (cache snapshot)

/** The execution of the ElastiCache fixture (a nightly run). */
export const CACHE_EXECUTION = 'nightly-2025-01-01';
/** The snapshot the cache workflow names from that execution in prod. */
export const CACHE_SNAPSHOT = 'interactions-prod-nightly-2025-01-01';
/** Its ARN, as DescribeSnapshots returns it. */
export const CACHE_SNAPSHOT_ARN = `arn:aws:elasticache:us-east-1:123456789012:snapshot:${CACHE_SNAPSHOT}`;

/** A described cache snapshot as Step Functions' SDK integration returns it (no tags: ListTagsForResource has them). */
export function cacheSnapshot(status: string, extra: Record<string, unknown> = {}) {
  return {
    SnapshotName: CACHE_SNAPSHOT,
    ARN: CACHE_SNAPSHOT_ARN,
    ReplicationGroupId: 'interactions-prod',
    SnapshotStatus: status,
    SnapshotSource: 'manual',
    Engine: 'redis',
    NodeSnapshots: [{ NodeGroupId: '0001', CacheSize: '6 MB', SnapshotCreateTime: '2025-01-01T02:31:00Z' }],
    ...extra,
  };
}

/** The ElastiCache fixture on the cache snapshot testbed (prod, its default 1-hour timeout and 30-second polls). */
export function cacheLifecycleFixture(bed: WorkflowTestbed<'cache-snapshot'>): SnapshotLifecycleFixture {
  const ownTags = ownTagsOf(CACHE_EXECUTION, 'prod');
  const elastiCache = fileMock(ElastiCacheClient);
  const input = { requestedBy: 'nightly' };
  return {
    service: 'ElastiCache',
    definition: bed.sm.definition,
    execution: CACHE_EXECUTION,
    snapshotName: CACHE_SNAPSHOT,
    timeoutSeconds: 60 * 60,
    // (1 h - 15 min) / 30 s
    polls: 90,
    ownTags,
    input,
    malformed: { input: { requestedBy: '' }, cause: 'request.requestedBy' },
    created: { 'Create snapshot': ok({ Snapshot: { SnapshotName: CACHE_SNAPSHOT, SnapshotStatus: 'creating' } }) },
    described: (status) => ok({ Snapshots: [cacheSnapshot(status)] }),
    notYetVisible: ok({ Snapshots: [] }),
    unverifiable: ok({ Snapshots: [cacheSnapshot('available', { SnapshotSource: 'automated' })] }),
    errors: {
      alreadyExists: 'ElastiCache.SnapshotAlreadyExistsException',
      quotaExceeded: 'ElastiCache.SnapshotQuotaExceededException',
      notFound: 'ElastiCache.SnapshotNotFoundException',
      network: 'ElastiCache.SdkClientException',
      throttled: {
        Error: 'ElastiCache.ElastiCacheException',
        Cause: 'Rate exceeded (Service: ElastiCache, Status Code: 400, Error Code: Throttling)',
      },
    },
    existing: (tags, status = 'available') => ({
      'Describe existing snapshot': ok({ Snapshots: [cacheSnapshot(status)] }),
      'List existing snapshot tags': ok(tags === undefined ? {} : { TagList: tags }),
    }),
    lookupStates: [
      'Create snapshot',
      'Describe existing snapshot',
      'Existing snapshot found?',
      'List existing snapshot tags',
      'Existing snapshot has tags?',
    ],
    guardFinds(status, tags) {
      elastiCache
        .on(DescribeSnapshotsCommand)
        .resolves({ Snapshots: [{ SnapshotStatus: status, ARN: CACHE_SNAPSHOT_ARN }] });
      elastiCache.on(ListTagsForResourceCommand).resolves({ TagList: [...tags] });
      elastiCache.on(DeleteSnapshotCommand).resolves({});
    },
    deletes: () => elastiCache.commandCalls(DeleteSnapshotCommand).map((call) => call.args[0].input),
    deleteInput: { SnapshotName: CACHE_SNAPSHOT },
    run: (mocks, runInput = input) => bed.run({ input: runInput, executionName: CACHE_EXECUTION, mocks }),
    notifications: bed,
  };
}

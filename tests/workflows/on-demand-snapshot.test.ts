/**
 * The synthesized on-demand snapshot state machine, run locally: real handlers for every Lambda
 * task (notify-outcome writes its reports to a local S3 server; SNS is mocked), mocked RDS SDK
 * integrations per state.
 */
import '../support/lambda-env.js';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { OnDemandSnapshotWorkflow } from '../../workflows/on-demand-snapshot/construct.js';
import { type LocalS3, startLocalS3, useLocalS3ForHandlers } from '../support/s3-server.js';
import {
  type ExtractedStateMachine,
  extractStateMachine,
  type LambdaHandler,
  type MockedResponse,
  runStateMachine,
  validateDefinition,
} from '../support/state-machine-harness.js';

process.env.ENVIRONMENT = 'prod';
process.env.REPORTS_BUCKET = 'interactions-prod-automation-reports';
for (const severity of ['HIGH', 'MEDIUM', 'LOW']) {
  process.env[`TOPIC_ARN_${severity}`] =
    `arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-${severity.toLowerCase()}`;
}

const INSTANCE = 'interactions-prod-postgres';
const EXECUTION = 'cli-pre-migration-1';

function synth(): ExtractedStateMachine {
  const app = new App();
  const stack = new Stack(app, 'interactions-prod-automation');
  const tasksLog = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: '/aws/lambda/interactions-prod-tasks' });
  const notify = lambda.Function.fromFunctionArn(
    stack,
    'Notify',
    'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
  );
  const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
    instanceIdentifier: INSTANCE,
    instanceEndpointAddress: 'db.example.internal',
    port: 5432,
    securityGroups: [],
  });
  // 25-minute timeout, 5-minute polls: the wait loop budget (timeout - 15 min) allows two polls.
  new OnDemandSnapshotWorkflow(stack, 'OnDemandSnapshot', {
    envName: 'prod',
    database,
    notifyFunction: notify,
    functionLogGroup: tasksLog,
    timeout: Duration.minutes(25),
    pollInterval: Duration.minutes(5),
  });
  return extractStateMachine(stack, { name: 'interactions-prod-on-demand-snapshot' });
}

const sm = synth();
const sns = mockClient(SNSClient);
let s3: LocalS3;
let restoreEnv: () => void;
let lambdas: Record<string, LambdaHandler>;

beforeAll(async () => {
  s3 = await startLocalS3([process.env.REPORTS_BUCKET as string]);
  restoreEnv = useLocalS3ForHandlers(s3);
  const [validate, verify, guard, notify] = await Promise.all([
    import('../../functions/validate-snapshot-request/handler.js'),
    import('../../functions/verify-db-snapshot/handler.js'),
    import('../../functions/guarded-delete-snapshot/handler.js'),
    import('../../functions/notify-outcome/handler.js'),
  ]);
  lambdas = {
    'interactions-prod-validate-snapshot-request': validate.handler,
    'interactions-prod-verify-db-snapshot': verify.handler,
    'interactions-prod-guarded-delete-snapshot': guard.handler,
    'interactions-prod-notify-outcome': notify.handler,
  };
});
afterAll(async () => {
  restoreEnv();
  await s3.stop();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const snapshot = (status: string, extra: Record<string, unknown> = {}) => ({
  DbSnapshotIdentifier: 'interactions-pre-migration',
  DbSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
  DbInstanceIdentifier: INSTANCE,
  Status: status,
  Encrypted: true,
  AllocatedStorage: 100,
  SnapshotType: 'manual',
  Engine: 'postgres',
  SnapshotCreateTime: '2025-01-01T10:05:00Z',
  TagList: ownTags,
  ...extra,
});
const ok = (value: unknown): MockedResponse => ({ Return: value });
const baseMocks = {
  'Describe database': ok({
    DbInstances: [{ DbInstanceIdentifier: INSTANCE, AllocatedStorage: 100, Engine: 'postgres' }],
  }),
  'Check snapshot quota': ok({
    AccountQuotas: [
      { AccountQuotaName: 'DBInstances', Used: 3, Max: 40 },
      { AccountQuotaName: 'ManualSnapshots', Used: 12, Max: 100 },
    ],
  }),
  'Create snapshot': ok({
    DbSnapshot: {
      DbSnapshotIdentifier: 'interactions-pre-migration',
      DbSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
      Status: 'creating',
    },
  }),
};
const input = { snapshotName: 'interactions-pre-migration', requestedBy: 'alice@example.com', reason: 'v2 migration' };
const run = (mocks: Record<string, MockedResponse | MockedResponse[]>, runInput: unknown = input) =>
  runStateMachine(sm, { input: runInput, executionName: EXECUTION, lambdas, mocks });
const FAILURE_TAIL = ['Notify failure', 'Build failure message', 'Fail'];

describe('on-demand snapshot workflow', () => {
  it('has a valid JSONPath definition with an overall timeout', () => {
    validateDefinition(sm.definition);
    expect(sm.definition.TimeoutSeconds).toBe(25 * 60);
  });

  it('creates, waits for, verifies and reports the snapshot', async () => {
    const result = await run({ ...baseMocks, 'Describe snapshot': ok({ DbSnapshots: [snapshot('available')] }) });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([
      'Validate request',
      'Describe database',
      'Check snapshot quota',
      'Snapshot quota left?',
      'Create snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
      'Notify success',
      'Build output',
      'Snapshot ready',
    ]);
    const create = result.sdkCalls.find((c) => c.state === 'Create snapshot');
    expect(create?.parameters).toEqual({
      DbInstanceIdentifier: INSTANCE,
      DbSnapshotIdentifier: 'interactions-pre-migration',
      Tags: [
        ...ownTags.slice(0, 2),
        { Key: 'interactions:expires-at', Value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
        ownTags[2],
        { Key: 'interactions:requested-by', Value: 'alice@example.com' },
      ],
    });
    const output = result.output as { snapshot: unknown; report: { json: string; markdown: string } };
    expect(output.snapshot).toEqual({
      id: 'interactions-pre-migration',
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
      status: 'available',
      encrypted: true,
      allocatedStorageGiB: 100,
      sourceInstance: INSTANCE,
      createdAt: '2025-01-01T10:05:00.000Z',
    });
    expect(output.report.json).toMatch(
      new RegExp(
        `^s3://interactions-prod-automation-reports/reports/on-demand-snapshot/\\d{4}/\\d{2}/${EXECUTION}\\.json$`,
      ),
    );
    // The report really is in the bucket, with the verified snapshot.
    const key = output.report.json.replace('s3://interactions-prod-automation-reports/', '');
    const body = await (
      await s3.client.send(new GetObjectCommand({ Bucket: 'interactions-prod-automation-reports', Key: key }))
    ).Body?.transformToString();
    expect(JSON.parse(body ?? '{}')).toMatchObject({
      status: 'SUCCEEDED',
      severity: 'low',
      details: { snapshot: { id: 'interactions-pre-migration' } },
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(
      'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-low',
    );
  });

  it('rejects a malformed request before any AWS call', async () => {
    const result = await run(
      { ...baseMocks, 'Notify failure': ok({}) },
      { snapshotName: 'Bad--Name', requestedBy: '' },
    );

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    expect(result.path).toEqual(['Validate request', 'Snapshot created?', ...FAILURE_TAIL]);
    expect(result.sdkCalls).toEqual([]);
    expect(result.cause).toContain('request.snapshotName');
  });

  it('fails on a duplicate name and deletes nothing', async () => {
    const result = await run({
      ...baseMocks,
      'Create snapshot': {
        Throw: {
          Error: 'Rds.DbSnapshotAlreadyExistsException',
          Cause:
            'Cannot create the snapshot because a snapshot with the identifier interactions-pre-migration already exists.',
        },
      },
      'Describe existing snapshot': ok({
        DbSnapshots: [
          snapshot('available', {
            TagList: [
              { Key: 'interactions:managed-by', Value: 'interactions-automation' },
              { Key: 'interactions:execution', Value: 'someone-elses-run' },
            ],
          }),
        ],
      }),
      'Notify failure': ok({}),
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ResourceConflictError');
    expect(result.cause).toContain('already exists');
    expect(result.cause).toContain('left untouched');
    expect(result.path.slice(-11)).toEqual([
      'Create snapshot',
      'Describe existing snapshot',
      'Existing snapshot has tags?',
      'Note this execution',
      'Check owner tags',
      'Created by this execution?',
      'Reject duplicate name',
      'Snapshot created?',
      ...FAILURE_TAIL,
    ]);
    expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
  });

  it.each([
    ['an untagged snapshot', []],
    ['a snapshot whose tag list is missing', undefined],
    ['a snapshot tagged with this execution but not managed by the automation', [ownTags[1], ownTags[2]]],
    ['a snapshot of another environment with the same execution name', [ownTags[0], ownTags[1]]],
  ])('rejects a duplicate name held by %s', async (_label, tags) => {
    const result = await run({
      ...baseMocks,
      'Create snapshot': { Throw: { Error: 'Rds.DbSnapshotAlreadyExistsException', Cause: 'exists' } },
      'Describe existing snapshot': ok({ DbSnapshots: [snapshot('available', { TagList: tags })] }),
      'Notify failure': ok({}),
    });
    expect(result.error).toBe('ResourceConflictError');
    expect(result.path).toContain('Reject duplicate name');
    expect(result.path).not.toContain('Adopt own snapshot');
    expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
  });

  it('adopts its own snapshot when a retried create finds the first attempt went through', async () => {
    const result = await run({
      ...baseMocks,
      'Create snapshot': [
        { Throw: { Error: 'Rds.SdkClientException', Cause: 'Read timed out' } },
        { Throw: { Error: 'Rds.DbSnapshotAlreadyExistsException', Cause: 'exists' } },
      ],
      'Describe existing snapshot': ok({ DbSnapshots: [snapshot('creating')] }),
      'Describe snapshot': ok({ DbSnapshots: [snapshot('available')] }),
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries['Create snapshot']).toBe(1);
    expect(result.path).toEqual(
      expect.arrayContaining(['Describe existing snapshot', 'Created by this execution?', 'Adopt own snapshot']),
    );
    expect(result.path.slice(result.path.indexOf('Adopt own snapshot'))).toEqual([
      'Adopt own snapshot',
      'Start waiting',
      'Wait for snapshot',
      'Describe snapshot',
      'Count snapshot poll',
      'Snapshot available?',
      'Verify snapshot',
      'Notify success',
      'Build output',
      'Snapshot ready',
    ]);
    expect(result.path).not.toContain('Reject duplicate name');
    expect((result.output as { snapshot: { id: string } }).snapshot.id).toBe('interactions-pre-migration');
  });

  it('keeps the verified snapshot when the success notification fails, and reports the failure', async () => {
    const { RDSClient, DeleteDBSnapshotCommand } = await import('@aws-sdk/client-rds');
    const rdsMock = mockClient(RDSClient);
    rdsMock.on(DeleteDBSnapshotCommand).resolves({});
    try {
      const result = await run({
        ...baseMocks,
        'Describe snapshot': ok({ DbSnapshots: [snapshot('available')] }),
        'Notify success': { Throw: { Error: 'SNS.InternalErrorException', Cause: 'SNS unavailable' } },
        'Notify failure': ok({}),
      });

      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('SNS.InternalErrorException');
      expect(result.path.slice(-6)).toEqual([
        'Verify snapshot',
        'Notify success',
        'Snapshot created?',
        ...FAILURE_TAIL,
      ]);
      expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
      expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
      expect(result.lambdaInvocations.find((i) => i.state === 'Notify failure')?.payload).toMatchObject({
        status: 'FAILED',
        error: 'SNS.InternalErrorException',
      });
    } finally {
      rdsMock.restore();
    }
  });

  it('treats an empty Describe result as not yet available, then cleans up and notifies', async () => {
    const { RDSClient, DescribeDBSnapshotsCommand } = await import('@aws-sdk/client-rds');
    const rdsMock = mockClient(RDSClient);
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'creating', TagList: ownTags }] });
    try {
      const result = await run({
        ...baseMocks,
        'Describe snapshot': ok({ DbSnapshots: [] }),
        'Notify failure': ok({}),
      });

      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('SnapshotTimeoutError');
      expect(result.cause).toContain('not available after 2 polls');
      expect(result.path.filter((s) => s === 'Describe snapshot')).toHaveLength(2);
      expect(result.path.slice(-5)).toEqual(['Snapshot created?', 'Delete snapshot', ...FAILURE_TAIL]);
    } finally {
      rdsMock.restore();
    }
  });

  it('creates when the quota answer lacks Max (nothing to compare) instead of stopping the execution', async () => {
    const result = await run({
      ...baseMocks,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100 }] }),
      'Describe snapshot': ok({ DbSnapshots: [snapshot('available')] }),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toContain('Create snapshot');
  });

  it('fails before creating when the manual snapshot quota is used up', async () => {
    const result = await run({
      ...baseMocks,
      'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 100, Max: 100 }] }),
      'Notify failure': ok({}),
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('QuotaExceededError');
    expect(result.cause).toContain('100 of 100');
    expect(result.path).toEqual([
      'Validate request',
      'Describe database',
      'Check snapshot quota',
      'Snapshot quota left?',
      'Reject over quota',
      'Snapshot created?',
      ...FAILURE_TAIL,
    ]);
    expect(result.sdkCalls.map((c) => c.state)).not.toContain('Create snapshot');
  });

  it('fails with QuotaExceededError when RDS refuses the create for quota', async () => {
    const result = await run({
      ...baseMocks,
      'Create snapshot': { Throw: { Error: 'Rds.SnapshotQuotaExceededException', Cause: 'quota' } },
      'Notify failure': ok({}),
    });
    expect(result.error).toBe('QuotaExceededError');
    expect(result.path).toContain('Reject quota exceeded');
    expect(result.lambdaInvocations.map((i) => i.state)).not.toContain('Delete snapshot');
  });

  it('deletes its own snapshot, notifies and fails when RDS reports the snapshot failed', async () => {
    const { RDSClient, DescribeDBSnapshotsCommand, DeleteDBSnapshotCommand } = await import('@aws-sdk/client-rds');
    const rdsMock = mockClient(RDSClient);
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'failed', TagList: ownTags }] });
    rdsMock.on(DeleteDBSnapshotCommand).resolves({});
    try {
      const result = await run({ ...baseMocks, 'Describe snapshot': ok({ DbSnapshots: [snapshot('failed')] }) });

      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('SnapshotFailedError');
      expect(result.path.slice(-7)).toEqual([
        'Snapshot available?',
        'Snapshot creation failed',
        'Snapshot created?',
        'Delete snapshot',
        ...FAILURE_TAIL,
      ]);
      expect(rdsMock.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
        { DBSnapshotIdentifier: 'interactions-pre-migration' },
      ]);
      const notified = result.lambdaInvocations.find((i) => i.state === 'Notify failure');
      expect(notified?.payload).toMatchObject({ status: 'FAILED', severity: 'high', error: 'SnapshotFailedError' });
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toContain('alerts-high');
    } finally {
      rdsMock.restore();
    }
  });

  it('retries a throttled Describe with backoff', async () => {
    const result = await run({
      ...baseMocks,
      'Describe snapshot': [
        {
          Throw: {
            Error: 'Rds.RdsException',
            Cause: 'Rate exceeded (Service: Rds, Status Code: 400, Error Code: Throttling)',
          },
        },
        ok({ DbSnapshots: [snapshot('available')] }),
      ],
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries['Describe snapshot']).toBe(1);
  });

  it('gives up waiting within the timeout, cleans up (leaving a still-creating snapshot to the sweeper) and fails', async () => {
    const { RDSClient, DescribeDBSnapshotsCommand, DeleteDBSnapshotCommand } = await import('@aws-sdk/client-rds');
    const rdsMock = mockClient(RDSClient);
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'creating', TagList: ownTags }] });
    try {
      const result = await run({
        ...baseMocks,
        'Describe snapshot': ok({ DbSnapshots: [snapshot('creating')] }),
        'Notify failure': ok({}),
      });

      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('SnapshotTimeoutError');
      expect(result.path).toContain('Snapshot wait timed out');
      expect(result.path.slice(-4)).toEqual(['Delete snapshot', ...FAILURE_TAIL]);
      expect(result.virtualSeconds).toBeLessThan(25 * 60);
      expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
      expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.result).toMatchObject({
        outcome: 'left-for-sweeper',
      });
    } finally {
      rdsMock.restore();
    }
  });
});

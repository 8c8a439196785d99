/**
 * Defect: the snapshot wait loop counted only its Wait seconds. Under sustained throttling each
 * Describe's Retry backoff (up to a minute per attempt) came on top, the state machine's own timeout
 * fired first, and the execution ended TIMED_OUT with no cleanup and no report. Now every Describe
 * attempt, throttled or not, is one poll of the budget, so the loop ends in the failure path.
 */
import '../../support/lambda-env.js';
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { OnDemandSnapshotWorkflow } from '../../../workflows/on-demand-snapshot/construct.js';
import {
  extractStateMachine,
  type LambdaHandler,
  type MockedResponse,
  runStateMachine,
} from '../../support/state-machine-harness.js';

process.env.ENVIRONMENT = 'prod';
const INSTANCE = 'interactions-prod-postgres';
const EXECUTION = 'cli-throttled-1';
const SNAPSHOT = 'interactions-pre-migration';

// 20-minute timeout, 10-second polls: the loop's budget (timeout - 15 min) is 30 polls.
const app = new App();
const stack = new Stack(app, 'interactions-prod-automation');
new OnDemandSnapshotWorkflow(stack, 'OnDemandSnapshot', {
  envName: 'prod',
  database: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
    instanceIdentifier: INSTANCE,
    instanceEndpointAddress: 'db.example.internal',
    port: 5432,
    securityGroups: [],
  }),
  notifyFunction: lambda.Function.fromFunctionArn(
    stack,
    'Notify',
    'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
  ),
  functionLogGroup: new logs.LogGroup(stack, 'TasksLogs'),
  timeout: Duration.minutes(20),
  pollInterval: Duration.seconds(10),
});
const sm = extractStateMachine(stack, { name: 'interactions-prod-on-demand-snapshot' });

const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: EXECUTION },
  { Key: 'interactions:environment', Value: 'prod' },
];
const ok = (value: unknown): MockedResponse => ({ Return: value });
const throttled: MockedResponse = { Throw: { Error: 'Rds.RdsException', Cause: 'Rate exceeded (Throttling)' } };
// Sustained throttling: five throttled attempts for every answer, and the answer is always "creating".
const describeAnswers = Array.from({ length: 40 }, () => [
  throttled,
  throttled,
  throttled,
  throttled,
  throttled,
  ok({ DbSnapshots: [{ DbSnapshotIdentifier: SNAPSHOT, Status: 'creating', TagList: ownTags }] }),
]).flat();

describe('on-demand snapshot wait under sustained throttling', () => {
  const rdsMock = mockClient(RDSClient);
  let lambdas: Record<string, LambdaHandler>;

  beforeAll(async () => {
    const [validate, guard] = await Promise.all([
      import('../../../functions/validate-snapshot-request/handler.js'),
      import('../../../functions/guarded-delete-snapshot/handler.js'),
    ]);
    lambdas = {
      'interactions-prod-validate-snapshot-request': validate.handler,
      'interactions-prod-guarded-delete-snapshot': guard.handler,
    };
  });
  afterAll(() => rdsMock.restore());

  it('ends in the failure path within the budget: the snapshot is deleted and the failure reported, not TIMED_OUT', async () => {
    // Prepare: by the time the guard looks, the snapshot has finished (a creating one is left to the sweeper).
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'available', TagList: ownTags }] });
    rdsMock.on(DeleteDBSnapshotCommand).resolves({});

    // Act
    const result = await runStateMachine(sm, {
      input: { snapshotName: SNAPSHOT, requestedBy: 'alice@example.com' },
      executionName: EXECUTION,
      lambdas,
      mocks: {
        'Describe database': ok({ DbInstances: [{ DbInstanceIdentifier: INSTANCE, AllocatedStorage: 100 }] }),
        'Check snapshot quota': ok({ AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: 1, Max: 100 }] }),
        'Create snapshot': ok({
          DbSnapshot: { DbSnapshotIdentifier: SNAPSHOT, DbSnapshotArn: 'arn', Status: 'creating' },
        }),
        'Describe snapshot': describeAnswers,
        'Notify failure': ok({}),
      },
    });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('WaitTimedOutError');
    expect(result.virtualSeconds).toBeLessThanOrEqual(sm.definition.TimeoutSeconds as number);
    expect(result.path.slice(-6)).toEqual([
      'Snapshot wait timed out',
      'Snapshot created?',
      'Delete snapshot',
      'Notify failure',
      'Build failure message',
      'Fail',
    ]);
    expect(rdsMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(1);
    expect(result.lambdaInvocations.find((i) => i.state === 'Notify failure')?.payload).toMatchObject({
      status: 'FAILED',
      error: 'WaitTimedOutError',
    });
  });
});

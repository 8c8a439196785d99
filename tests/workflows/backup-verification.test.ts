/**
 * The synthesized backup verification state machine, run locally: the real check-backups and
 * notify-outcome handlers (reports written to s3rver, SNS mocked), RDS/ElastiCache SDK calls inside
 * the handler mocked with aws-sdk-client-mock, the state machine's SDK integrations mocked per state.
 * Responses are the fixtures' shapes; SDK-integration responses use Step Functions' member names
 * (`DbInstances`, `DbInstanceIdentifier`).
 */
import { fixturePath } from '../support/fixtures.js';
import '../support/lambda-env.js';
import { readFileSync } from 'node:fs';
import { DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { type DBSnapshot, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../infra/config/index.js';
import { BackupVerificationWorkflow } from '../../workflows/backup-verification/construct.js';
import { type LocalS3, startLocalS3, useLocalS3ForHandlers } from '../support/s3-server.js';
import {
  extractStateMachine,
  type LambdaHandler,
  type MockedResponse,
  runStateMachine,
  validateDefinition,
} from '../support/state-machine-harness.js';

process.env.ENVIRONMENT = 'prod';
const BUCKET = 'interactions-prod-automation-reports';
const TOPICS = {
  high: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-high',
  medium: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-medium',
  low: 'arn:aws:sns:us-east-1:123456789012:interactions-prod-alerts-low',
};
process.env.REPORTS_BUCKET = BUCKET;
process.env.TOPIC_ARN_HIGH = TOPICS.high;
process.env.TOPIC_ARN_MEDIUM = TOPICS.medium;
process.env.TOPIC_ARN_LOW = TOPICS.low;

const scheduledEvent = JSON.parse(readFileSync(fixturePath('eventbridge-scheduled-event.rust-runtime.json'), 'utf8'));
const instancesFixture = JSON.parse(
  readFileSync(fixturePath('rds-describe-db-instances-stopped-with-LatestRestorableTime.awscli-example.json'), 'utf8'),
);
const manualFixture = JSON.parse(
  readFileSync(fixturePath('rds-describe-db-snapshots-manual-available.awscli-example.json'), 'utf8'),
) as { DBSnapshots: DBSnapshot[] };

/** Step Functions' SDK integrations name members like the Java SDK v2: `DBInstances` -> `DbInstances`. */
function sfnShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sfnShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/DB/g, 'Db'), sfnShape(v)]));
}

const prod = loadConfig('prod');
// The harness's $$.Execution.StartTime is the real clock: ages are set relative to it, with margins of minutes.
const STARTED = new Date().toISOString();
const hoursBefore = (h: number) => new Date(Date.parse(STARTED) - h * 3_600_000);

const app = new App();
const stack = new Stack(app, 'interactions-prod-automation');
const tasksLog = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: '/aws/lambda/interactions-prod-tasks' });
const notifyFn = lambda.Function.fromFunctionArn(
  stack,
  'Notify',
  'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
);
const workflow = new BackupVerificationWorkflow(stack, 'BackupVerification', {
  envName: 'prod',
  automation: prod.automation,
  backupRetentionDays: prod.database.backupRetentionDays,
  notifyFunction: notifyFn,
  functionLogGroup: tasksLog,
});
const template = Template.fromStack(stack);
const sm = extractStateMachine(template, { name: 'interactions-prod-backup-verification' });

const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);
const sns = mockClient(SNSClient);
let s3: LocalS3;
let restoreEnv: () => void;
let lambdas: Record<string, LambdaHandler>;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  restoreEnv = useLocalS3ForHandlers(s3);
  const [check, notify] = await Promise.all([
    import('../../functions/check-backups/handler.js'),
    import('../../functions/notify-outcome/handler.js'),
  ]);
  lambdas = { 'interactions-prod-check-backups': check.handler, 'interactions-prod-notify-outcome': notify.handler };
});
afterAll(async () => {
  restoreEnv();
  await s3.stop();
});

interface World {
  readonly backupAgeHours?: number;
  readonly restoreLagMinutes?: number;
  readonly retention?: number;
  readonly manualCount?: number;
  readonly cacheAgeHours?: number | null;
}

/** Sets the handler-side SDK mocks and returns the SDK-integration mocks for one world. */
function world(w: World = {}): Record<string, MockedResponse | MockedResponse[]> {
  rds.reset();
  elastiCache.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  const manual = manualFixture.DBSnapshots[0] as DBSnapshot;
  const count = w.manualCount ?? 3;
  const manualSnapshots = Array.from({ length: count }, (_, i) => ({ ...manual, DBSnapshotIdentifier: `manual-${i}` }));
  // Pagination: the manual list arrives in pages of at most 100.
  const pages = [];
  for (let i = 0; i < manualSnapshots.length || i === 0; i += 100) pages.push(manualSnapshots.slice(i, i + 100));
  const manualMock = rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' });
  pages.forEach((page, i) => {
    manualMock.resolvesOnce({ DBSnapshots: page, ...(i < pages.length - 1 ? { Marker: `page-${i + 1}` } : {}) });
  });
  rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({
    DBSnapshots: [
      {
        ...manual,
        DBSnapshotIdentifier: 'rds:interactions-prod-postgres-2025-01-14-05-10',
        SnapshotType: 'automated',
        SnapshotCreateTime: hoursBefore(w.backupAgeHours ?? 21.3),
      },
      {
        ...manual,
        DBSnapshotIdentifier: 'rds:interactions-prod-postgres-2025-01-13-05-10',
        SnapshotType: 'automated',
        SnapshotCreateTime: hoursBefore(45),
      },
    ],
  });
  elastiCache.on(DescribeSnapshotsCommand).resolves({
    Snapshots:
      w.cacheAgeHours === null
        ? []
        : [
            {
              SnapshotName: 'interactions-prod-nightly',
              SnapshotStatus: 'available',
              NodeSnapshots: [{ SnapshotCreateTime: hoursBefore(w.cacheAgeHours ?? 23) }],
            },
          ],
  });
  const instance = {
    ...instancesFixture.DBInstances[0],
    DBInstanceIdentifier: 'interactions-prod-postgres',
    DBInstanceStatus: 'available',
    BackupRetentionPeriod: w.retention ?? prod.database.backupRetentionDays,
    LatestRestorableTime: new Date(Date.parse(STARTED) - (w.restoreLagMinutes ?? 4) * 60_000).toISOString(),
  };
  return {
    'Describe DB instance': { Return: sfnShape({ DBInstances: [instance] }) },
    'Describe account quotas': {
      Return: { AccountQuotas: [{ AccountQuotaName: 'ManualSnapshots', Used: count, Max: 100 }] },
    },
  };
}

async function run(mocks: Record<string, MockedResponse | MockedResponse[]>) {
  return runStateMachine(sm, {
    input: scheduledEvent,
    executionName: scheduledEvent.id,
    lambdas,
    mocks,
  });
}

function published() {
  return sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

function findings(output: unknown): Record<string, string> {
  const list = (output as { findings: { check: string; status: string }[] }).findings;
  return Object.fromEntries(list.map((f) => [f.check, f.status]));
}

describe('backup verification workflow', () => {
  it('is a valid JSONPath definition with a timeout', () => {
    validateDefinition(sm.definition);
    expect(sm.definition.TimeoutSeconds).toBe(900);
  });

  it('files the all-ok report without notifying anyone and succeeds', async () => {
    const result = await run(world());
    expect(result.status).toBe('SUCCEEDED');
    expect(findings(result.output)).toEqual({
      'automated-backup-freshness': 'ok',
      'restore-window': 'ok',
      'backup-retention': 'ok',
      'manual-snapshot-quota': 'ok',
      'cache-snapshot-freshness': 'ok',
    });
    expect(result.path).toContain('Report findings');
    expect(published()).toEqual([]);
    const key = `reports/backup-verification/${new Date().getUTCFullYear()}`;
    expect((result.output as { report: { json: string } }).report.json.startsWith(key)).toBe(true);
    const body = await s3.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: (result.output as { report: { json: string } }).report.json }),
    );
    const report = JSON.parse(await (body.Body as { transformToString(): Promise<string> }).transformToString());
    expect(report.status).toBe('SUCCEEDED');
    expect(report.details.findings).toHaveLength(5);
  });

  it.each([
    ['automated-backup-freshness', { backupAgeHours: 27 }],
    ['restore-window', { restoreLagMinutes: prod.automation.restoreLagThresholdMinutes + 1 }],
    ['backup-retention', { retention: 7 }],
    ['manual-snapshot-quota', { manualCount: 100 }],
    ['cache-snapshot-freshness', { cacheAgeHours: null }],
    ['cache-snapshot-freshness', { cacheAgeHours: 30 }],
  ] as const)(
    'reports a failing %s to the environment failure severity (high) and still succeeds',
    async (check, w) => {
      const result = await run(world(w));
      expect(result.status).toBe('SUCCEEDED');
      expect(findings(result.output)[check]).toBe('fail');
      expect(result.path).toContain('Report failed checks');
      const [message] = published();
      expect(message?.TopicArn).toBe(TOPICS.high);
      expect(message?.Message).toContain(check);
    },
  );

  it('warns to the low topic when manual snapshots reach the warning fraction (paginated count)', async () => {
    const result = await run(world({ manualCount: 85 }));
    expect(findings(result.output)['manual-snapshot-quota']).toBe('warn');
    expect(published().map((p) => p.TopicArn)).toEqual([TOPICS.low]);
  });

  it('counts manual snapshots across pages', async () => {
    const result = await run(world({ manualCount: 230 }));
    expect(findings(result.output)['manual-snapshot-quota']).toBe('fail');
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' })).toHaveLength(3);
    expect(
      (result.output as { findings: { check: string; metric?: { value: number } }[] }).findings.find(
        (f) => f.check === 'manual-snapshot-quota',
      )?.metric?.value,
    ).toBe(230);
  });

  it('retries a throttled SDK integration and then succeeds', async () => {
    const mocks = world();
    const result = await run({
      ...mocks,
      'Describe DB instance': [
        { Throw: { Error: 'Rds.RdsException', Cause: 'Rate exceeded (Throttling)' } },
        mocks['Describe DB instance'] as MockedResponse,
      ],
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries['Describe DB instance']).toBe(1);
  });

  it('fails through the catch-all with a notification when the check Lambda errors', async () => {
    const mocks = world();
    rds
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const result = await run(mocks);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('AccessDenied');
    expect(result.path).toEqual(expect.arrayContaining(['Evaluate backups', 'Notify failure', 'Fail']));
    const [message] = published();
    expect(message?.TopicArn).toBe(TOPICS.high);
    expect(message?.Subject).toContain('FAILED');
  });

  it('fails through the catch-all when the instance cannot be described', async () => {
    const mocks = world();
    const result = await run({
      ...mocks,
      'Describe DB instance': { Throw: { Error: 'Rds.DbInstanceNotFoundException', Cause: 'not found' } },
    });
    expect(result.status).toBe('FAILED');
    expect(result.path).not.toContain('Evaluate backups');
    expect(result.path).toContain('Notify failure');
  });
});

describe('backup verification infrastructure', () => {
  it('is started nightly by the configured schedule with the scheduled event as input', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: prod.automation.nightlySchedule,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^BackupVerificationWorkflowStateMachine') },
          InputPath: '$',
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    expect(workflow.schedule).toBeDefined();
  });

  it('logs ALL with execution data and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'interactions-prod-backup-verification',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  it('checks cache snapshots only where the nightly cache snapshot is configured', () => {
    const devApp = new App();
    const devStack = new Stack(devApp, 'interactions-dev-automation');
    const dev = loadConfig('dev');
    new BackupVerificationWorkflow(devStack, 'BackupVerification', {
      envName: 'dev',
      automation: dev.automation,
      backupRetentionDays: dev.database.backupRetentionDays,
      notifyFunction: lambda.Function.fromFunctionArn(
        devStack,
        'Notify',
        'arn:aws:lambda:us-east-1:123456789012:function:interactions-dev-notify-outcome',
      ),
      functionLogGroup: new logs.LogGroup(devStack, 'TasksLogs'),
    });
    const devSm = extractStateMachine(devStack, { name: 'interactions-dev-backup-verification' });
    const evaluate = devSm.definition.States['Evaluate backups'] as unknown as { Parameters: Record<string, unknown> };
    expect(evaluate.Parameters.cacheSnapshotRequired).toBe(false);
    const prodEvaluate = sm.definition.States['Evaluate backups'] as unknown as { Parameters: Record<string, unknown> };
    expect(prodEvaluate.Parameters).toMatchObject({
      cacheSnapshotRequired: true,
      cacheReplicationGroupId: 'interactions-prod',
    });
  });
});

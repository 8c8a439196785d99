/**
 * The synthesized backup verification state machine, run locally on the workflow testbed: the real
 * check-backups and notify-outcome handlers (reports written to the local S3 server, SNS mocked),
 * RDS/ElastiCache SDK calls inside the handler mocked with aws-sdk-client-mock, the state machine's
 * SDK integrations mocked per state. Responses are the fixtures' shapes; SDK-integration responses
 * use Step Functions' member names (`DbInstances`, `DbInstanceIdentifier`).
 */
import { DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { type DBSnapshot, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { Match } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../infra/config/index.js';
import { readFixture } from '../support/fixtures.js';
import { type MockedResponse, validateDefinition } from '../support/state-machine-harness.js';
import {
  ruleTargetInput,
  scheduledDeliveries,
  scheduledEvent,
  sdkParameters,
  type WorkflowRun,
  workflowTestbed,
} from '../support/workflow-testbed.js';

const bed = workflowTestbed({ workflow: 'backup-verification', env: 'prod' });
const trigger = scheduledEvent();

const instancesFixture = readFixture<{ DBInstances: Record<string, unknown>[] }>(
  'rds-describe-db-instances-stopped-with-LatestRestorableTime.awscli-example.json',
);
const manualFixture = readFixture<{ DBSnapshots: DBSnapshot[] }>(
  'rds-describe-db-snapshots-manual-available.awscli-example.json',
);

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

const rds = mockClient(RDSClient);
const elastiCache = mockClient(ElastiCacheClient);

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

const run = (mocks: Record<string, MockedResponse | MockedResponse[]>) =>
  bed.run({ input: trigger, executionName: trigger.id, mocks });

/** Each check's status, by check id. */
function findings(run: WorkflowRun<'backup-verification'>): Record<string, string> {
  return Object.fromEntries((run.output?.findings ?? []).map((f) => [f.check, f.status]));
}

describe('backup verification workflow', () => {
  it('is a valid JSONPath definition with a timeout', () => {
    validateDefinition(bed.sm.definition);
    expect(bed.sm.definition.TimeoutSeconds).toBe(900);
  });

  it('files the all-ok report without notifying anyone and succeeds', async () => {
    // Act
    const result = await run(world());

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    expect(result.path).toEqual([
      'Delivered by the schedule?',
      'Gather backup facts',
      'Describe DB instance',
      'Describe account quotas',
      'Evaluate backups',
      'Any check failed?',
      'Report findings',
      'Build output',
      'Backups checked',
    ]);
    expect(findings(result)).toEqual({
      'automated-backup-freshness': 'ok',
      'restore-window': 'ok',
      'backup-retention': 'ok',
      'manual-snapshot-quota': 'ok',
      'cache-snapshot-freshness': 'ok',
    });
    expect(bed.published()).toEqual([]);
    expect(result.output?.report.json.startsWith(`reports/backup-verification/${new Date().getUTCFullYear()}`)).toBe(
      true,
    );
    const report = await bed.report(result);
    expect(report.status).toBe('SUCCEEDED');
    expect((report.details as { findings: unknown[] }).findings).toHaveLength(5);
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
      // Act
      const result = await run(world(w));

      // Assess
      expect(result).toHaveSucceeded();
      expect(findings(result)[check]).toBe('fail');
      expect(result).toHavePassedThrough('Any check failed?', 'Report failed checks');
      const [message] = bed.published();
      expect(message?.TopicArn).toBe(bed.topics.high);
      expect(message?.Message).toContain(check);
    },
  );

  it('warns to the low topic when manual snapshots reach the warning fraction (paginated count)', async () => {
    // Act
    const result = await run(world({ manualCount: 85 }));

    // Assess
    expect(findings(result)['manual-snapshot-quota']).toBe('warn');
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
  });

  it('counts manual snapshots across pages', async () => {
    // Act
    const result = await run(world({ manualCount: 230 }));

    // Assess
    expect(findings(result)['manual-snapshot-quota']).toBe('fail');
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' })).toHaveLength(3);
    expect(result.output?.findings.find((f) => f.check === 'manual-snapshot-quota')?.metric?.value).toBe(230);
  });

  it('retries a throttled SDK integration and then succeeds', async () => {
    // Prepare
    const mocks = world();

    // Act
    const result = await run({
      ...mocks,
      'Describe DB instance': [
        { Throw: { Error: 'Rds.RdsException', Cause: 'Rate exceeded (Throttling)' } },
        mocks['Describe DB instance'] as MockedResponse,
      ],
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries['Describe DB instance']).toBe(1);
  });

  it('fails through the catch-all with a notification when the check Lambda errors', async () => {
    // Prepare
    const mocks = world();
    rds
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    // Act
    const result = await run(mocks);

    // Assess
    expect(result).toHaveFailedWith('AccessDenied');
    expect(result).toHavePassedThrough('Evaluate backups', 'Notify failure', 'Fail');
    expect(result).toHaveNotified({ status: 'FAILED' });
    const [message] = bed.published();
    expect(message?.TopicArn).toBe(bed.topics.high);
    expect(message?.Subject).toContain('FAILED');
  });

  it('sends one report and one notification for two deliveries of the same scheduled event', async () => {
    // Prepare: a night whose findings notify (a failing check), delivered twice by EventBridge.
    const deliveries = scheduledDeliveries(bed);
    const mocks = world({ backupAgeHours: 27 });

    // Act
    const first = await deliveries.deliver(trigger, mocks);
    // The SDK mocks a second night's work would meet (the paged listing is consumed by the first).
    world({ backupAgeHours: 27 });
    const second = await deliveries.deliver(trigger, mocks);

    // Assess
    const runs = [...first, ...second];
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(first[0]).toHaveEndedWith('Start run named from the event', 'Handed over');
    expect(first[1]).toHavePassedThrough('Evaluate backups', 'Report failed checks');
    expect(second[0]).toHaveEndedWith('Start run named from the event', 'Skip duplicate delivery');
    expect(runs.filter((r) => r.path.includes('Evaluate backups'))).toHaveLength(1);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.high]);
  });

  it('hands the delivery over to a run named from the event id, with the event itself as input', async () => {
    // Prepare
    const deliveries = scheduledDeliveries(bed);

    // Act
    const [handOver, named] = await deliveries.deliver(trigger, world());

    // Assess
    expect(sdkParameters(handOver as WorkflowRun<'backup-verification'>, 'Start run named from the event')).toEqual({
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-backup-verification',
      Name: `nightly-${trigger.id}`,
      Input: trigger,
    });
    expect(named).toHaveSucceeded();
    expect(named?.output?.severity).toBe('ok');
  });

  it('fails through the catch-all, notifying, when the hand-over start is refused for another reason', async () => {
    // Act
    const result = await bed.run({
      input: ruleTargetInput(bed.template, trigger),
      mocks: {
        'Start run named from the event': {
          Throw: { Error: 'StepFunctions.AccessDeniedException', Cause: 'not authorized' },
        },
      },
    });

    // Assess
    expect(result).toHaveFailedWith('StepFunctions.AccessDeniedException');
    expect(result).not.toHavePassedThrough('Gather backup facts');
    expect(result).toHaveNotified({ status: 'FAILED' });
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.high]);
  });

  it('fails through the catch-all when the instance cannot be described', async () => {
    // Act
    const result = await run({
      ...world(),
      'Describe DB instance': { Throw: { Error: 'Rds.DbInstanceNotFoundException', Cause: 'not found' } },
    });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result).not.toHavePassedThrough('Evaluate backups');
    expect(result).toHavePassedThrough('Notify failure');
  });
});

describe('backup verification infrastructure', () => {
  it('is started nightly by the configured schedule with the scheduled event handed over', () => {
    bed.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: prod.automation.nightlySchedule,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^BackupVerificationWorkflowStateMachine') },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    expect(ruleTargetInput(bed.template, trigger)).toEqual({ scheduledEvent: trigger });
    expect(bed.construct.schedule).toBeDefined();
  });

  it.each([
    [{ scheduleExpression: 'nightly at 6' }, 'scheduleExpression must be a cron(...) or rate(...) expression'],
    [{ backupRetentionDays: 0 }, 'backupRetentionDays must be a positive integer (got 0)'],
    [{ backupMaxAgeHours: 0 }, 'backupMaxAgeHours must be positive (got 0)'],
    [{ restoreLagThresholdMinutes: -5 }, 'restoreLagThresholdMinutes must be positive (got -5)'],
    [{ manualSnapshotQuota: 2.5 }, 'manualSnapshotQuota must be a positive integer (got 2.5)'],
    [{ manualSnapshotWarnFraction: 1.5 }, 'manualSnapshotWarnFraction must be in (0, 1] (got 1.5)'],
  ])('fails at construction naming the prop when %j', (props, message) => {
    expect(() => bed.variant('invalid', props)).toThrow(`BackupVerificationWorkflow: ${message}`);
  });

  it('logs ALL with execution data and traces with X-Ray', () => {
    bed.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'interactions-prod-backup-verification',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  it('checks cache snapshots only where the nightly cache snapshot is configured', () => {
    // Prepare: dev's config has the nightly cache snapshot off, prod's on.
    const withoutCache = bed.variant('nocache', {
      checkCacheSnapshot: loadConfig('dev').automation.cacheSnapshotNightly,
    });

    // Assess
    const parameters = (definition: typeof bed.sm.definition) =>
      (definition.States['Evaluate backups'] as unknown as { Parameters: Record<string, unknown> }).Parameters;
    expect(parameters(withoutCache.sm.definition).cacheSnapshotRequired).toBe(false);
    expect(JSON.stringify(withoutCache.template.toJSON())).not.toContain('elasticache:DescribeSnapshots');
    expect(parameters(bed.sm.definition)).toMatchObject({
      cacheSnapshotRequired: true,
      cacheReplicationGroupId: 'interactions-prod',
    });
  });
});

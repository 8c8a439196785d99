/**
 * The synthesized recovery test state machine, run locally on the workflow testbed: real handlers
 * for the plan, the evaluation and notify-outcome (reports in the local S3 server), mocked RDS SDK
 * integrations per state. The verifier is replaced by a stand-in here; recovery-test.verifier.test.ts
 * runs the real one against a real PostgreSQL server. Every path that restored something must end
 * with the temporary instance deleted, and every failure must be notified.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../infra/config/index.js';
import { DELETE_WHILE_BUSY_RETRY, TEMPORARY_DB_STATES as S } from '../../workflows/common/temporary-db-instance.js';
import type { LambdaHandler } from '../support/state-machine-harness.js';
import { ruleTargetInput, scheduledDeliveries, scheduledEvent, workflowTestbed } from '../support/workflow-testbed.js';
import {
  deletedInstances,
  drillWorld,
  FAILURE_TAIL,
  fail,
  type Mocks,
  ok,
  POLL,
  passingVerification,
  restoreRequested,
  verifierName,
} from './recovery-test.fixtures.js';

const bed = workflowTestbed({ workflow: 'recovery-test', env: 'prod' });
const { pitr } = loadConfig('prod').drills;
const world = drillWorld('prod');
const verifier = verifierName('prod');

const verifies: LambdaHandler = async (event: { restorePoint: string }) => passingVerification(event.restorePoint);

function run(
  mocks: Mocks,
  options: { input?: unknown; lambdas?: Record<string, LambdaHandler>; executionName?: string } = {},
) {
  return bed.run({
    input: options.input ?? { requestedBy: 'alice@example.com' },
    executionName: options.executionName ?? world.execution,
    mocks,
    lambdas: { [verifier]: verifies, ...options.lambdas },
  });
}

describe('recovery test workflow', () => {
  it('restores the latest point into a temporary instance, verifies it, deletes it, measures and reports', async () => {
    // Act
    const result = await run(world.base);

    // Assess: the whole path, once per workflow
    expect(result).toHaveSucceeded();
    expect(result.path).toEqual([
      'Delivered by the schedule?',
      'Describe source database',
      'Plan restore',
      S.restore,
      S.startWaiting,
      ...POLL,
      ...POLL,
      'Verify restored data',
      S.toDelete,
      S.delete,
      S.afterFailure,
      'Evaluate drill',
      'Data verified and cleaned up?',
      'Notify drill result',
      'Build output',
      'Drill passed',
    ]);
    expect(result.output).toMatchObject({
      restorePoint: new Date(world.latestRestorableTime).toISOString(),
      restorePointMode: 'latest',
      temporaryInstance: world.instance,
      rpoSeconds: 60,
      objectivesMet: { rto: true, rpo: true },
    });
    expect(result.output?.checks).toHaveLength(2);
    expect(result.output?.report.json).toMatch(
      new RegExp(`^s3://${bed.reportsBucket}/reports/recovery-test/\\d{4}/\\d{2}/${world.execution}\\.json$`),
    );
    expect(await bed.report(result)).toMatchObject({
      status: 'SUCCEEDED',
      severity: 'low',
      details: {
        plan: { restorePoint: result.output?.restorePoint, instance: { identifier: world.instance } },
        evaluation: { passed: true, phases: expect.any(Array), cleanup: { status: 'deleting' } },
      },
    });
    expect(bed.published()[0]?.TopicArn).toBe(bed.topics.low);
  });

  it('restores with every placement explicit, in the SDK integration spelling, tagged for this execution', async () => {
    // Act
    const result = await run(world.base);

    // Assess: a wrong case (DBSubnetGroupName) fails only at run time in AWS, so the names are pinned.
    const restore = result.sdkCalls.find((call) => call.state === S.restore)?.parameters as Record<string, unknown>;
    expect(Object.keys(restore).sort()).toEqual(
      [
        'AutoMinorVersionUpgrade',
        'BackupRetentionPeriod',
        'CopyTagsToSnapshot',
        'DbInstanceClass',
        'DbParameterGroupName',
        'DbSubnetGroupName',
        'DeletionProtection',
        'MultiAZ',
        'PubliclyAccessible',
        'RestoreTime',
        'SourceDBInstanceIdentifier',
        'Tags',
        'TargetDBInstanceIdentifier',
        'VpcSecurityGroupIds',
      ].sort(),
    );
    expect(restore).toMatchObject({
      SourceDBInstanceIdentifier: world.source,
      TargetDBInstanceIdentifier: world.instance,
      RestoreTime: new Date(world.latestRestorableTime).toISOString(),
      DbInstanceClass: pitr.instanceClass,
      DbParameterGroupName: 'interactions-prod-postgres15',
      MultiAZ: false,
      PubliclyAccessible: false,
      DeletionProtection: false,
      BackupRetentionPeriod: 0,
    });
    expect(restore.DbSubnetGroupName).toEqual(expect.any(String));
    expect(restore.VpcSecurityGroupIds).toHaveLength(1);
    expect(restore.Tags).toEqual([
      { Key: 'interactions:managed-by', Value: 'interactions-automation' },
      { Key: 'interactions:execution', Value: world.execution },
      { Key: 'interactions:expires-at', Value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
      { Key: 'interactions:environment', Value: 'prod' },
    ]);
    const remove = result.sdkCalls.find((call) => call.state === S.delete)?.parameters;
    expect(remove).toEqual({
      DbInstanceIdentifier: world.instance,
      SkipFinalSnapshot: true,
      DeleteAutomatedBackups: true,
    });
  });

  it('sends the verifier the restored endpoint, the database, the secret and the restore point', async () => {
    // Act
    const result = await run(world.base);

    // Assess
    const call = result.lambdaInvocations.find((i) => i.state === 'Verify restored data');
    expect(call?.payload).toMatchObject({
      endpoint: { address: '127.0.0.1', port: 55432 },
      databaseName: expect.any(String),
      secretArn: expect.stringContaining(':secret:/interactions/prod/db-credentials'),
      restorePoint: new Date(world.latestRestorableTime).toISOString(),
    });
  });

  it('restores to the requested point when it lies inside the restore window', async () => {
    // Prepare
    const requested = new Date(Date.now() - 2 * 86_400_000).toISOString();

    // Act
    const result = await run(world.base, { input: { restorePoint: requested } });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.output).toMatchObject({ restorePoint: requested, restorePointMode: 'requested' });
  });

  describe('refuses a restore point RDS could not honour before anything is created', () => {
    it.each([
      [
        'after LatestRestorableTime',
        () => new Date(Date.now() + 60_000).toISOString(),
        'after the LatestRestorableTime',
      ],
      [
        'outside the retention',
        () => new Date(Date.now() - 8 * 86_400_000).toISOString(),
        'outside the backup retention of 7 days',
      ],
    ])('%s', async (_, restorePoint, message) => {
      // Act
      const result = await run(
        { 'Describe source database': world.base['Describe source database'] as never },
        {
          input: { restorePoint: restorePoint() },
        },
      );

      // Assess
      expect(result).toHaveFailedWith('ValidationError', message);
      expect(restoreRequested(result)).toBe(false);
      expect(deletedInstances(result)).toEqual([]);
      expect(result).toHaveEndedWith(S.toDelete, S.afterFailure, ...FAILURE_TAIL);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'ValidationError' });
    });
  });

  it('rejects a malformed request before any AWS call that creates', async () => {
    // Act
    const result = await run(
      { 'Describe source database': world.base['Describe source database'] as never },
      {
        input: { restorePiont: '2026-01-01T00:00:00Z' },
      },
    );

    // Assess
    expect(result).toHaveFailedWith('ValidationError');
    expect(restoreRequested(result)).toBe(false);
  });

  it('adopts an instance of its name whose tags name this execution (a retried restore that had succeeded)', async () => {
    // Act
    const result = await run({
      ...world.base,
      [S.restore]: fail('Rds.DbInstanceAlreadyExistsException', 'DB instance already exists'),
      [S.describeExisting]: world.restored('creating'),
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result).toHavePassedThrough(S.describeExisting, 'Created by this execution?', S.adopt, S.startWaiting);
    expect(deletedInstances(result)).toEqual([world.instance]);
  });

  it('retries a restore call that timed out: the instance RDS had created is adopted, verified and deleted', async () => {
    // Act
    const result = await run({
      ...world.base,
      [S.restore]: [
        fail('States.Timeout', 'the restore call timed out after RDS accepted it'),
        fail('Rds.DbInstanceAlreadyExistsException', 'DB instance already exists'),
      ],
      [S.describeExisting]: world.restored('creating'),
    });

    // Assess
    expect(result).toHaveSucceeded();
    expect(result.retries[S.restore]).toBe(1);
    expect(result).toHavePassedThrough(S.adopt, S.startWaiting);
    expect(deletedInstances(result)).toEqual([world.instance]);
  });

  it('refuses an instance of its name whose tags name another execution, and leaves it alone', async () => {
    // Act
    const result = await run({
      ...world.base,
      [S.restore]: fail('Rds.DbInstanceAlreadyExistsException', 'DB instance already exists'),
      [S.describeExisting]: world.restored('available', {
        TagList: world.ownTags.map((tag) =>
          tag.Key === 'interactions:execution' ? { ...tag, Value: 'other-run' } : tag,
        ),
      }),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError', 'was not created by this execution');
    expect(result).toHavePassedThrough('Created by this execution?', S.rejectForeign, S.toDelete);
    expect(deletedInstances(result)).toEqual([]);
    expect(result).toHaveNotified({ status: 'FAILED' });
  });

  it('refuses an untagged instance of its name', async () => {
    // Act
    const result = await run({
      ...world.base,
      [S.restore]: fail('Rds.DbInstanceAlreadyExistsException'),
      [S.describeExisting]: ok({
        DbInstances: [{ DbInstanceIdentifier: world.instance, DbInstanceStatus: 'available' }],
      }),
    });

    // Assess
    expect(result).toHaveFailedWith('ResourceConflictError');
    expect(deletedInstances(result)).toEqual([]);
  });

  describe('every failure point: cleanup ran, nothing left behind, failure reported', () => {
    it('the source cannot be described: nothing created, nothing deleted', async () => {
      // Act
      const result = await run({ 'Describe source database': fail('Rds.DbInstanceNotFoundException') });

      // Assess
      expect(result).toHaveFailedWith('Rds.DbInstanceNotFoundException');
      expect(deletedInstances(result)).toEqual([]);
      expect(result).toHaveEndedWith(...FAILURE_TAIL);
      expect(bed.published()[0]?.TopicArn).toBe(bed.topics.high);
    });

    it('RDS refuses the restore: nothing created, nothing deleted', async () => {
      // Act
      const result = await run({ ...world.base, [S.restore]: fail('Rds.InsufficientDbInstanceCapacityException') });

      // Assess
      expect(result).toHaveFailedWith('Rds.InsufficientDbInstanceCapacityException');
      expect(deletedInstances(result)).toEqual([]);
      expect(result).toHaveNotified({ status: 'FAILED' });
    });

    it('the restore ends in a state it never leaves: the instance is deleted', async () => {
      // Act
      const result = await run({
        ...world.base,
        [S.describe]: [world.restored('creating'), world.restored('incompatible-restore')],
      });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'incompatible-restore');
      expect(result).toHavePassedThrough(S.restoreFailed, S.toDelete, S.delete, S.afterFailure, 'Notify failure');
      expect(deletedInstances(result)).toEqual([world.instance]);
    });

    it('the restore is not available within the wait budget: the instance is deleted', async () => {
      // Prepare: a 45-minute timeout leaves 15 minutes of polls, one a minute.
      const short = bed.variant('short', { timeout: Duration.minutes(45), pollInterval: Duration.minutes(1) });

      // Act
      const result = await short.run({
        input: {},
        executionName: world.execution,
        mocks: { ...world.base, [S.describe]: world.restored('creating') },
        lambdas: { [verifier]: verifies },
      });

      // Assess
      expect(result).toHaveFailedWith('WaitTimedOutError', 'after 15 polls');
      expect(result.path.filter((state) => state === S.describe)).toHaveLength(15);
      expect(deletedInstances(result)).toEqual([world.instance]);
      expect(result).toHaveEndedWith(S.delete, S.afterFailure, ...FAILURE_TAIL);
    });

    it('the instance becomes visible only after a not-found answer: that counts as a poll, not a failure', async () => {
      // Act
      const result = await run({
        ...world.base,
        [S.describe]: [fail('Rds.DbInstanceNotFoundException'), world.restored('available')],
      });

      // Assess
      expect(result).toHaveSucceeded();
    });

    it('the verifier cannot run: the instance is deleted first, then the drill fails and says why', async () => {
      // Act
      const result = await run(world.base, {
        lambdas: {
          [verifier]: async () => {
            throw Object.assign(new Error('connect ETIMEDOUT 10.0.3.4:5432'), { name: 'ConnectionError' });
          },
        },
      });

      // Assess
      expect(result).toHaveFailedWith('RecoveryTestFailed', 'could not be verified');
      expect(result).toHavePassedThrough('Verify restored data', S.delete, 'Evaluate drill', 'Drill failed');
      expect(deletedInstances(result)).toEqual([world.instance]);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'RecoveryTestFailed' });
    });

    it('a data check fails: the instance is deleted, the drill fails naming the check', async () => {
      // Act
      const result = await run(world.base, {
        lambdas: {
          [verifier]: async (event: { restorePoint: string }) => {
            const verification = passingVerification(event.restorePoint);
            return {
              ...verification,
              passed: false,
              checks: [{ name: 'interactions has rows', status: 'fail', value: 0, finding: '0 < 1', durationMs: 5 }],
            };
          },
        },
      });

      // Assess
      expect(result).toHaveFailedWith('RecoveryTestFailed', 'interactions has rows: 0 < 1');
      expect(deletedInstances(result)).toEqual([world.instance]);
      const report = await bed.report(result);
      expect(report).toMatchObject({ status: 'FAILED', details: { evaluation: { passed: false } } });
    });

    it('the success notification fails: reported through the failure path, the instance deleted once', async () => {
      // Act
      const result = await run({ ...world.base, 'Notify drill result': fail('Lambda.ServiceException') });

      // Assess
      expect(result).toHaveFailedWith('Lambda.ServiceException');
      expect(result).toHaveEndedWith(S.toDelete, S.afterFailure, ...FAILURE_TAIL);
      expect(deletedInstances(result)).toEqual([world.instance]);
    });

    it('the evaluation fails: the instance was already deleted, not deleted twice', async () => {
      // Act
      const result = await run({ ...world.base, 'Evaluate drill': fail('Lambda.ServiceException') });

      // Assess
      expect(result).toHaveFailedWith('Lambda.ServiceException');
      expect(deletedInstances(result)).toEqual([world.instance]);
    });

    it('the failure notification fails too: the execution fails unreported, the instance deleted', async () => {
      // Act
      const result = await run({
        ...world.base,
        [S.describe]: world.restored('failed'),
        'Notify failure': fail('Lambda.ServiceException'),
      });

      // Assess
      expect(result).toHaveFailedWith('UnreportedFailure');
      expect(deletedInstances(result)).toEqual([world.instance]);
    });
  });

  describe('deletes the temporary instance on every path', () => {
    it('retries the delete while the instance state forbids it', async () => {
      // Act
      const busy = fail('Rds.InvalidDbInstanceStateException', 'Instance is currently modifying');
      const result = await run({ ...world.base, [S.delete]: [busy, busy, world.base[S.delete] as never] });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result.retries[S.delete]).toBe(2);
    });

    it('requests the delete within 10 minutes of the verification result even when RDS keeps refusing', () => {
      // Assess: the retry schedule at its longest (no jitter).
      let total = 0;
      let delay = DELETE_WHILE_BUSY_RETRY.interval.toSeconds();
      for (let attempt = 1; attempt < DELETE_WHILE_BUSY_RETRY.maxAttempts; attempt++) {
        total += Math.min(delay, DELETE_WHILE_BUSY_RETRY.maxDelay.toSeconds());
        delay *= DELETE_WHILE_BUSY_RETRY.backoffRate;
      }
      expect(total).toBeLessThan(10 * 60);
    });

    it('reports a delete that keeps failing as a failed drill, leaving the instance to the sweeper', async () => {
      // Act
      const result = await run({ ...world.base, [S.delete]: fail('Rds.InvalidDbInstanceStateException') });

      // Assess: one delete with its retries; the failure path does not start another round.
      expect(result).toHaveFailedWith('RecoveryTestFailed', 'was not deleted');
      expect(result.retries[S.delete]).toBe(DELETE_WHILE_BUSY_RETRY.maxAttempts);
      expect(result.path.filter((state) => state === S.delete)).toHaveLength(1);
      expect(await bed.report(result)).toMatchObject({
        details: {
          evaluation: { cleanup: { status: 'failed', error: expect.stringContaining('InvalidDbInstanceState') } },
        },
      });
    });

    it('records an instance already gone as deleted', async () => {
      // Act
      const result = await run({ ...world.base, [S.delete]: fail('Rds.DbInstanceNotFoundException') });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result).toHavePassedThrough(S.delete, S.alreadyGone, S.afterFailure, 'Evaluate drill');
    });
  });

  describe('duplicate and concurrent starts', () => {
    it('runs one drill for two deliveries of the same monthly event', async () => {
      // Prepare
      const deliveries = scheduledDeliveries(bed);
      const event = scheduledEvent();
      const named = drillWorld('prod', `nightly-${event.id}`);

      // Act
      // Deliveries run without per-test handlers: the verifier's state is mocked.
      const mocks = { ...named.base, 'Verify restored data': ok(passingVerification(named.latestRestorableTime)) };
      const first = await deliveries.deliver(event, mocks);
      const second = await deliveries.deliver(event, mocks);

      // Assess
      const runs = [...first, ...second];
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(first[0]).toHaveEndedWith('Start run named from the event', 'Handed over');
      expect(second[0]).toHaveEndedWith('Start run named from the event', 'Skip duplicate delivery');
      expect(runs.filter((r) => restoreRequested(r))).toHaveLength(1);
    });

    it('gives two executions started at once two different temporary instances', async () => {
      // Prepare
      const a = drillWorld('prod', 'manual-a');
      const b = drillWorld('prod', 'manual-b');

      // Act
      const [runA, runB] = await Promise.all([
        run(a.base, { executionName: a.execution }),
        run(b.base, { executionName: b.execution }),
      ]);

      // Assess
      expect(runA).toHaveSucceeded();
      expect(runB).toHaveSucceeded();
      expect(deletedInstances(runA)).toEqual([a.instance]);
      expect(deletedInstances(runB)).toEqual([b.instance]);
      expect(a.instance).not.toBe(b.instance);
    });

    it('runs the named run started with the monthly event in the configured mode', async () => {
      // Act
      const result = await run(world.base, { input: scheduledEvent() });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result.output?.restorePointMode).toBe('latest');
      expect(await bed.report(result)).toMatchObject({ details: { plan: { trigger: 'schedule' } } });
    });

    it('wraps the monthly event for the hand-over to a run named from it', () => {
      // Assess
      expect(ruleTargetInput(bed.template, scheduledEvent())).toEqual({ scheduledEvent: scheduledEvent() });
    });
  });

  describe('definition and template', () => {
    it('runs monthly per the environment config', () => {
      // Assess
      bed.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: pitr.schedule });
    });

    it('places the verifier in the VPC behind the only security group the restored instances admit', () => {
      // Assess
      const functions = bed.template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: verifier },
      });
      const [verify] = Object.values(functions) as { Properties: { VpcConfig?: { SecurityGroupIds: unknown[] } } }[];
      expect(verify?.Properties.VpcConfig?.SecurityGroupIds).toHaveLength(1);
      bed.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: Match.anyValue(),
      });
    });

    it('alarms on the measured RTO and RPO against the environment objectives', () => {
      // Assess
      bed.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RecoveryTimeSeconds',
        Threshold: 60 * 60,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      bed.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RecoveryPointSeconds',
        Threshold: 5 * 60,
      });
    });

    it('grants the delete only on tagged drill instances of this environment', () => {
      // Assess
      const policies = Template.fromJSON(bed.template.toJSON()).findResources('AWS::IAM::Policy');
      const statements = Object.values(policies).flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument
            .Statement,
      );
      const remove = statements.find((s) => s.Action === 'rds:DeleteDBInstance');
      expect(remove?.Condition).toEqual({
        StringEquals: {
          'rds:db-tag/interactions:managed-by': 'interactions-automation',
          'rds:db-tag/interactions:environment': 'prod',
        },
        Null: { 'rds:db-tag/interactions:execution': 'false' },
      });
    });
  });
});

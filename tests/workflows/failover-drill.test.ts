/**
 * The synthesized failover drill, run locally on the workflow testbed: real pre-check, verdict and
 * notify-outcome handlers; the prober replaced by a scripted stand-in (its own tests run it against
 * real servers); FIS, RDS, ElastiCache, ECS, CloudWatch, tagging and Step Functions SDK calls mocked per state.
 */
import { workflowTestbed } from '../support/workflow-testbed.js';
import {
  cache,
  database,
  EXPERIMENT_ID,
  experiment,
  fail,
  failedOverFacts,
  GROUP_ARN,
  healthyFacts,
  ok,
  PROBER,
  scriptedProber,
  services,
  windowSamples,
} from './failover-drill.fixtures.js';

const bed = workflowTestbed({ workflow: 'failover-drill', env: 'staging' });
const execution = 'drill-2026-03';

/** The failover was injected: a 20 s database outage in the first window, all well in the recovery window. */
function goodProber() {
  return scriptedProber([
    windowSamples('2026-03-10T10:01:00Z', 60, { dependency: 'database', from: 5, until: 25 }),
    windowSamples('2026-03-10T10:02:00Z', 60),
  ]);
}

async function runDrill(
  mocks: Record<string, unknown>,
  options: { input?: Record<string, unknown>; prober?: ReturnType<typeof scriptedProber>; name?: string } = {},
) {
  const prober = options.prober ?? goodProber();
  const name = options.name ?? execution;
  const run = await bed.run({
    input: options.input ?? {},
    executionName: name,
    mocks: { ...healthyFacts(name), ...failedOverFacts(), ...mocks } as never,
    lambdas: { [PROBER]: prober.handler },
  });
  return { run, prober };
}

const PRECHECKS = ['Dry run requested?', 'Note real run', 'Gather drill facts'];

describe('failover drill workflow', () => {
  it('fails over, measures the downtime, checks the primaries moved and reports', async () => {
    // Act
    const { run, prober } = await runDrill({
      'Describe experiment': [ok(experiment('running')), ok(experiment('completed'))],
    });

    // Assess: the whole path, once per workflow
    expect(run).toHaveSucceeded();
    const topLevel = run.path.filter(
      (state) =>
        ![
          'Describe database',
          'Describe cache',
          'Resolve cache target',
          'List alarms in ALARM',
          'Describe services',
          'List running drills',
          'List experiments',
          'Describe database after',
          'Describe cache after',
          'Describe services after',
          'Describe RDS events',
        ].includes(state),
    );
    expect(topLevel).toEqual([
      ...PRECHECKS,
      'Check preconditions',
      'Preconditions met?',
      'Start experiment',
      'Start measuring',
      'Start polling experiment',
      'Probe downtime',
      'Describe experiment',
      'Count probe window',
      'Experiment finished?',
      'Probe downtime',
      'Describe experiment',
      'Count probe window',
      'Experiment finished?',
      'Note experiment ended',
      'Probe recovery',
      'Gather post-failover facts',
      'Evaluate drill',
      'Drill passed?',
      'Report drill passed',
      'Build drill output',
      'Drill passed',
    ]);
    const start = run.sdkCalls.find((c) => c.state === 'Start experiment');
    expect(start?.parameters).toMatchObject({
      ClientToken: execution,
      Tags: {
        'interactions:managed-by': 'interactions-automation',
        'interactions:environment': 'staging',
        'interactions:execution': execution,
      },
    });
    expect(prober.invocations).toHaveLength(3);
    expect(run.output?.outcome).toBe('completed');
    expect(run.output?.experiment).toEqual({
      id: EXPERIMENT_ID,
      templateId: expect.any(String),
      status: 'completed',
      targetAz: 'us-east-1a',
    });
    expect(run.output?.downtime?.dependencies.database.longestOutageSeconds).toBe(20);
    expect(run.output?.downtime?.dependencies.cache.longestOutageSeconds).toBe(0);
    expect(run.output?.rdsEvents.map((e) => e.eventId)).toEqual(['RDS-EVENT-0013', 'RDS-EVENT-0049']);
    expect(run.output?.summary).toMatch(/database 20 s.*RDS failover started .* \(35 s\)/);
    expect(run.output?.checks.filter((c) => !c.ok)).toEqual([]);
    expect(await bed.report(run)).toMatchObject({ status: 'SUCCEEDED', severity: 'low' });
  });

  it('starts the template of the AZ where the cache primary is', async () => {
    // Prepare: the cache primary is in us-east-1b
    const mocks = {
      'Describe cache': ok(cache('us-east-1b')),
      'Describe cache after': ok(cache('us-east-1a')),
      'Describe experiment': ok(experiment('completed')),
    };

    // Act
    const { run } = await runDrill(mocks);

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.output?.experiment?.targetAz).toBe('us-east-1b');
    const started = run.sdkCalls.find((c) => c.state === 'Start experiment')?.parameters as Record<string, string>;
    const templates = bed.template.findResources('AWS::FIS::ExperimentTemplate');
    const template1b = Object.entries(templates).find(([, r]) => JSON.stringify(r).includes('us-east-1b'))?.[0];
    expect(JSON.stringify(started.ExperimentTemplateId)).toContain(template1b);
  });

  describe('stops cleanly, without failing anything over, when a pre-check fails', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'Multi-AZ is off',
        { 'Describe database': ok(database('us-east-1a', { MultiAZ: false })) },
        /database: .*Multi-AZ is off/,
      ],
      [
        'the database is not available',
        { 'Describe database': ok(database('us-east-1a', { DbInstanceStatus: 'modifying' })) },
        /status is modifying/,
      ],
      [
        'the cache is not available',
        { 'Describe cache': ok(cache('us-east-1a', { Status: 'modifying' })) },
        /cache: .*status is modifying/,
      ],
      [
        'the cache target tags select another group too',
        {
          'Resolve cache target': ok({
            ResourceTagMappingList: [{ ResourceARN: GROUP_ARN }, { ResourceARN: `${GROUP_ARN}-restore` }],
          }),
        },
        /cache-target: .*must select exactly/,
      ],
      [
        'an alarm of the environment is in ALARM',
        {
          'List alarms in ALARM': ok({
            MetricAlarms: [{ AlarmName: 'interactions-staging-api-error-rate' }],
            CompositeAlarms: [],
          }),
        },
        /alarms: in ALARM: interactions-staging-api-error-rate/,
      ],
      [
        'an ECS deployment is in progress',
        {
          'Describe services': ok(
            services({ Deployments: [{ Status: 'PRIMARY', RolloutState: 'IN_PROGRESS' }, { Status: 'ACTIVE' }] }),
          ),
        },
        /services: interactions-staging-backend has a deployment in progress/,
      ],
    ];

    it.each(cases)('%s', async (_name, mocks, reason) => {
      // Act
      const { run, prober } = await runDrill(mocks);

      // Assess
      expect(run).toHaveSucceeded();
      expect(run).toHaveEndedWith('Report pre-check outcome', 'Build pre-check output', 'Stopped before failover');
      expect(run.path).not.toContain('Start experiment');
      expect(prober.invocations).toHaveLength(0);
      expect(run.output?.outcome).toBe('skipped');
      expect(run.output?.summary).toMatch(reason);
      expect(run).toHaveNotified({ status: 'SUCCEEDED', severity: 'medium' });
    });

    it("ignores the automation's own alarms (a drill's dead-man alarm must not block the drill)", async () => {
      // Act
      const { run } = await runDrill({
        'List alarms in ALARM': ok({
          MetricAlarms: [{ AlarmName: 'interactions-staging-failover-drill-no-recent-success' }],
          CompositeAlarms: [],
        }),
        'Describe experiment': ok(experiment('completed')),
      });

      // Assess
      expect(run).toHaveSucceeded();
      expect(run).toHaveEndedWith('Drill passed');
    });

    it('during a change freeze from config', async () => {
      // Prepare: a freeze around now
      const now = Date.now();
      const frozen = bed.variant('frozen', {
        changeFreezes: [
          {
            from: new Date(now - 3_600_000).toISOString(),
            until: new Date(now + 3_600_000).toISOString(),
            reason: 'spring release',
          },
        ],
      });

      // Act
      const run = await frozen.run({
        input: {},
        executionName: execution,
        mocks: { ...healthyFacts(execution) } as never,
        lambdas: { [PROBER]: goodProber().handler },
      });

      // Assess
      expect(run).toHaveSucceeded();
      expect(run.output?.outcome).toBe('skipped');
      expect(run.output?.summary).toMatch(/change-freeze: .*spring release/);
      expect(run.path).not.toContain('Start experiment');
    });
  });

  it('a dry run checks everything and starts nothing', async () => {
    // Act
    const { run, prober } = await runDrill({}, { input: { dryRun: true } });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHaveEndedWith('Stopped before failover');
    expect(run.path).not.toContain('Start experiment');
    expect(prober.invocations).toHaveLength(0);
    expect(run.output?.outcome).toBe('dry-run');
    expect(run.output?.summary).toMatch(/would start template/);
    expect(run).toHaveNotified({ status: 'SUCCEEDED', severity: 'low' });
  });

  describe('duplicate and concurrent starts', () => {
    it('a second drill started while one runs stops cleanly', async () => {
      // Prepare: an older drill is running
      const mocks = {
        'List running drills': ok({
          Executions: [
            { Name: 'drill-first', StartDate: '2026-03-10T09:59:00Z' },
            { Name: 'drill-second', StartDate: '2026-03-10T10:00:00Z' },
          ],
        }),
      };

      // Act
      const { run } = await runDrill(mocks, { name: 'drill-second' });

      // Assess
      expect(run.output?.outcome).toBe('skipped');
      expect(run.output?.summary).toMatch(/concurrency: drill drill-first is already running/);
      expect(run.path).not.toContain('Start experiment');
    });

    it('the older of two concurrent drills goes ahead', async () => {
      // Prepare
      const mocks = {
        'List running drills': ok({
          Executions: [
            { Name: 'drill-first', StartDate: '2026-03-10T09:59:00Z' },
            { Name: 'drill-second', StartDate: '2026-03-10T10:00:00Z' },
          ],
        }),
        'Describe experiment': ok(experiment('completed')),
      };

      // Act
      const { run } = await runDrill(mocks, { name: 'drill-first' });

      // Assess
      expect(run).toHaveSucceeded();
      expect(run.path).toContain('Start experiment');
    });

    it('does not start while an experiment of its templates is still running', async () => {
      // Prepare: the template ids as the state machine passes them to the pre-checks
      const { run: dryRun } = await runDrill({}, { input: { dryRun: true } });
      const precheck = dryRun.lambdaInvocations.find((i) => i.state === 'Check preconditions');
      const { templates } = (precheck?.payload ?? { templates: {} }) as { templates: Record<string, string> };
      const templateIds = Object.values(templates);
      expect(templateIds).toHaveLength(2);
      const mocks = {
        'List experiments': ok({
          Experiments: templateIds.map((id, i) => ({
            Id: `EXPold${i}`,
            ExperimentTemplateId: id,
            State: { Status: 'running' },
          })),
        }),
      };

      // Act
      const { run } = await runDrill(mocks);

      // Assess
      expect(run.output?.outcome).toBe('skipped');
      expect(run.output?.summary).toMatch(/experiment EXPold\d is running/);
    });

    it('the execution name is the client token: a retried start is the same experiment', async () => {
      // Act: the first start attempt is throttled, the retry succeeds
      const { run } = await runDrill({
        'Start experiment': [fail('Fis.FisException', 'Rate exceeded'), ok({ Experiment: { Id: EXPERIMENT_ID } })],
        'Describe experiment': ok(experiment('completed')),
      });

      // Assess
      expect(run).toHaveSucceeded();
      const starts = run.sdkCalls.filter((c) => c.state === 'Start experiment');
      expect(starts).toHaveLength(2);
      expect(new Set(starts.map((c) => (c.parameters as { ClientToken: string }).ClientToken))).toEqual(
        new Set([execution]),
      );
    });
  });

  describe('reports a drill that went wrong', () => {
    it('a stop condition fired: FIS stopped the experiment', async () => {
      // Act
      const { run } = await runDrill({
        'Describe experiment': [
          ok(experiment('running')),
          ok(experiment('stopped', 'Stop condition alarm triggered.')),
        ],
        'Describe database after': ok(database('us-east-1b')),
      });

      // Assess
      expect(run).toHaveFailedWith('ExperimentStoppedError', 'Stop condition alarm triggered');
      expect(run).toHaveEndedWith(
        'Experiment stopped',
        'Experiment running?',
        'Notify failure',
        'Build failure message',
        'Fail',
      );
      // FIS already stopped it: the drill does not stop it again.
      expect(run.path).not.toContain('Stop experiment');
      expect(run).toHaveNotified({ status: 'FAILED' });
    });

    it('FIS failed the experiment', async () => {
      // Act
      const { run } = await runDrill({
        'Describe experiment': ok(experiment('failed', 'Target resolution returned empty set.')),
      });

      // Assess
      expect(run).toHaveFailedWith('ResourceFailedError', 'empty set');
      expect(run).toHaveNotified({ status: 'FAILED' });
    });

    it('post-check failed: the database primary did not move', async () => {
      // Act
      const { run } = await runDrill({
        'Describe experiment': ok(experiment('completed')),
        'Describe database after': ok(database('us-east-1a')),
      });

      // Assess
      expect(run).toHaveFailedWith(
        'VerificationFailedError',
        'database-moved: primary was in us-east-1a, now in us-east-1a',
      );
      expect(run).toHaveNotified({ status: 'FAILED' });
    });

    it('post-check failed: the application still fails after the experiment', async () => {
      // Prepare: the application fails through the end of the recovery window
      const prober = scriptedProber([
        windowSamples('2026-03-10T10:01:00Z', 60),
        windowSamples('2026-03-10T10:02:00Z', 60, { dependency: 'application', from: 30, until: 60 }),
      ]);

      // Act
      const { run } = await runDrill({ 'Describe experiment': ok(experiment('completed')) }, { prober });

      // Assess
      expect(run).toHaveFailedWith('VerificationFailedError', 'still failing at the last probe: application');
    });

    it('stops the experiment it started when the experiment overruns its budget', async () => {
      // Act: 30-minute budget, 60 s windows: 30 polls, always running
      const { run } = await runDrill({
        'Describe experiment': ok(experiment('running')),
        'Stop experiment': ok({ Experiment: { Id: EXPERIMENT_ID } }),
      });

      // Assess
      expect(run).toHaveFailedWith('WaitTimedOutError', 'still running after 30 probe windows');
      expect(run).toHaveEndedWith(
        'Experiment overran',
        'Experiment running?',
        'Stop experiment',
        'Notify failure',
        'Build failure message',
        'Fail',
      );
      expect(run.sdkCalls.find((c) => c.state === 'Stop experiment')?.parameters).toEqual({ Id: EXPERIMENT_ID });
      expect(run.transitions).toBeLessThan(200);
    });

    it('stops the experiment when the prober fails mid-drill', async () => {
      // Act
      const run = await bed.run({
        input: {},
        executionName: execution,
        mocks: {
          ...healthyFacts(execution),
          ...failedOverFacts(),
          'Probe downtime': fail('Lambda.Unknown', 'the prober crashed'),
          'Stop experiment': ok({}),
        } as never,
      });

      // Assess
      expect(run).toHaveFailedWith('Lambda.Unknown');
      expect(run).toHaveEndedWith(
        'Experiment running?',
        'Stop experiment',
        'Notify failure',
        'Build failure message',
        'Fail',
      );
    });

    it('fails and reports when the experiment cannot start', async () => {
      // Act
      const { run } = await runDrill({ 'Start experiment': fail('Fis.ServiceQuotaExceededException') });

      // Assess
      expect(run).toHaveFailedWith('Fis.ServiceQuotaExceededException');
      expect(run.path).not.toContain('Stop experiment');
      expect(run).toHaveNotified({ status: 'FAILED' });
    });
  });
});

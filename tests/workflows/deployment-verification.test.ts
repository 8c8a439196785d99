/**
 * The synthesized deployment verification state machine, run locally on the workflow testbed: the
 * real check-deployment-state, run-deployment-probes, summarize-verification and notify-outcome
 * handlers (reports on the local S3 server, SNS mocked); the probes talk to a real fake application,
 * Redis 7 and PostgreSQL 15; ECS/ELBv2/CloudWatch/Secrets Manager/ElastiCache calls inside the
 * handlers are mocked from the fixtures' shapes, the SSM integration per state.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { readFixture } from '../support/fixtures.js';
import { validateDefinition } from '../support/state-machine-harness.js';
import { sdkParameters, type WorkflowMachine, workflowTestbed } from '../support/workflow-testbed.js';
import {
  OLD_TAGS,
  type ProbeServers,
  publishedTags,
  SECRETS,
  setProbeWorld,
  setWorld,
  startProbeServers,
  stopProbeServers,
  TAGS,
  TARGET_STATES,
  targetGroupArn,
  taskDefinitionArn,
  type WorldOptions,
} from './deployment-verification.fixtures.js';

const ENV = 'dev';
const bed = workflowTestbed({ workflow: 'deployment-verification', env: ENV });
let servers: ProbeServers;
/** The workflow with the probes pointed at the test servers (known once they run). */
let probed: WorkflowMachine<'deployment-verification'>;
beforeAll(async () => {
  servers = await startProbeServers();
  probed = bed.variant('probed', {
    appUrl: servers.app.url,
    cdnUrl: servers.app.url,
    cache: { tls: false, authSecretName: SECRETS.cacheAuth },
  });
}, 60_000);
afterAll(() => stopProbeServers(servers));

const ciRequest = {
  trigger: 'ci',
  requestedBy: 'ci run 42',
  expected: { backendTag: TAGS.backend, frontendTag: TAGS.frontend },
};
const mocks = { 'Read deployed image tags': publishedTags(ENV) };

async function verify(
  world: WorldOptions = {},
  input: Record<string, unknown> = ciRequest,
  missingSecrets: string[] = [],
) {
  setWorld(ENV, world);
  setProbeWorld(servers, missingSecrets);
  return probed.run({ input, executionName: 'cli-verify-1', mocks });
}

const PROBES = ['http:health', 'frontend-assets', 'auth-flow', 'cache', 'database'];

function check(run: Awaited<ReturnType<typeof verify>>, name: string) {
  const found = run.output?.checks.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no check ${name} in ${JSON.stringify(run.output)}`);
  return found;
}

describe('definition', () => {
  it('is valid ASL', () => {
    expect(() => validateDefinition(bed.sm.definition)).not.toThrow();
  });

  it('runs the check groups as branches of one Parallel state', () => {
    const parallel = bed.sm.definition.States['Run checks in parallel'];
    expect(parallel?.Type).toBe('Parallel');
    expect(parallel?.Branches).toHaveLength(2);
  });

  it('starts a drift run after ECS deployments of the environment cluster complete or fail', () => {
    bed.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        detail: { eventName: ['SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] },
        resources: [{ prefix: Match.objectLike({}) }],
      },
    });
  });
});

describe('a healthy deployment', () => {
  it('passes every check, files the report quietly and returns the verdict', async () => {
    // Act
    const run = await verify();

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.path).toEqual([
      'Delivered by an event?',
      'Keep the request',
      'Read deployed image tags',
      'Run checks in parallel',
      'Check deployment state',
      'Run probes',
      'Deployment state checked',
      'Probes checked',
      'Summarize verdict',
      'Any check failed?',
      'Report passed checks',
      'Build output',
      'Deployment checked',
    ]);
    expect(run.output?.verdict).toBe('passed');
    expect(run.output?.checks.map((c) => [c.name, c.status])).toEqual([
      ['ecs-deployment', 'pass'],
      ['alb-targets', 'pass'],
      ['cloudwatch-alarms', 'pass'],
      ['monitoring-metrics', 'pass'],
      ...PROBES.map((name) => [name, 'pass']),
    ]);
    expect(run).toHaveNotified({ status: 'SUCCEEDED', publish: false });
    expect(bed.published()).toEqual([]);
    const report = await bed.report(run);
    expect(report.details).toMatchObject({
      verdict: 'passed',
      request: { trigger: 'ci', expected: ciRequest.expected },
    });
  });

  it('verifies against the published tags when none are expected (drift)', async () => {
    const run = await verify({}, { trigger: 'drift' });
    expect(run.output?.verdict).toBe('passed');
    expect(check(run, 'ecs-deployment').finding).toContain(TAGS.backend);
  });
});

describe('each failing deployment-state check fails the verdict and notifies the failure severity (dev: low)', () => {
  it.each<[string, WorldOptions, string, string]>([
    ['an old image tag', { running: { backend: OLD_TAGS.backend } }, 'ecs-deployment', `image tag ${OLD_TAGS.backend}`],
    [
      'a rollout still in progress',
      { primary: { frontend: { rolloutState: 'IN_PROGRESS', runningCount: 1 } } },
      'ecs-deployment',
      'rollout IN_PROGRESS',
    ],
    ['an unhealthy target', { backendTargets: TARGET_STATES.unhealthy }, 'alb-targets', 'unhealthy (Target.Timeout)'],
    ['an unused target', { backendTargets: TARGET_STATES.unused }, 'alb-targets', 'unused'],
    ['a target still registering', { backendTargets: TARGET_STATES.initial }, 'alb-targets', 'initial'],
    [
      'an alarm in ALARM',
      { firing: ['interactions-dev-api-error-rate'] },
      'cloudwatch-alarms',
      'interactions-dev-api-error-rate',
    ],
    ['a metric without datapoints', { silentMetricIds: ['m2'] }, 'monitoring-metrics', 'database CPU'],
  ])('%s', async (_, world, name, finding) => {
    // Act
    const run = await verify(world);

    // Assess
    expect(run).toHaveSucceeded();
    expect(run).toHaveEndedWith('Report failed checks', 'Build output', 'Deployment checked');
    expect(run.output?.verdict).toBe('failed');
    expect(check(run, name)).toMatchObject({ status: 'fail', finding: expect.stringContaining(finding) });
    expect(run.output?.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual([name]);
    expect(run).toHaveNotified({ status: 'FAILED', severity: 'low', error: 'DeploymentVerificationFailed' });
    expect(bed.published()[0]?.TopicArn).toBe(bed.topics.low);
  });

  it('ignores the automation workflows own alarms', async () => {
    const run = await verify({ firing: ['interactions-dev-recovery-test-executions-failed'] });
    expect(check(run, 'cloudwatch-alarms').status).toBe('pass');
  });

  it('fails a task definition other than the one the hook expects', async () => {
    const run = await verify(
      {},
      { trigger: 'lifecycle-hook', expected: { backendTaskDefinition: taskDefinitionArn('backend', 9) } },
    );
    expect(check(run, 'ecs-deployment').finding).toContain(`expected ${taskDefinitionArn('backend', 9)}`);
  });
});

describe('each failing probe fails the verdict', () => {
  afterEach(() => servers.app.reset());

  it.each<[string, () => Promise<void> | void, string, string]>([
    ['the application is down', () => servers.app.goDown(), 'http:health', 'refused'],
    ['the health path answers 503', () => servers.app.set({ status: 503 }), 'http:health', '503'],
    [
      'index.html is cacheable',
      () => servers.app.set({ indexCacheControl: 'public, max-age=600' }),
      'frontend-assets',
      'max-age=600',
    ],
    [
      'the login refuses the synthetic user',
      () => servers.app.set({ credentials: { username: 'someone-else', password: 'x' } }),
      'auth-flow',
      '401',
    ],
  ])('%s', async (_, breakIt, name, finding) => {
    // Prepare
    await breakIt();

    // Act
    const run = await verify();

    // Assess
    expect(run.output?.verdict).toBe('failed');
    expect(check(run, name)).toMatchObject({ status: 'fail', finding: expect.stringContaining(finding) });
    expect(check(run, 'ecs-deployment').status).toBe('pass');
  });

  it('fails the cache and the database checks when their servers do not answer', async () => {
    await servers.redis.stop();
    await servers.postgres.kill();
    try {
      const run = await verify();
      expect(check(run, 'cache').status).toBe('fail');
      expect(check(run, 'database').status).toBe('fail');
      expect(check(run, 'http:health').status).toBe('pass');
    } finally {
      await servers.redis.restart();
      await servers.postgres.start();
    }
  });

  it('skips the auth flow when the login secret does not exist, and still passes', async () => {
    const run = await verify({}, ciRequest, [SECRETS.login]);
    expect(check(run, 'auth-flow')).toMatchObject({
      status: 'skipped',
      finding: expect.stringContaining(SECRETS.login),
    });
    expect(run.output?.verdict).toBe('passed');
  });

  it('probes the target URL of the request (a test listener) instead of the environment URL', async () => {
    const run = await verify({}, { ...ciRequest, targetUrl: 'http://127.0.0.1:9' });
    expect(check(run, 'http:health').status).toBe('fail');
  });
});

describe('a rolled-back deployment', () => {
  it('fails even though the service is steady again, naming the rollback', async () => {
    // Prepare: the circuit breaker rolled back to the old revision, which is COMPLETED and steady.
    const world: WorldOptions = {
      running: { backend: OLD_TAGS.backend },
      events: {
        backend: [
          {
            id: 'e1',
            createdAt: new Date(),
            message: '(service interactions-dev-backend) rolling back to deployment ecs-svc/backend-old.',
          },
        ],
      },
    };

    // Act
    const run = await verify(world);

    // Assess
    expect(run.output?.verdict).toBe('failed');
    const backend = check(run, 'ecs-deployment');
    expect(backend.finding).toContain('stabilised only by rolling back');
    expect(backend.finding).toContain(`expected ${TAGS.backend}`);
  });
});

describe('deadlines', () => {
  it('fails a check that overruns its own timeout, and keeps the others', async () => {
    // A 1 s check budget against an ECS API that answers after 1.5 s.
    const fast = bed.variant('fast', {
      appUrl: servers.app.url,
      cdnUrl: servers.app.url,
      cache: { tls: false, authSecretName: SECRETS.cacheAuth },
      checkTimeoutSeconds: 1,
    });
    setWorld(ENV, { describeDelayMs: 1500 });
    setProbeWorld(servers);
    const run = await fast.run({ input: ciRequest, executionName: 'cli-verify-slow', mocks });
    expect(run.output?.verdict).toBe('failed');
    expect(check(run, 'ecs-deployment')).toMatchObject({
      status: 'fail',
      finding: expect.stringContaining('timed out after 1000 ms'),
    });
    expect(check(run, 'cloudwatch-alarms').status).toBe('pass');
  });

  it('reports a check group whose Lambda never answered as one failed check', async () => {
    setWorld(ENV);
    setProbeWorld(servers);
    const run = await probed.run({
      input: ciRequest,
      executionName: 'cli-verify-timeout',
      mocks: { ...mocks, 'Check deployment state': { Throw: { Error: 'States.Timeout', Cause: 'task timed out' } } },
    });
    expect(run).toHaveSucceeded();
    expect(run).toHaveEndedWith('Report failed checks', 'Build output', 'Deployment checked');
    expect(run.output?.checks[0]).toEqual({
      name: 'deployment-state',
      status: 'fail',
      durationMs: 0,
      finding: 'the checks did not finish: States.Timeout: task timed out',
    });
    // The other group still reports.
    expect(run.output?.checks.slice(1).map((c) => c.status)).toEqual(PROBES.map(() => 'pass'));
  });

  it('fails and notifies when it cannot check at all', async () => {
    setWorld(ENV);
    setProbeWorld(servers);
    const run = await probed.run({
      input: ciRequest,
      executionName: 'cli-verify-broken',
      mocks: { 'Read deployed image tags': { Throw: { Error: 'Ssm.AccessDeniedException', Cause: 'denied' } } },
    });
    expect(run).toHaveFailedWith('Ssm.AccessDeniedException');
    expect(run).toHaveNotified({ status: 'FAILED' });
  });
});

describe('input', () => {
  it('rejects an image tag of the wrong component before any check', async () => {
    setWorld(ENV);
    setProbeWorld(servers);
    const run = await probed.run({
      input: { trigger: 'ci', expected: { backendTag: TAGS.frontend } },
      executionName: 'cli-verify-bad',
      mocks,
    });
    expect(run).toHaveFailedWith('ValidationError', 'expected.backendTag');
  });

  it('checks the target groups the hook names instead of the services', async () => {
    setWorld(ENV, { backendTargets: TARGET_STATES.unhealthy });
    setProbeWorld(servers);
    const run = await probed.run({
      input: { trigger: 'lifecycle-hook', targetGroupArns: [targetGroupArn('frontend')] },
      executionName: 'hook-1',
      mocks,
    });
    expect(check(run, 'alb-targets').status).toBe('pass');
  });
});

describe('drift check', () => {
  const deploymentCompleted = readFixture<{ id: string }>('ecs-deployment-state-change-COMPLETED.awsdocs.json');

  it('runs on the configured schedule and after ECS deployments, both handing the event over', () => {
    // Assess
    const rules = Object.values(bed.template.findResources('AWS::Events::Rule')) as {
      Properties: { ScheduleExpression?: string; Targets: { Input?: string; InputTransformer?: unknown }[] };
    }[];
    expect(rules.map((r) => r.Properties.ScheduleExpression).filter(Boolean)).toEqual(['rate(6 hours)']);
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(JSON.stringify(rule.Properties.Targets[0])).toContain('deliveredEvent');
  });

  it('starts a drift run named from the ECS event id, with the event as its request', async () => {
    // Act
    const run = await bed.run({
      input: { deliveredEvent: deploymentCompleted },
      executionName: 'delivery-1',
      mocks: { 'Start drift run named from the event': { Return: { ExecutionArn: 'arn:x', StartDate: 0 } } },
    });

    // Assess
    expect(run).toHaveEndedWith('Start drift run named from the event', 'Handed over');
    const start = sdkParameters<{ Name: string; Input: Record<string, unknown> }>(
      run,
      'Start drift run named from the event',
    );
    expect(start.Name).toBe(`drift-${deploymentCompleted.id}`);
    expect(start.Input).toMatchObject({ trigger: 'drift', event: deploymentCompleted });
  });

  it('ends without a second run when the event is delivered twice', async () => {
    const run = await bed.run({
      input: { deliveredEvent: deploymentCompleted },
      executionName: 'delivery-2',
      mocks: {
        'Start drift run named from the event': {
          Throw: { Error: 'StepFunctions.ExecutionAlreadyExistsException', Cause: 'exists' },
        },
      },
    });
    expect(run).toHaveSucceeded();
    expect(run).toHaveEndedWith('Skip duplicate delivery');
  });

  it('runs the checks when started with the drift request the hand-over builds', async () => {
    const run = await verify(
      {},
      { trigger: 'drift', requestedBy: 'ECS Deployment State Change x', event: deploymentCompleted },
    );
    expect(run.output).toMatchObject({ verdict: 'passed', trigger: 'drift' });
  });
});

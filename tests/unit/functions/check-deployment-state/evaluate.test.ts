/** The pure deployment-state checks: ECS, ALB target health, alarms, key metrics. */
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { evaluateAlarms } from '../../../../functions/check-deployment-state/alarms.js';
import { evaluateService, imageTag, rollbackEvidence } from '../../../../functions/check-deployment-state/ecs.js';
import { evaluateTargetHealth } from '../../../../functions/check-deployment-state/load-balancer.js';
import { evaluateMetrics, type KeyMetric } from '../../../../functions/check-deployment-state/metrics.js';
import { readFixture } from '../../../support/fixtures.js';

const TAG = 'backend-2.0.1-prod-a7b3c9d';
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-prod-backend:8';
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/interactions-prod-backend:${TAG}`;
const CREATED = new Date('2025-06-01T10:00:00Z');

function service(primary: Partial<Deployment> = {}, extra: Partial<Service> = {}): Service {
  return {
    serviceName: 'interactions-prod-backend',
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: TASK_DEFINITION,
        rolloutState: 'COMPLETED',
        desiredCount: 2,
        runningCount: 2,
        createdAt: CREATED,
        ...primary,
      },
    ],
    events: [],
    ...extra,
  };
}
const expected = { component: 'backend', imageTag: TAG } as const;

describe('evaluateService (ECS)', () => {
  it('passes a completed deployment of the expected tag and task definition', () => {
    const verdict = evaluateService(service(), [IMAGE], { ...expected, taskDefinition: TASK_DEFINITION });
    expect(verdict).toEqual({
      status: 'pass',
      finding: `interactions-prod-backend runs ${TAG} (${TASK_DEFINITION}), rollout COMPLETED, 2/2 tasks`,
    });
  });

  it.each<[string, Partial<Deployment>, string[], string]>([
    [
      'another image tag',
      {},
      [IMAGE.replace(TAG, 'backend-2.0.0-prod-0123abc')],
      'image tag backend-2.0.0-prod-0123abc',
    ],
    ['an untagged image', {}, ['repo@sha256:abc'], 'none of no tagged image'],
    ['a rollout in progress', { rolloutState: 'IN_PROGRESS' }, [IMAGE], 'rollout IN_PROGRESS'],
    ['fewer running than desired', { runningCount: 1 }, [IMAGE], 'running 1 of 2 desired tasks'],
  ])('fails %s', (_, primary, images, finding) => {
    const verdict = evaluateService(service(primary), images, expected);
    expect(verdict.status).toBe('fail');
    expect(verdict.finding).toContain(finding);
  });

  it('fails another task definition than the expected one', () => {
    const verdict = evaluateService(service(), [IMAGE], {
      ...expected,
      taskDefinition: `${TASK_DEFINITION.slice(0, -1)}9`,
    });
    expect(verdict.finding).toContain(`PRIMARY runs ${TASK_DEFINITION}, expected`);
  });

  it('fails a missing service or a service without PRIMARY deployment', () => {
    expect(evaluateService(undefined, [], expected)).toEqual({ status: 'fail', finding: 'service not found' });
    expect(evaluateService(service({ status: 'ACTIVE' }), [IMAGE], expected).finding).toContain(
      'no PRIMARY deployment',
    );
  });

  it('accepts a rollout in progress for the lifecycle hook, never a failed one', () => {
    const hook = { ...expected, rolloutInProgressAllowed: true };
    expect(evaluateService(service({ rolloutState: 'IN_PROGRESS' }), [IMAGE], hook).status).toBe('pass');
    expect(evaluateService(service({ rolloutState: 'FAILED' }), [IMAGE], hook).status).toBe('fail');
  });

  it('reads a service without rollout state (no circuit breaker) as done only with one deployment left', () => {
    const steady = service({ rolloutState: undefined });
    expect(evaluateService(steady, [IMAGE], expected).status).toBe('pass');
    const two = service({ rolloutState: undefined }, {});
    two.deployments?.push({ id: 'ecs-svc/0', status: 'ACTIVE', runningCount: 1 });
    expect(evaluateService(two, [IMAGE], expected).finding).toContain('still in progress');
  });
});

describe('rollbackEvidence', () => {
  const primary = service().deployments?.[0] as Deployment;

  it('finds a failed deployment, a rollback reason, or a rollback event since the deployment started', () => {
    expect(
      rollbackEvidence(
        service(
          {},
          {
            deployments: [
              primary,
              {
                id: 'ecs-svc/2',
                rolloutState: 'FAILED',
                rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
              },
            ],
          },
        ),
        primary,
      ),
    ).toContain('deployment ecs-svc/2 FAILED (ECS deployment circuit breaker');
    expect(
      rollbackEvidence(service(), {
        ...primary,
        rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/0.',
      }),
    ).toContain('rolling back');
    const event = {
      id: 'e',
      createdAt: new Date(CREATED.getTime() + 60_000),
      message: '(service x) rolling back to deployment ecs-svc/0.',
    };
    expect(rollbackEvidence(service({}, { events: [event] }), primary)).toContain('service event');
  });

  it('ignores a rollback from before the PRIMARY deployment started', () => {
    const old = {
      id: 'e',
      createdAt: new Date(CREATED.getTime() - 60_000),
      message: '(service x) rolling back to deployment ecs-svc/0.',
    };
    expect(rollbackEvidence(service({}, { events: [old] }), primary)).toBeUndefined();
  });
});

describe('imageTag', () => {
  it.each([
    [IMAGE, TAG],
    ['localhost:5000/repo:v1', 'v1'],
    ['localhost:5000/repo', undefined],
    ['repo:v2@sha256:abc', 'v2'],
  ])('%s -> %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('evaluateTargetHealth (ALB)', () => {
  const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/backend-tg/0123456789abcdef';
  const targets = (file: string) =>
    readFixture<{ TargetHealthDescriptions: TargetHealthDescription[] }>(file).TargetHealthDescriptions;

  it('passes when every target is healthy', () => {
    const verdict = evaluateTargetHealth([
      { targetGroupArn: arn, targets: targets('elbv2-describe-target-health-two-healthy.awscli-example.json') },
    ]);
    expect(verdict).toEqual({ status: 'pass', finding: '2 targets healthy in backend-tg' });
  });

  it.each([
    ['elbv2-describe-target-health-unhealthy-Timeout.awscli-example.json', 'unhealthy (Target.Timeout)'],
    ['elbv2-describe-target-health-unused-NotInUse.awscli-example.json', 'unused (Target.NotInUse)'],
    [
      'elbv2-describe-target-health-initial-RegistrationInProgress.awscli-example.json',
      'initial (Elb.RegistrationInProgress)',
    ],
  ])('fails %s', (file, finding) => {
    const verdict = evaluateTargetHealth([{ targetGroupArn: arn, targets: targets(file) }]);
    expect(verdict.status).toBe('fail');
    expect(verdict.finding).toContain(finding);
  });

  it('fails an empty target group and no target group at all', () => {
    expect(evaluateTargetHealth([{ targetGroupArn: arn, targets: [] }]).finding).toContain(
      'backend-tg: no registered targets',
    );
    expect(evaluateTargetHealth([])).toEqual({ status: 'fail', finding: 'no target group to check' });
  });
});

describe('evaluateAlarms', () => {
  it('passes with none firing, fails naming each alarm and its reason', () => {
    expect(evaluateAlarms([], 'interactions-prod-').status).toBe('pass');
    expect(
      evaluateAlarms([{ name: 'interactions-prod-api-5xx', reason: 'Threshold Crossed' }], 'interactions-prod-'),
    ).toEqual({
      status: 'fail',
      finding: '1 in ALARM: interactions-prod-api-5xx (Threshold Crossed)',
    });
  });

  it('reports but does not fail on blue/green test traffic: the alarm describes the release being replaced', () => {
    const outcome = evaluateAlarms(
      [{ name: 'interactions-prod-database-cpu', reason: 'Threshold Crossed' }],
      'interactions-prod-',
      true,
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.finding).toMatch(
      /^1 in ALARM on production traffic, not gating the new revision .*interactions-prod-database-cpu/,
    );
  });
});

describe('evaluateMetrics', () => {
  const metric = (label: string): KeyMetric => ({
    label,
    namespace: 'AWS/ECS',
    metricName: 'CPUUtilization',
    dimensions: {},
    statistic: 'SampleCount',
  });

  it('fails naming the metrics without datapoints', () => {
    const verdict = evaluateMetrics(
      [metric('backend CPU'), metric('frontend CPU')],
      [
        { Id: 'm0', Values: [3] },
        { Id: 'm1', Values: [] },
      ],
      10,
    );
    expect(verdict).toEqual({ status: 'fail', finding: 'no datapoints in the last 10 min: frontend CPU' });
  });

  it('passes when each has one, and is skipped without key metrics', () => {
    expect(evaluateMetrics([metric('a')], [{ Id: 'm0', Values: [1] }], 5).status).toBe('pass');
    expect(evaluateMetrics([], [], 5).status).toBe('skipped');
  });
});

/**
 * Per-target-group metrics on the real platform stack: with blue/green, production traffic moves
 * between each service's two target groups with every deployment, so the healthy-tasks and API
 * error-rate alarms and the request-count scaling policy sum both groups' counts; alarm names,
 * thresholds, periods and severities stay those of the seed's alert table. dev (rolling) keeps one
 * target group per alarm and the predefined ALBRequestCountPerTarget.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { PlatformStack } from '../../infra/stacks/platform-stack.js';
import { testApp } from '../support/cdk-app.js';

interface AlarmMetric {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> }; Period: number };
}

function platform(env: EnvironmentName) {
  const config = loadConfig(env);
  const stack = new PlatformStack(testApp(), `interactions-${env}-platform`, {
    config,
    env: { region: config.region },
  });
  return { stack, config, template: Template.fromStack(stack) };
}
const built = { dev: platform('dev'), prod: platform('prod') };

function alarm(env: 'dev' | 'prod', name: string): Record<string, unknown> {
  const found = Object.values(
    built[env].template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: `interactions-${env}-${name}` },
    }),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties as Record<string, unknown>;
}

/** Logical id of each target group the alarm's metrics read, by metric name, sorted. */
function targetGroupsRead(properties: Record<string, unknown>): Record<string, string[]> {
  const read: Record<string, string[]> = {};
  for (const metric of properties.Metrics as AlarmMetric[]) {
    if (metric.MetricStat === undefined) continue;
    const dimension = metric.MetricStat.Metric.Dimensions.find((d) => d.Name === 'TargetGroup');
    const ref = dimension?.Value as { 'Fn::GetAtt': [string, string] };
    const name = metric.MetricStat.Metric.MetricName;
    read[name] = [...(read[name] ?? []), ref['Fn::GetAtt'][0]].sort();
  }
  return read;
}

function logicalId(env: 'dev' | 'prod', group: elbv2.IApplicationTargetGroup | undefined): string {
  if (group === undefined) throw new Error(`${env} has no such target group`);
  return built[env].stack.getLogicalId(group.node.defaultChild as CfnElement);
}

function expression(properties: Record<string, unknown>): string | undefined {
  return (properties.Metrics as AlarmMetric[]).find((m) => m.ReturnData !== false && m.Expression)?.Expression;
}

describe('prod (blue/green): the deployment alarms read both target groups of a service', () => {
  const compute = built.prod.stack.compute;

  it.each(['frontend', 'backend'] as const)(
    'ecs-%s-healthy-tasks sums healthy and unhealthy tasks of both groups',
    (service) => {
      // Prepare
      const both = [
        logicalId('prod', service === 'frontend' ? compute.frontendTargetGroup : compute.backendTargetGroup),
        logicalId('prod', compute.alternateTargetGroups?.[service]),
      ].sort();

      // Act
      const properties = alarm('prod', `ecs-${service}-healthy-tasks`);

      // Assess
      expect(targetGroupsRead(properties)).toEqual({ HealthyHostCount: both, UnHealthyHostCount: both });
      expect(expression(properties)).toBe(
        '100 * (FILL(healthy, 0) + FILL(healthyAlt, 0)) / ((FILL(healthy, 0) + FILL(healthyAlt, 0)) + FILL(unhealthy, 0) + FILL(unhealthyAlt, 0))',
      );
      const rule = built.prod.config.monitoring.alarms.ecsHealthyTasksPercent;
      expect(properties).toMatchObject({
        Threshold: rule.threshold,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    },
  );

  it('api-error-rate is the percentage of the summed 5xx and request counts of both backend groups', () => {
    // Prepare
    const both = [
      logicalId('prod', compute.backendTargetGroup),
      logicalId('prod', compute.alternateTargetGroups?.backend),
    ].sort();

    // Act
    const properties = alarm('prod', 'api-error-rate');

    // Assess
    expect(targetGroupsRead(properties)).toEqual({ HTTPCode_Target_5XX_Count: both, RequestCount: both });
    expect(expression(properties)).toBe(
      '100 * (FILL(errors, 0) + FILL(errorsAlt, 0)) / (FILL(requests, 0) + FILL(requestsAlt, 0))',
    );
    const rule = built.prod.config.monitoring.alarms.apiErrorRatePercent;
    expect(properties).toMatchObject({
      Threshold: rule.threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('keeps the periods and evaluation windows of dev, where each alarm reads one group', () => {
    for (const name of ['ecs-frontend-healthy-tasks', 'ecs-backend-healthy-tasks', 'api-error-rate']) {
      const window = (env: 'dev' | 'prod') => {
        const properties = alarm(env, name);
        const periods = (properties.Metrics as AlarmMetric[]).flatMap((m) =>
          m.MetricStat ? [m.MetricStat.Period] : [],
        );
        return {
          periods: [...new Set(periods)],
          evaluationPeriods: properties.EvaluationPeriods,
          datapointsToAlarm: properties.DatapointsToAlarm,
          severityTopics: (properties.AlarmActions as unknown[]).length,
        };
      };
      expect({ name, ...window('prod') }).toEqual({ name, ...window('dev') });
    }
  });
});

describe('dev (rolling): each deployment alarm reads the service’s one target group', () => {
  it.each([
    ['ecs-frontend-healthy-tasks', 'frontend'],
    ['ecs-backend-healthy-tasks', 'backend'],
    ['api-error-rate', 'backend'],
  ] as const)('%s', (name, service) => {
    const compute = built.dev.stack.compute;
    const one = [logicalId('dev', service === 'frontend' ? compute.frontendTargetGroup : compute.backendTargetGroup)];
    const read = targetGroupsRead(alarm('dev', name));
    for (const groups of Object.values(read)) expect(groups).toEqual(one);
  });
});

describe('request-count scaling', () => {
  /** The `<service>-requests` target-tracking configuration of an environment. */
  function requestPolicy(env: 'dev' | 'prod', service: 'frontend' | 'backend'): Record<string, unknown> {
    const found = Object.values(
      built[env].template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
        Properties: { PolicyName: `interactions-${env}-${service}-requests` },
      }),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties.TargetTrackingScalingPolicyConfiguration as Record<string, unknown>;
  }

  it.each(['frontend', 'backend'] as const)('prod %s: requests per healthy target of both groups', (service) => {
    // Prepare
    const compute = built.prod.stack.compute;
    const both = [
      logicalId('prod', service === 'frontend' ? compute.frontendTargetGroup : compute.backendTargetGroup),
      logicalId('prod', compute.alternateTargetGroups?.[service]),
    ].sort();
    const rule = built.prod.config.compute.scaling.requestsPerTargetPerMinute;

    // Act
    const configuration = requestPolicy('prod', service);

    // Assess
    expect(configuration).toMatchObject({
      TargetValue: rule.scaleOutAbove,
      ScaleInCooldown: rule.cooldownSeconds,
      ScaleOutCooldown: rule.cooldownSeconds,
    });
    expect(configuration).not.toHaveProperty('PredefinedMetricSpecification');
    const specification = configuration.CustomizedMetricSpecification as { Metrics: AlarmMetric[] };
    expect(Object.keys(specification)).toEqual(['Metrics']);
    expect(targetGroupsRead({ Metrics: specification.Metrics })).toEqual({
      RequestCount: both,
      HealthyHostCount: both,
    });
    expect(specification.Metrics.filter((m) => m.ReturnData !== false)).toEqual([
      expect.objectContaining({
        Expression: '(FILL(requests, 0) + FILL(requestsAlt, 0)) / (FILL(healthy, 0) + FILL(healthyAlt, 0))',
      }),
    ]);
  });

  it('dev keeps the predefined ALBRequestCountPerTarget of the one target group', () => {
    expect(requestPolicy('dev', 'backend')).toMatchObject({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' },
    });
  });
});

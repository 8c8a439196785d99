/**
 * The deployment-state checks (ECS, ALB targets, alarms, monitoring) as checks for the shared runner
 * (shared/probes/check.ts). DescribeServices is read once and shared: the ECS check and the ALB
 * check (which finds the services' target groups in it) start at once and wait for the same answer.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { type Environment, names } from '../../shared/naming.js';
import type { Check, CheckOutcome } from '../../shared/probes/check.js';
import { CHECK_NAMES } from '../../shared/probes/suite.js';
import {
  COMPONENTS,
  type Component,
  type DeploymentVerificationRequest,
} from '../../workflows/deployment-verification/contract.js';
import { evaluateAlarms } from './alarms.js';
import { evaluateService } from './ecs.js';
import type { DeploymentFacts } from './facts.js';
import { evaluateTargetHealth } from './load-balancer.js';
import { evaluateMetrics, type KeyMetric } from './metrics.js';

/** Settings of the checks, from the construct's props. */
export interface DeploymentStatePolicy {
  readonly alarmPrefix: string;
  readonly ignoredAlarmPrefixes: readonly string[];
  readonly keyMetrics: readonly KeyMetric[];
  readonly metricWindowMinutes: number;
  readonly checkTimeoutSeconds: number;
}

/** Everything the checks are built from. */
export interface DeploymentStateContext {
  readonly env: Environment;
  readonly request: DeploymentVerificationRequest;
  /** Tags the platform published (Parameter Store), used where the request expects none. */
  readonly deployedTags: Partial<Record<Component, string>>;
  readonly policy: DeploymentStatePolicy;
  readonly facts: DeploymentFacts;
  readonly now: Date;
}

function expectedFor(context: DeploymentStateContext, component: Component) {
  const { expected } = context.request;
  return {
    imageTag: component === 'backend' ? expected.backendTag : expected.frontendTag,
    taskDefinition: component === 'backend' ? expected.backendTaskDefinition : expected.frontendTaskDefinition,
    deployedTag: context.deployedTags[component],
  };
}

/** The services' target groups (DescribeServices `loadBalancers`), in service order, without repeats. */
function serviceTargetGroups(services: ReadonlyMap<string, Service>): string[] {
  const arns = [...services.values()].flatMap((s) => (s.loadBalancers ?? []).map((lb) => lb.targetGroupArn));
  return [...new Set(arns.filter((arn): arn is string => arn !== undefined))];
}

/** The Checks of this run. */
export function deploymentStateChecks(context: DeploymentStateContext): Check[] {
  const { env, facts, policy } = context;
  const timeoutMs = policy.checkTimeoutSeconds * 1000;
  const cluster = names.cluster(env);
  const serviceNames = COMPONENTS.map((c) => names.service(env, c));
  let described: Promise<Map<string, Service>> | undefined;
  // Shared by four checks; started by the first, with its own signal so one check's timeout does not abort the others' read.
  const services = () => {
    described ??= facts.services(cluster, serviceNames, new AbortController().signal);
    return described;
  };

  const ecsService = async (component: Component, signal: AbortSignal): Promise<CheckOutcome> => {
    const expected = expectedFor(context, component);
    const imageTag = expected.imageTag ?? expected.deployedTag;
    if (imageTag === undefined) {
      return {
        status: 'fail',
        finding: `no expected ${component} tag: none given and ${names.parameterPrefix(env)}/images/${component}-tag not readable`,
      };
    }
    const service = (await services()).get(names.service(env, component));
    const primary = service?.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition;
    const images = primary === undefined ? [] : await facts.taskDefinitionImages(primary, signal);
    return evaluateService(service, images, {
      component,
      imageTag,
      taskDefinition: expected.taskDefinition,
      rolloutInProgressAllowed: context.request.trigger === 'lifecycle-hook',
    });
  };
  // One check for both services (the name the report, JUnit and --local share); each service's finding is kept.
  const ecs: Check = {
    name: CHECK_NAMES.ecsDeployment,
    timeoutMs,
    run: async (signal) => {
      const outcomes = await Promise.all(COMPONENTS.map((component) => ecsService(component, signal)));
      const failed = outcomes.filter((o) => o.status === 'fail');
      return {
        status: failed.length > 0 ? 'fail' : 'pass',
        finding: (failed.length > 0 ? failed : outcomes).map((o) => o.finding).join(' | '),
      };
    },
  };

  const alb: Check = {
    name: CHECK_NAMES.albTargets,
    timeoutMs,
    run: async (signal) => {
      const arns = context.request.targetGroupArns ?? serviceTargetGroups(await services());
      return evaluateTargetHealth(await facts.targetHealth(arns, signal));
    },
  };
  const alarms: Check = {
    name: CHECK_NAMES.alarms,
    timeoutMs,
    run: async (signal) => {
      const firing = await facts.firingAlarms(policy.alarmPrefix, signal);
      const platform = firing.filter((a) => !policy.ignoredAlarmPrefixes.some((prefix) => a.name.startsWith(prefix)));
      return evaluateAlarms(platform, policy.alarmPrefix, context.request.trigger === 'lifecycle-hook');
    },
  };
  const monitoring: Check = {
    name: CHECK_NAMES.monitoring,
    timeoutMs,
    run: async (signal) => {
      if (policy.keyMetrics.length === 0) return evaluateMetrics([], [], policy.metricWindowMinutes);
      const results = await facts.metricData(policy.keyMetrics, policy.metricWindowMinutes, context.now, signal);
      return evaluateMetrics(policy.keyMetrics, results, policy.metricWindowMinutes);
    },
  };
  return [ecs, alb, alarms, monitoring];
}

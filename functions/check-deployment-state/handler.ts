/**
 * The deployment-state checks of the deployment verification (ECS, ALB, alarms, monitoring), run at
 * once by the runner, each under its own timeout. A failed check is a result, not an error: the task
 * fails only for a malformed input or a bad configuration.
 */
import { cloudWatchClient } from '../../shared/clients/cloudwatch.js';
import { ecsClient } from '../../shared/clients/ecs.js';
import { elbv2Client } from '../../shared/clients/elbv2.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { runChecks } from '../../shared/probes/check.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { deploymentVerificationInputSchema } from '../../workflows/deployment-verification/contract.js';
import { type DeploymentStateContext, deploymentStateChecks } from './checks.js';
import { sdkDeploymentFacts } from './facts.js';
import { keyMetricSchema } from './metrics.js';

/** A Parameter Store parameter as the SSM GetParameters integration returns it. */
const parameterSchema = z.object({ Name: z.string(), Value: z.string() });

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  /** The execution's input, as it was started. */
  request: deploymentVerificationInputSchema,
  /** The published image tag parameters (`/interactions/<env>/images/<component>-tag`). */
  deployedTags: z._default(z.array(parameterSchema), []),
  policy: z.object({
    alarmPrefix: z.string().check(z.minLength(1)),
    /** The automation's own alarms (`interactions-<env>-<workflow>-*`): a failed drill is not a failed deployment. */
    ignoredAlarmPrefixes: z._default(z.array(z.string().check(z.minLength(1))), []),
    keyMetrics: z.array(keyMetricSchema),
    metricWindowMinutes: z.number().check(z.int(), z.positive()),
    checkTimeoutSeconds: z.number().check(z.positive()),
  }),
});

/** `{ backend, frontend }` from the published parameters, by name suffix. */
function deployedTags(parameters: readonly { Name: string; Value: string }[]): DeploymentStateContext['deployedTags'] {
  const byComponent = (component: string) => parameters.find((p) => p.Name.endsWith(`/images/${component}-tag`))?.Value;
  return { backend: byComponent('backend'), frontend: byComponent('frontend') };
}

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ ecs: ecsClient, elbv2: elbv2Client, cloudWatch: cloudWatchClient }),
  handler: async (input, { settings, clients, clock }) => {
    const specs = deploymentStateChecks({
      env: settings.ENVIRONMENT,
      request: input.request,
      deployedTags: deployedTags(input.deployedTags),
      policy: input.policy,
      facts: sdkDeploymentFacts(clients.ecs(), clients.elbv2(), clients.cloudWatch()),
      now: clock(),
    });
    const checks = await runChecks(specs);
    logger.info('Deployment state checked', { checks });
    return { checks };
  },
});

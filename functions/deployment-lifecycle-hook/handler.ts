/**
 * The ECS blue/green lifecycle hook at POST_TEST_TRAFFIC_SHIFT: the deployment verification is the gate
 * between test traffic and production traffic. The first call starts
 * `interactions-<env>-deployment-verification` against the green revision (its task definition, the
 * test listener's URL, the component's target groups) and answers IN_PROGRESS; later calls describe
 * that execution and answer IN_PROGRESS until it ends, then SUCCEEDED or FAILED. A call during a
 * rollback is always answered SUCCEEDED. A malformed event or another environment's service is
 * rejected (an error: ECS rolls back) before any AWS call.
 */
import { DescribeServiceRevisionsCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ecsClient } from '../../shared/clients/ecs.js';
import { sfnClient } from '../../shared/clients/sfn.js';
import { ValidationError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import type { Environment } from '../../shared/naming.js';
import { logger, metrics } from '../../shared/powertools.js';
import * as z from '../../shared/zod.js';
import { baseUrlSchema, targetGroupArnSchema } from '../../workflows/deployment-verification/contract.js';
import {
  classifyInvocation,
  executionArn,
  executionName,
  type GateAnswer,
  gateAnswer,
  type HookTarget,
  HookTargetError,
  hookTarget,
  verificationInput,
} from './gate.js';
import { type HookEvent, type HookResponse, hookEventSchema } from './hook-event.js';

/** Comma-separated target group ARNs of one component (its primary and alternate group). */
const targetGroupListSchema = z.pipe(
  z.pipe(
    z.string().check(z.minLength(1)),
    z.transform((value: string) => value.split(',')),
  ),
  z.array(targetGroupArnSchema).check(z.minLength(1)),
);

/** The function's variables, set by the Compute construct. */
export const settingsShape = {
  /** `interactions-<env>-deployment-verification`, referenced by name (the automation stack deploys after this one). */
  STATE_MACHINE_ARN: z
    .string()
    .check(
      z.regex(
        /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:interactions-(dev|staging|prod)-deployment-verification$/,
        'must be the ARN of an interactions-<env>-deployment-verification state machine',
      ),
    ),
  /** Base URL of the ALB's test listener. */
  TEST_URL: baseUrlSchema,
  BACKEND_TARGET_GROUP_ARNS: targetGroupListSchema,
  FRONTEND_TARGET_GROUP_ARNS: targetGroupListSchema,
  /** Seconds ECS waits before calling again while the verification runs. */
  CALLBACK_DELAY_SECONDS: z.pipe(
    z.pipe(
      z.string(),
      z.transform((value: string) => Number(value)),
    ),
    z.number().check(z.int(), z.gte(1), z.lte(900)),
  ),
};

/** Metrics of the gate's final answers (namespace Interactions/Automation): how many releases it let through or stopped. */
const GATE_METRICS: Partial<Record<HookResponse['hookStatus'], string>> = {
  SUCCEEDED: 'DeploymentGatePassed',
  FAILED: 'DeploymentGateFailed',
};

/** The name Step Functions gives a missing execution. */
const NOT_STARTED = 'ExecutionDoesNotExist';

/** DescribeExecution failed in a way a later call may not: see the handler. */
const TRANSIENT = Symbol('transient');

/** Throttling, a 5xx or a network failure left after the SDK's own retries. */
function isTransientAwsError(error: unknown): boolean {
  const candidate = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  const status = candidate?.$metadata?.httpStatusCode;
  return (
    candidate?.$retryable !== undefined ||
    (status !== undefined && status >= 500) ||
    ['ThrottlingException', 'TimeoutError', 'ECONNRESET', 'ETIMEDOUT'].includes(candidate?.name ?? '')
  );
}

export const { handler, createHandler } = automationHandler({
  workflow: 'deployment-verification',
  schema: hookEventSchema,
  settings: settingsShape,
  clients: () => ({ sfn: sfnClient, ecs: ecsClient }),
  handler: async (event, { settings, clients }): Promise<HookResponse> => {
    const target = identify(event, settings.ENVIRONMENT, settings.AWS_REGION);
    logger.appendKeys({
      deployment: event.resourceArn,
      lifecycleStage: event.lifecycleStage,
      hookExecution: event.executionId,
    });
    const invocation = classifyInvocation(event);
    if (invocation.kind !== 'gate') {
      logger.warn(`Answering SUCCEEDED: ${invocation.reason}`, { invocation: invocation.kind });
      return { hookStatus: 'SUCCEEDED' };
    }

    const stateMachineArn = settings.STATE_MACHINE_ARN;
    const name = executionName(target);
    const arn = executionArn(stateMachineArn, name);
    const sfn = clients.sfn();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn })).catch((error: unknown) => {
      if (error instanceof Error && error.name === NOT_STARTED) return undefined;
      // Throttling or a Step Functions outage says nothing about the release: ask again later rather
      // than throw, which ECS reads as FAILED and rolls a good release back. Only SUCCEEDED releases,
      // so waiting never lets unverified code through. Anything else (denied, ...) still throws.
      if (isTransientAwsError(error)) return TRANSIENT;
      throw error;
    });

    let answer: GateAnswer;
    if (described === TRANSIENT) {
      answer = {
        response: { hookStatus: 'IN_PROGRESS', callBackDelay: settings.CALLBACK_DELAY_SECONDS },
        reason: `verification ${name} could not be read for now (a transient AWS error); asking again later`,
      };
    } else if (described === undefined) {
      const { serviceRevisions, failures } = await clients.ecs().send(
        new DescribeServiceRevisionsCommand({
          serviceRevisionArns: [event.executionDetails.targetServiceRevisionArn],
        }),
      );
      const taskDefinitionArn = serviceRevisions?.[0]?.taskDefinition;
      if (taskDefinitionArn === undefined) {
        const why = failures?.[0]
          ? `${failures[0].reason ?? 'failure'} ${failures[0].detail ?? ''}`.trim()
          : 'no task definition';
        answer = {
          response: { hookStatus: 'FAILED' },
          reason: `green revision ${event.executionDetails.targetServiceRevisionArn} could not be described (${why}): nothing to verify`,
        };
      } else {
        const input = verificationInput(event, target, {
          taskDefinitionArn,
          testUrl: settings.TEST_URL,
          targetGroupArns:
            target.component === 'backend' ? settings.BACKEND_TARGET_GROUP_ARNS : settings.FRONTEND_TARGET_GROUP_ARNS,
        });
        await sfn
          .send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }))
          .catch((error: unknown) => {
            // Another call of this hook started it between our describe and our start: same execution.
            if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
            throw error;
          });
        answer = {
          response: { hookStatus: 'IN_PROGRESS', callBackDelay: settings.CALLBACK_DELAY_SECONDS },
          reason: `started verification ${name} of ${taskDefinitionArn} on ${settings.TEST_URL}`,
        };
      }
    } else {
      answer = gateAnswer(
        { status: described.status ?? 'UNKNOWN', output: described.output, name },
        settings.CALLBACK_DELAY_SECONDS,
      );
    }

    logger.info(`Answering ${answer.response.hookStatus}: ${answer.reason}`, { execution: arn });
    const metric = GATE_METRICS[answer.response.hookStatus];
    if (metric !== undefined) metrics.addMetric(metric, 'Count', 1);
    return answer.response;
  },
});

/** The hook target, or a ValidationError naming what is not this environment's. */
function identify(event: HookEvent, environment: Environment, region: string): HookTarget {
  try {
    return hookTarget(event, { environment, region });
  } catch (error) {
    if (error instanceof HookTargetError) {
      throw new ValidationError(`Invalid input: ${error.problems.join('; ')}`, {
        issues: error.problems,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Dead-man's switch for workflows scheduled less often than a CloudWatch alarm can look back
 * (7 days): run daily, it publishes how long ago the state machine last succeeded as the metric
 * `SecondsSinceLastSuccess`; an alarm fires above the schedule period plus slack. A machine that
 * never succeeded counts from its creation, so a fresh deployment does not alarm at once.
 *
 * It counts every SUCCEEDED execution, so it is only for workflows started without a hand-over
 * (workflows/common/schedule.ts `oncePerScheduledEvent`): a hand-over's own success would count
 * as the workflow's. Every handed-over workflow today is nightly and watched through notify-outcome's
 * WorkflowSucceeded instead (infra/constructs/workflow-monitoring.ts); a monthly one handed over
 * would need this check to skip hand-overs (e.g. count only `nightly-` names) first.
 */
import { DescribeStateMachineCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../shared/clients/sfn.js';
import { ValidationError } from '../../shared/errors.js';
import { SECONDS_SINCE_LAST_SUCCESS } from '../../shared/metrics-contract.js';
import { automationHandler } from '../../shared/middleware.js';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';
import { metrics } from '../../shared/powertools.js';
import { workflowSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';

/** Metric name the WorkflowMonitoring alarm watches (shared/metrics-contract.ts). */
export const METRIC_NAME = SECONDS_SINCE_LAST_SUCCESS;

const inputSchema = z.object({
  workflow: workflowSchema,
  stateMachineArn: z
    .string()
    .check(
      z.regex(
        /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/,
        'must be a Step Functions state machine ARN',
      ),
    ),
});

/** The function's own environment and region. */
interface OwnIdentity {
  readonly environment: Environment;
  readonly region: string;
}

/**
 * Throws ValidationError unless `stateMachineArn` is the state machine of `workflow` in the
 * function's own environment and region: the metric is published under `workflow`, so another
 * machine's success (another environment's, another workflow's) would silence this one's alarm.
 */
function assertOwnStateMachine(stateMachineArn: string, workflow: WorkflowName, own: OwnIdentity): void {
  const [, , , region, , , name] = stateMachineArn.split(':');
  const expected = names.stateMachine(own.environment, workflow);
  if (region === own.region && name === expected) return;
  const issue = `stateMachineArn: ${stateMachineArn} is not ${expected} in ${own.region}`;
  throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
}

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ sfn: sfnClient }),
  handler: async ({ workflow, stateMachineArn }, { settings, clients, clock }) => {
    assertOwnStateMachine(stateMachineArn, workflow, {
      environment: settings.ENVIRONMENT,
      region: settings.AWS_REGION,
    });
    const { executions } = await clients
      .sfn()
      .send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED', maxResults: 1 }));
    const last = executions?.[0];
    let since = last?.stopDate ?? last?.startDate;
    if (since === undefined) {
      since = (await clients.sfn().send(new DescribeStateMachineCommand({ stateMachineArn }))).creationDate;
    }
    const seconds =
      since === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, (clock().getTime() - since.getTime()) / 1000);
    metrics.addMetric(METRIC_NAME, 'Seconds', Math.round(seconds));
    return {
      lastSuccessAt: last === undefined ? null : (since?.toISOString() ?? null),
      secondsSinceLastSuccess: Math.round(seconds),
    };
  },
});

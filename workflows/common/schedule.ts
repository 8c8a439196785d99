/**
 * The EventBridge schedule that starts a nightly workflow. The target input is the scheduled event
 * itself (id, time, detail-type, source): the workflows validate it and name what they create from
 * it, so a duplicate delivery of the same event is a no-op.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Props of nightlySchedule. */
export interface NightlyScheduleProps {
  /** EventBridge schedule expression, e.g. `cron(30 2 * * ? *)` (config.automation.nightlySchedule). */
  readonly schedule: string;
  /** The state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Rule description shown in the console. */
  readonly description: string;
  /** Whether the rule is enabled. @default true */
  readonly enabled?: boolean;
}

/** Creates the rule; EventBridge retries a failed StartExecution for up to an hour. */
export function nightlySchedule(scope: Construct, id: string, props: NightlyScheduleProps): events.Rule {
  if (!/^(cron|rate)\(.+\)$/.test(props.schedule)) {
    throw new Error(`nightlySchedule: schedule must be a cron(...) or rate(...) expression, got "${props.schedule}"`);
  }
  return new events.Rule(scope, id, {
    schedule: events.Schedule.expression(props.schedule),
    description: props.description,
    enabled: props.enabled ?? true,
    targets: [
      new targets.SfnStateMachine(props.stateMachine, {
        input: events.RuleTargetInput.fromEventPath('$'),
        retryAttempts: 8,
        maxEventAge: Duration.hours(1),
      }),
    ],
  });
}

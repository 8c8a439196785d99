/**
 * How a nightly workflow is started, once per scheduled event.
 *
 * `nightlySchedule` creates the EventBridge rule. EventBridge delivers at least once and a rule's
 * Step Functions target cannot name the execution, so a duplicate delivery would start a second,
 * randomly named run. With `handOver` the rule's target input wraps the scheduled event
 * (`{ "scheduledEvent": <event> }`), and `oncePerScheduledEvent` (the workflow's first state) starts
 * the real run named from the event id, `nightly-<id>`, with the event itself as its input: Step
 * Functions keeps execution names unique per state machine for 90 days, so a second delivery meets
 * ExecutionAlreadyExists (or, while the first run is open, the same execution back) and ends without
 * doing anything. An execution started with the plain event (by hand, or by the handed-over start)
 * runs at once.
 *
 * Rejected alternatives: EventBridge Scheduler's universal `sfn:startExecution` target can set a
 * Name, but its context attributes cannot be transformed: `<aws.scheduler.scheduled-time>` contains
 * `:`, which execution names forbid, and `<aws.scheduler.execution-id>` is unique per attempt, not
 * per scheduled time. A lock table or S3 marker would add a resource to do what execution names do.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePath } from './failure-path.js';
import { NestedExecution } from './nested-execution.js';

/** The field of the rule's target input that carries the scheduled event when `handOver` is on. */
export const SCHEDULED_EVENT_FIELD = 'scheduledEvent';

/** Prefix of the name of a run started from a scheduled event: `nightly-<event id>`. */
export const NIGHTLY_RUN_PREFIX = 'nightly-';

/** The state names of `oncePerScheduledEvent` (tests, runbooks and dashboards refer to them). */
export const HAND_OVER_STATES = {
  /** The Choice: a wrapped delivery, or a plain event? */
  choice: 'Delivered by the schedule?',
  /** The start of the run named from the event. */
  start: 'Start run named from the event',
  /** End of a delivery that started the named run. */
  handedOver: 'Handed over',
  /** End of a delivery whose named run already exists. */
  duplicate: 'Skip duplicate delivery',
} as const;

/** Props of nightlySchedule. */
export interface NightlyScheduleProps {
  /** EventBridge schedule expression, e.g. `cron(40 3 * * ? *)` (from config.automation). */
  readonly schedule: string;
  /** The state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Rule description shown in the console. */
  readonly description: string;
  /** Whether the rule is enabled. @default true */
  readonly enabled?: boolean;
  /**
   * Wrap the event as `{ scheduledEvent: <event> }` for a definition that starts with
   * `oncePerScheduledEvent`. @default false: the target input is the scheduled event itself
   */
  readonly handOver?: boolean;
}

/** Whether `expression` is an EventBridge `cron(...)` or `rate(...)` schedule expression. */
export function isScheduleExpression(expression: string): boolean {
  return /^(cron|rate)\(.+\)$/.test(expression);
}

/** Creates the rule; EventBridge retries a failed StartExecution for up to an hour. */
export function nightlySchedule(scope: Construct, id: string, props: NightlyScheduleProps): events.Rule {
  if (!isScheduleExpression(props.schedule)) {
    throw new Error(`nightlySchedule: schedule must be a cron(...) or rate(...) expression, got "${props.schedule}"`);
  }
  return new events.Rule(scope, id, {
    schedule: events.Schedule.expression(props.schedule),
    description: props.description,
    enabled: props.enabled ?? true,
    targets: [
      new targets.SfnStateMachine(props.stateMachine, {
        input:
          props.handOver === true
            ? events.RuleTargetInput.fromObject({ [SCHEDULED_EVENT_FIELD]: events.EventField.fromPath('$') })
            : events.RuleTargetInput.fromEventPath('$'),
        retryAttempts: 8,
        maxEventAge: Duration.hours(1),
      }),
    ],
  });
}

/** Props of oncePerScheduledEvent. */
export interface OncePerScheduledEventProps {
  /** Physical name of the state machine this definition belongs to (it starts itself by name). */
  readonly stateMachineName: string;
  /** The workflow's real first state. */
  readonly run: sfn.IChainable;
  /** Where an error of the start goes (after its retries). */
  readonly failure: FailurePath;
}

/**
 * "Delivered by the schedule?": a wrapped delivery starts the run named from the event and ends
 * ("Handed over", or "Skip duplicate delivery" when that run already exists); anything else goes
 * straight to `run`.
 */
export function oncePerScheduledEvent(scope: Construct, props: OncePerScheduledEventProps): sfn.Choice {
  const event = `$.${SCHEDULED_EVENT_FIELD}`;
  // Imported by name: an ARN built from the name, so the definition does not depend on itself.
  const self = sfn.StateMachine.fromStateMachineName(scope, 'RunNamedFromEvent', props.stateMachineName);
  const start = new NestedExecution(scope, 'HandOver', {
    stateName: HAND_OVER_STATES.start,
    stateMachine: self,
    executionName: sfn.JsonPath.format(`${NIGHTLY_RUN_PREFIX}{}`, sfn.JsonPath.stringAt(`${event}.id`)),
    // The event itself, unchanged: two deliveries start the same name with the same input.
    input: sfn.TaskInput.fromJsonPathAt(event),
    resultSelector: { 'executionArn.$': '$.ExecutionArn' },
    resultPath: '$.run',
    alreadyStarted: new sfn.Succeed(scope, HAND_OVER_STATES.duplicate),
    alreadyStartedResultPath: '$.duplicate',
    failure: props.failure,
  });
  start.next(new sfn.Succeed(scope, HAND_OVER_STATES.handedOver));
  return new sfn.Choice(scope, HAND_OVER_STATES.choice)
    .when(sfn.Condition.isPresent(`${event}.id`), start)
    .otherwise(props.run);
}

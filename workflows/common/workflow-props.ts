/**
 * What every workflow construct takes and exposes. Props are flat; each optional prop documents its
 * default; `workflowSettings` fills the defaults and rejects bad values at construction, naming the
 * construct and the prop, so a wrong config fails `cdk synth` rather than an execution.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Environment } from '../../shared/naming.js';

/** Topic severity of a workflow's failure notification. */
export type FailureSeverity = 'high' | 'medium' | 'low';

/** Props every workflow construct takes. */
export interface AutomationWorkflowProps {
  /** The environment: names the state machine, its functions and the resources it works on. */
  readonly envName: Environment;
  /** notify-outcome: writes the JSON and Markdown report and notifies the severity topic. */
  readonly notifyFunction: lambda.IFunction;
  /** The automation's shared functions log group (`/aws/lambda/interactions-<env>-tasks`). */
  readonly functionLogGroup: logs.ILogGroup;
  /** Log group of the state machine. @default a new `/aws/vendedlogs/states/interactions-<env>-<workflow>` group with `logRetention` */
  readonly logGroup?: logs.ILogGroup;
  /** Retention of the log group created when `logGroup` is absent. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Overall execution timeout. @default per workflow (see its props) */
  readonly timeout?: Duration;
  /** Severity topic of a failure (config `automation.failureSeverity`). @default 'high' in prod, 'medium' elsewhere */
  readonly failureSeverity?: FailureSeverity;
}

/** The public surface of every workflow construct: what the stack wires monitoring and schedules to. */
export interface AutomationWorkflow {
  /** The state machine `interactions-<env>-<workflow>`. */
  readonly stateMachine: sfn.StateMachine;
  /** The functions the workflow owns or invokes (besides notify-outcome), for alarms and dashboards. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The rule that starts the workflow on a schedule; absent for on-demand workflows. */
  readonly schedule?: events.Rule;
}

/** The base props with their defaults filled in. */
export interface AutomationWorkflowSettings {
  readonly timeout: Duration;
  readonly failureSeverity: FailureSeverity;
}

/** Fills the base defaults; throws `<construct>: timeout must ...` for a non-positive timeout. */
export function workflowSettings(
  construct: string,
  props: AutomationWorkflowProps,
  defaults: { readonly timeout: Duration; readonly failureSeverity?: FailureSeverity },
): AutomationWorkflowSettings {
  const timeout = props.timeout ?? defaults.timeout;
  if (timeout.toSeconds() <= 0)
    throw new Error(`${construct}: timeout must be positive (got ${timeout.toHumanString()})`);
  return {
    timeout,
    failureSeverity:
      props.failureSeverity ?? defaults.failureSeverity ?? (props.envName === 'prod' ? 'high' : 'medium'),
  };
}

/** Throws `<construct>: <prop> must be a positive integer (got ...)` unless `value` is one. */
export function requirePositiveInteger(construct: string, prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${construct}: ${prop} must be a positive integer (got ${value})`);
  }
  return value;
}

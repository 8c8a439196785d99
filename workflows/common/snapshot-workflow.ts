/**
 * What the two snapshot workflows (RDS on-demand and Redis) share: their props, the defaults and
 * checks of their timing, their three functions (validate the request, verify the snapshot,
 * delete only this execution's snapshot), and the assembly of functions, SnapshotLifecycle and
 * state machine (`buildSnapshotWorkflow`), so a workflow construct states only its service.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { snapshotFunction } from './snapshot-functions.js';
import { SnapshotLifecycle, type SnapshotLifecycleProps } from './snapshot-lifecycle.js';
import { AutomationStateMachine } from './state-machine.js';
import {
  type AutomationWorkflowProps,
  type FailureSeverity,
  requirePositiveInteger,
  workflowSettings,
} from './workflow-props.js';

/** Props every snapshot workflow takes. */
export interface SnapshotWorkflowProps extends AutomationWorkflowProps {
  /**
   * Overall execution timeout. The wait loop gets this minus 15 minutes, so a snapshot that never
   * becomes available still leaves time for cleanup and notification. @default per workflow
   */
  readonly timeout?: Duration;
  /** Pause between two Describe calls while the snapshot is created. @default 30 seconds */
  readonly pollInterval?: Duration;
  /** Days before the snapshot's `interactions:expires-at` (config `automation.manualSnapshotRetentionDays`). @default 35 */
  readonly retentionDays?: number;
}

/** Time the failure path needs after the wait loop gives up: cleanup, notification, their retries. */
export const FAILURE_PATH_RESERVE = Duration.minutes(15);

/** The props' timing and retention with their defaults filled in. */
export interface SnapshotWorkflowSettings {
  readonly timeout: Duration;
  readonly pollInterval: Duration;
  /** What the wait loop may spend: the timeout less the failure path's reserve. */
  readonly waitBudget: Duration;
  readonly retentionDays: number;
  readonly failureSeverity: FailureSeverity;
}

/** Fills the defaults; throws, naming the construct and prop, when the timing leaves no room to clean up. */
export function snapshotWorkflowSettings(
  construct: string,
  props: SnapshotWorkflowProps,
  defaultTimeout: Duration,
): SnapshotWorkflowSettings {
  const { timeout, failureSeverity } = workflowSettings(construct, props, { timeout: defaultTimeout });
  const pollInterval = props.pollInterval ?? Duration.seconds(30);
  if (pollInterval.toSeconds() < 1) {
    throw new Error(`${construct}: pollInterval must be at least 1 second (got ${pollInterval.toHumanString()})`);
  }
  if (timeout.toSeconds() <= FAILURE_PATH_RESERVE.toSeconds() + pollInterval.toSeconds()) {
    throw new Error(`${construct}: timeout must exceed 15 minutes plus pollInterval (got ${timeout.toHumanString()})`);
  }
  const retentionDays = requirePositiveInteger(construct, 'retentionDays', props.retentionDays ?? 35);
  return { timeout, pollInterval, waitBudget: timeout.minus(FAILURE_PATH_RESERVE), retentionDays, failureSeverity };
}

/** The three functions of a snapshot workflow. */
export interface SnapshotWorkflowFunctions {
  readonly validate: lambda.Function;
  readonly verify: lambda.Function;
  readonly delete: lambda.Function;
}

/** The stack's shared validate and guarded-delete functions, and this workflow's verify function. */
export function snapshotWorkflowFunctions(
  scope: Construct,
  props: SnapshotWorkflowProps,
  verify: { readonly name: string; readonly description: string },
): SnapshotWorkflowFunctions {
  const common = { envName: props.envName, logGroup: props.functionLogGroup } as const;
  return {
    validate: snapshotFunction(scope, {
      ...common,
      name: 'validate-snapshot-request',
      description: 'Validates a snapshot request and plans its name, expiry and tags (no AWS calls)',
    }),
    verify: snapshotFunction(scope, { ...common, ...verify }),
    delete: snapshotFunction(scope, {
      ...common,
      name: 'guarded-delete-snapshot',
      description: 'Deletes a snapshot only if its tags name the calling execution',
    }),
  };
}

/** The functions a snapshot workflow exposes, for alarms and dashboards. */
export type SnapshotWorkflowFunctionRefs = { readonly [Role in keyof SnapshotWorkflowFunctions]: lambda.IFunction };

/** What a snapshot workflow construct tells `buildSnapshotWorkflow` besides its props. */
export interface SnapshotWorkflowSpec
  extends Omit<SnapshotLifecycleProps, 'envName' | 'notifyFunction' | 'settings' | 'functions'> {
  /** Construct name for error messages, e.g. `CacheSnapshotWorkflow`. */
  readonly construct: string;
  /** Timeout when the props set none. */
  readonly defaultTimeout: Duration;
  /** The workflow's own verify function (`functions/<name>`). */
  readonly verifyFunction: { readonly name: string; readonly description: string };
  /** Console description of the state machine. */
  readonly comment: string;
  /** Why the snapshot ARN pattern (`service.snapshotsArn`) may be a wildcard, for cdk-nag. */
  readonly snapshotsWildcardReason: string;
}

/** A built snapshot workflow. */
export interface SnapshotWorkflowParts {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: SnapshotWorkflowFunctionRefs;
}

/**
 * Builds into `scope` (the workflow construct) the functions, the SnapshotLifecycle and the state
 * machine `interactions-<env>-<workflow>` (construct id `Workflow`), and acknowledges the snapshot
 * ARN wildcard on the state machine and the guarded-delete role.
 */
export function buildSnapshotWorkflow(
  scope: Construct,
  props: SnapshotWorkflowProps,
  spec: SnapshotWorkflowSpec,
): SnapshotWorkflowParts {
  const settings = snapshotWorkflowSettings(spec.construct, props, spec.defaultTimeout);
  const functions = snapshotWorkflowFunctions(scope, props, spec.verifyFunction);
  const lifecycle = new SnapshotLifecycle(scope, 'Lifecycle', {
    ...spec,
    envName: props.envName,
    notifyFunction: props.notifyFunction,
    settings,
    functions,
  });
  const { stateMachine } = new AutomationStateMachine(scope, 'Workflow', {
    envName: props.envName,
    workflow: spec.workflow,
    definition: lifecycle,
    timeout: settings.timeout,
    logGroup: props.logGroup,
    logRetention: props.logRetention,
    comment: spec.comment,
  });
  const { snapshotsArn } = spec.service;
  acknowledgeWildcard(stateMachine, snapshotsArn, spec.snapshotsWildcardReason);
  acknowledgeWildcard(functions.delete.role ?? functions.delete, snapshotsArn, spec.snapshotsWildcardReason);
  return { stateMachine, functions };
}

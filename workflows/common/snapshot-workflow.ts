/**
 * What the two snapshot workflows (RDS on-demand and Redis) share: their props, the defaults and
 * checks of their timing, and their three functions (validate the request, verify the snapshot,
 * delete only this execution's snapshot).
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { snapshotFunction } from './snapshot-functions.js';
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

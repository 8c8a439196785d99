/**
 * Looks up the runs that made the automation's snapshots (sfn:DescribeExecution), so that the
 * selection can sweep a failed run's leftover before its expiry (select.ts). A DB snapshot's owner is
 * an execution of `interactions-<env>-on-demand-snapshot`, a cache snapshot's one of
 * `interactions-<env>-cache-snapshot`, named by the snapshot's `interactions:execution` tag; their
 * ARNs are built in the partition, region and account of the housekeeping's own state machine.
 * An execution that does not exist (made by another workflow, or older than the 90 days Step
 * Functions keeps closed executions) is recorded ABSENT_RUN: the snapshot waits for its expiry.
 * A run that failed AFTER its snapshot passed verification (the success notification failed, or the
 * run timed out or was aborted there) kept that snapshot on purpose (SnapshotLifecycle's keepPath):
 * its history (sfn:GetExecutionHistory, read only for failed runs) shows it entered VERIFIED_STATE,
 * and it is recorded VERIFIED_RUN, which the selection never takes early.
 * Throttling and server errors propagate: the shared middleware turns them into RetryableError.
 */
import { DescribeExecutionCommand, paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';
import { errorName } from '../../shared/errors.js';
import { type Environment, names, SNAPSHOT_VERIFIED_STATE } from '../../shared/naming.js';
import { mapLimited } from './map-limited.js';
import { ABSENT_RUN, isFailedRun, type OwnerKind, type OwnerRunCheck, VERIFIED_RUN } from './select.js';

/** Lookups in flight at once: DescribeExecution's bucket is small (shared with the console and CLI). */
const LOOKUP_CONCURRENCY = 4;

/** Errors meaning "there is no such execution": the snapshot is not judged by it. */
const NOT_AN_EXECUTION = new Set(['ExecutionDoesNotExist', 'InvalidArn']);

/**
 * The state a snapshot workflow enters only once "Verify snapshot" passed (ReportAndSucceed's
 * notification in SnapshotLifecycle): a run that entered it made a snapshot it meant to keep.
 */
export const VERIFIED_STATE = SNAPSHOT_VERIFIED_STATE;

/** Whether execution `executionArn`'s history shows it entered VERIFIED_STATE (newest events first). */
async function enteredVerifiedState(sfn: SFNClient, executionArn: string): Promise<boolean> {
  const pages = paginateGetExecutionHistory(
    { client: sfn, pageSize: 1000 },
    { executionArn, reverseOrder: true, includeExecutionData: false },
  );
  for await (const page of pages) {
    const events = page.events ?? [];
    if (events.some((event) => event.stateEnteredEventDetails?.name === VERIFIED_STATE)) return true;
  }
  return false;
}

/** The state machine whose executions make each kind of snapshot. */
export function ownerStateMachineName(environment: Environment, kind: OwnerKind): string {
  return names.stateMachine(environment, kind === 'db' ? 'on-demand-snapshot' : 'cache-snapshot');
}

/** Where the owning executions live: the housekeeping state machine's partition, region and account. */
export interface ExecutionScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** `arn:<partition>:states:<region>:<account>:execution:<owner state machine>:<execution>`. */
export function ownerExecutionArn(scope: ExecutionScope, environment: Environment, check: OwnerRunCheck): string {
  const machine = ownerStateMachineName(environment, check.kind);
  return `arn:${scope.partition}:states:${scope.region}:${scope.account}:execution:${machine}:${check.execution}`;
}

/** The owning runs' statuses by kind, keyed by execution name (ABSENT_RUN when there is none). */
export interface OwnerRuns {
  readonly db: Map<string, string>;
  readonly cache: Map<string, string>;
}

/** Describes each check's owning execution, and a failed one's history (at most LOOKUP_CONCURRENCY at once). */
export async function describeOwnerRuns(
  sfn: SFNClient,
  scope: ExecutionScope,
  environment: Environment,
  checks: readonly OwnerRunCheck[],
): Promise<OwnerRuns> {
  const statuses = await mapLimited(checks, LOOKUP_CONCURRENCY, async (check) => {
    try {
      const executionArn = ownerExecutionArn(scope, environment, check);
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (isFailedRun(status) && (await enteredVerifiedState(sfn, executionArn))) return VERIFIED_RUN;
      return status ?? ABSENT_RUN;
    } catch (error) {
      if (NOT_AN_EXECUTION.has(errorName(error))) return ABSENT_RUN;
      throw error;
    }
  });
  const runs: OwnerRuns = { db: new Map(), cache: new Map() };
  checks.forEach((check, index) => {
    runs[check.kind].set(check.execution, statuses[index] ?? ABSENT_RUN);
  });
  return runs;
}

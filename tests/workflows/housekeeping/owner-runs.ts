/**
 * The runs that made the automation's snapshots, as the selection's sfn:DescribeExecution sees them
 * (functions/select-expired-snapshots/owner-runs.ts): every run succeeded unless a test says otherwise.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';

/** The Step Functions SDK mock the selection handler meets. */
export const stepFunctions = mockClient(SFNClient);

/**
 * Resets the lookups: `statuses` by execution ARN suffix `<state machine>:<execution>` (e.g.
 * `interactions-prod-on-demand-snapshot:cli-1`), `ABSENT` for an execution that does not exist,
 * `VERIFIED_THEN_FAILED` for one that FAILED after entering "Notify success" (its history shows it).
 * @default every other run SUCCEEDED
 */
export function mockOwnerRuns(statuses: Readonly<Record<string, string>> = {}): void {
  stepFunctions.reset();
  stepFunctions.on(DescribeExecutionCommand).callsFake(async ({ executionArn }: { executionArn: string }) => {
    const key = executionArn.split(':execution:')[1] ?? '';
    const status = statuses[key] ?? 'SUCCEEDED';
    if (status === 'ABSENT')
      throw Object.assign(new Error(`${executionArn} does not exist`), { name: 'ExecutionDoesNotExist' });
    return { executionArn, status: status === 'VERIFIED_THEN_FAILED' ? 'FAILED' : status };
  });
  stepFunctions.on(GetExecutionHistoryCommand).callsFake(async ({ executionArn }: { executionArn: string }) => {
    const key = executionArn.split(':execution:')[1] ?? '';
    const verified = statuses[key] === 'VERIFIED_THEN_FAILED';
    const entered = (name: string) => ({ type: 'TaskStateEntered', stateEnteredEventDetails: { name } });
    return { events: verified ? [entered('Notify failure'), entered('Notify success')] : [entered('Notify failure')] };
  });
}

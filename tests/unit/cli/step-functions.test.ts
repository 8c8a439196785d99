import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  compactTimestamp,
  describeFailure,
  EXECUTION_NAME_MAX_LENGTH,
  executionName,
  followExecution,
} from '../../../cli/aws/step-functions.js';

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:m:e';
const AT = new Date('2025-01-02T03:04:05.678Z');

beforeEach(() => sfn.reset());

describe('executionName', () => {
  it('is cli-<name>-<yyyymmddThhmmss> in UTC', () => {
    expect(compactTimestamp(AT)).toBe('20250102T030405');
    expect(executionName('cli', 'interactions-pre-migration', AT)).toBe(
      'cli-interactions-pre-migration-20250102T030405',
    );
  });

  it('shortens the label, never the timestamp, to fit 80 characters without a dangling hyphen', () => {
    // 'ab-ab-...': the 60 characters left for the label end on a hyphen, which must be dropped.
    const label = 'ab-'.repeat(100).slice(0, 255).replace(/-$/, 'x');
    const name = executionName('cli', label, AT);

    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX_LENGTH);
    expect(name.endsWith('-20250102T030405')).toBe(true);
    expect(name).not.toMatch(/--/);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('replaces characters Step Functions or CloudWatch would reject', () => {
    expect(executionName('cli', 'a b:c', AT)).toBe('cli-a-b-c-20250102T030405');
  });
});

describe('followExecution', () => {
  const entered = (id: number, name: string): HistoryEvent => ({
    id,
    type: 'TaskStateEntered',
    timestamp: AT,
    stateEnteredEventDetails: { name },
  });

  it('reads every new page of history, newest first, and reports states in order once', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: ARN, stateMachineArn: 'm', status: 'RUNNING', startDate: AT })
      .resolvesOnce({ executionArn: ARN, stateMachineArn: 'm', status: 'SUCCEEDED', startDate: AT });
    // Poll 1: two pages of new events. Poll 2: one page whose tail was already seen.
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered(3, 'C'), entered(2, 'B')], nextToken: 'older' })
      .resolvesOnce({ events: [entered(1, 'A')] })
      .resolvesOnce({ events: [entered(5, 'E'), entered(4, 'D'), entered(3, 'C')], nextToken: 'older' });
    const states: string[] = [];
    const sleeps: number[] = [];

    const execution = await followExecution(new SFNClient({}), ARN, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      pollIntervalMs: 2500,
      onStateEntered: (name) => states.push(name),
    });

    expect(execution.status).toBe('SUCCEEDED');
    expect(states).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(sleeps).toEqual([2500]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(3);
  });

  it('returns at once for an execution that already ended', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, stateMachineArn: 'm', status: 'ABORTED', startDate: AT });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const sleep = jest.fn(async () => {});

    const execution = await followExecution(new SFNClient({}), ARN, {
      sleep,
      pollIntervalMs: 0,
      onStateEntered: () => {},
    });

    expect(execution.status).toBe('ABORTED');
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe('describeFailure', () => {
  const base = { $metadata: {}, executionArn: ARN, stateMachineArn: 'm', startDate: AT } as const;

  it('reduces a Lambda JSON cause to its errorMessage', () => {
    expect(
      describeFailure({
        ...base,
        status: 'FAILED',
        error: 'ValidationError',
        cause: '{"errorType":"ValidationError","errorMessage":"bad name"}',
      }),
    ).toEqual({ error: 'ValidationError', cause: 'bad name' });
  });

  it('falls back to the status and says when there is no cause', () => {
    expect(describeFailure({ ...base, status: 'ABORTED' })).toEqual({ error: 'ABORTED', cause: '(no cause given)' });
  });
});

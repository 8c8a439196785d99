import { DescribeStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../../functions/check-last-success/handler.js';

const sfnMock = mockClient(SFNClient);
const now = new Date('2025-06-01T00:00:00.000Z');
const sfn = new SFNClient({ region: 'us-east-1' });
const handler = createHandler({
  env: { ENVIRONMENT: 'dev', AWS_REGION: 'us-east-1' },
  clients: { sfn: () => sfn },
  clock: () => now,
});
beforeEach(() => sfnMock.reset());
const context = { functionName: 'check', awsRequestId: 'r1' } as Context;
const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-recovery-test';
const input = { workflow: 'recovery-test', stateMachineArn };

describe('check-last-success', () => {
  it('measures the time since the last successful execution', async () => {
    const stopDate = new Date(now.getTime() - 3 * 86400 * 1000);
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [{ stopDate, startDate: stopDate } as never] });
    const result = (await handler(input, context)) as { secondsSinceLastSuccess: number; lastSuccessAt: string };
    expect(result.lastSuccessAt).toBe(stopDate.toISOString());
    expect(result.secondsSinceLastSuccess).toBe(3 * 86400);
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toEqual({
      stateMachineArn,
      statusFilter: 'SUCCEEDED',
      maxResults: 1,
    });
  });

  it('counts from the creation of a machine that never succeeded', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    sfnMock.on(DescribeStateMachineCommand).resolves({ creationDate: new Date(now.getTime() - 3600 * 1000) } as never);
    const result = (await handler(input, context)) as { secondsSinceLastSuccess: number; lastSuccessAt: null };
    expect(result.lastSuccessAt).toBeNull();
    expect(result.secondsSinceLastSuccess).toBe(3600);
  });

  it('rejects an input without a state machine ARN before calling AWS', async () => {
    await expect(handler({ workflow: 'recovery-test' }, context)).rejects.toThrow(/stateMachineArn/);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it.each([
    ['another environment', 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-recovery-test'],
    ['another workflow', 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-dev-failover-drill'],
    ['another region', 'arn:aws:states:eu-west-1:123456789012:stateMachine:interactions-dev-recovery-test'],
  ])(
    "rejects the state machine of %s, whose success would silence this workflow's alarm, before any AWS call",
    async (_case, arn) => {
      const failure = handler({ workflow: 'recovery-test', stateMachineArn: arn }, context);
      await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
      await expect(failure).rejects.toThrow(/stateMachineArn: .* is not interactions-dev-recovery-test in us-east-1/);
      expect(sfnMock.calls()).toHaveLength(0);
    },
  );

  it('rejects a malformed input naming the field, before any AWS call', async () => {
    const failure = handler({ workflow: 'nightly', stateMachineArn: 42 }, context);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(failure).rejects.toThrow(/workflow: .*stateMachineArn: /);
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

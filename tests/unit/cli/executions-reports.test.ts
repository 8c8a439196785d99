import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from './harness.js';

/** A GetObject body: the SDK's stream mixin offers transformToString, which is all the CLI reads. */
const body = (text: string) => ({ transformToString: async () => text }) as never;

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);

const ACCOUNT = '123456789012';
const machine = (env: string, workflow: string) => ({
  name: `interactions-${env}-${workflow}`,
  stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:interactions-${env}-${workflow}`,
  type: 'STANDARD' as const,
  creationDate: new Date('2025-01-01T00:00:00Z'),
});
const NAME = 'cli-pre-migration-20250601T101112';
const ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:interactions-prod-on-demand-snapshot:${NAME}`;
const START = new Date('2025-06-01T10:11:13Z');
const STOP = new Date('2025-06-01T10:15:25Z');

beforeEach(() => {
  sfn.reset();
  s3.reset();
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      machine('prod', 'on-demand-snapshot'),
      machine('prod', 'backup-verification'),
      machine('staging', 'on-demand-snapshot'),
    ],
  });
  sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'does not exist', $metadata: {} }));
});

describe('executions watch', () => {
  it('finds a run by name among the state machines, follows it and prints its result', async () => {
    // Prepare: only the prod on-demand snapshot machine has it; RUNNING, then SUCCEEDED.
    sfn
      .on(DescribeExecutionCommand, { executionArn: ARN })
      .resolvesOnce({ executionArn: ARN, name: NAME, stateMachineArn: 'm', status: 'RUNNING', startDate: START })
      .resolvesOnce({ executionArn: ARN, name: NAME, stateMachineArn: 'm', status: 'RUNNING', startDate: START })
      .resolves({
        executionArn: ARN,
        name: NAME,
        stateMachineArn: 'm',
        status: 'SUCCEEDED',
        startDate: START,
        stopDate: STOP,
        output: JSON.stringify({ snapshot: { id: 'pre-migration' } }),
      });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    // Act
    const result = await run(['executions', 'watch', NAME], { env: {} });

    // Assess
    expect(result.code).toBe(0);
    expect(result.regions).toEqual(['us-east-1']);
    expect(result.stdout).toContain('snapshot           {"id":"pre-migration"}\n');
    expect(result.stdout).toContain(`execution          ${ARN} (SUCCEEDED in 4m 12s)\n`);
    expect(result.stdout).toContain('execution console  https://us-east-1.console.aws.amazon.com/states/home');
  });

  it('takes an ARN as is, in its own region, and exits 1 for a failed run', async () => {
    const arn = ARN.replace('us-east-1', 'eu-west-1');
    sfn.on(DescribeExecutionCommand, { executionArn: arn }).resolves({
      executionArn: arn,
      stateMachineArn: 'm',
      status: 'FAILED',
      startDate: START,
      stopDate: STOP,
      error: 'ResourceFailedError',
      cause: 'snapshot failed',
    });

    const result = await run(['executions', 'watch', arn, '--json']);

    expect(result.code).toBe(1);
    expect(result.regions).toEqual(['eu-west-1']);
    expect(JSON.parse(result.stdout).execution).toMatchObject({ status: 'FAILED', error: 'ResourceFailedError' });
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
  });

  it('exits 1 naming what was searched when no run has that name', async () => {
    const result = await run(['executions', 'watch', 'cli-nothing-20250101T000000']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: no execution named 'cli-nothing-20250101T000000' in the interactions-* state machines of us-east-1 (3 searched)\n",
    );
  });
});

describe('reports show', () => {
  const reports = {
    bucket: 'interactions-prod-automation-reports',
    json: `reports/on-demand-snapshot/2025/06/${NAME}.json`,
    markdown: `reports/on-demand-snapshot/2025/06/${NAME}.md`,
  };

  beforeEach(() => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN }).resolves({
      executionArn: ARN,
      stateMachineArn: 'm',
      status: 'SUCCEEDED',
      startDate: START,
    });
  });

  it("prints the Markdown report the run's notify step filed, with console links on stderr", async () => {
    // Prepare: the history holds the notifier's result (newest first).
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'ExecutionSucceeded', timestamp: STOP },
        {
          id: 8,
          type: 'LambdaFunctionSucceeded',
          timestamp: STOP,
          lambdaFunctionSucceededEventDetails: { output: JSON.stringify({ reports, messageId: 'm-1' }) },
        },
      ],
    });
    s3.on(GetObjectCommand, { Bucket: reports.bucket, Key: reports.markdown }).resolves({
      Body: body('# On-demand snapshot\n'),
    });

    // Act
    const result = await run(['reports', 'show', 'prod', NAME]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('# On-demand snapshot\n');
    expect(result.stderr).toContain(`report: s3://${reports.bucket}/${reports.markdown}\n`);
    expect(result.stderr).toContain(
      `report console: https://us-east-1.console.aws.amazon.com/s3/object/${reports.bucket}?region=us-east-1&bucketType=general&prefix=reports%2Fon-demand-snapshot%2F2025%2F06%2F${NAME}.md\n`,
    );
    // Only the prod state machines were searched.
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input.executionArn)).not.toContain(
      ARN.replace(/prod/g, 'staging'),
    );
  });

  it('prints the JSON report with --json', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        {
          id: 8,
          type: 'TaskSucceeded',
          timestamp: STOP,
          taskSucceededEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            output: JSON.stringify({ Payload: { reports } }),
          },
        },
      ],
    });
    s3.on(GetObjectCommand, { Bucket: reports.bucket, Key: reports.json }).resolves({
      Body: body('{"status":"SUCCEEDED"}\n'),
    });

    const result = await run(['reports', 'show', 'prod', ARN, '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'SUCCEEDED' });
  });

  it("rejects an ARN of another environment's workflow before any AWS call, exit 2", async () => {
    // Prepare: a staging run named while asking for prod would print staging's report as prod's.
    const staging = ARN.replace(/prod/g, 'staging');

    // Act
    const result = await run(['reports', 'show', 'prod', staging]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: the execution ARN is a run of 'interactions-staging-on-demand-snapshot', not of a prod workflow " +
        "(interactions-prod-*). See 'interactions-ops reports show --help'.\n",
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it("reads an execution named by ARN in the ARN's region", async () => {
    // Prepare: the environment is configured in us-east-1, the run is in eu-west-1.
    const arn = ARN.replace('us-east-1', 'eu-west-1');
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand, { executionArn: arn }).resolves({
      executionArn: arn,
      stateMachineArn: 'm',
      status: 'FAILED',
      startDate: START,
    });

    // Act
    const result = await run(['reports', 'show', 'prod', arn]);

    // Assess: Step Functions answers for an execution only in its own region.
    expect(result.code).toBe(1);
    expect(result.regions[0]).toBe('eu-west-1');
    expect(result.stderr).toContain(`error: execution ${NAME} (FAILED) has not filed a report;`);
  });

  it('rejects a --region that disagrees with the execution ARN, exit 2', async () => {
    const result = await run(['executions', 'watch', ARN, '--region', 'eu-west-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error: --region eu-west-1 disagrees with the execution ARN's region us-east-1 (an execution is only found in its own region)",
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it('exits 1 when the run has filed no report yet', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN }).resolves({
      executionArn: ARN,
      stateMachineArn: 'm',
      status: 'RUNNING',
      startDate: START,
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await run(['reports', 'show', 'prod', NAME]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: execution ${NAME} (RUNNING) has not filed a report yet; console: https://`);
    expect(s3.calls()).toHaveLength(0);
  });
});

/**
 * `verify-deployment run <env>` without --local: starts the deployment-verification state machine,
 * follows it, prints the checks, writes JUnit and exits 0 / 1 / 2 (SFN mocked with aws-sdk-client-mock).
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parseDeadline } from '../../../cli/commands/verify-deployment/run.js';
import type { DeploymentVerificationOutput } from '../../../workflows/deployment-verification/contract.js';
import { FIXED_NOW, run } from './harness.js';

const sfn = mockClient(SFNClient);
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-deployment-verification';
const BACKEND = 'backend-2.0.1-prod-a7b3c9d';
const FRONTEND = 'frontend-1.4.0-prod-a7b3c9d';
const ARGS = ['verify-deployment', 'run', 'prod', '--backend-tag', BACKEND, '--frontend-tag', FRONTEND];
const START = new Date(FIXED_NOW.getTime() + 1000);
const STOP = new Date(FIXED_NOW.getTime() + 42_000);

function output(failing = false): DeploymentVerificationOutput {
  return {
    verdict: failing ? 'failed' : 'passed',
    summary: failing ? 'Deployment verification FAILED in prod' : 'Deployment verification passed in prod',
    trigger: 'ci',
    checks: [
      { name: 'ecs-deployment', status: 'pass', durationMs: 310, finding: `runs ${BACKEND}` },
      {
        name: 'alb-targets',
        status: failing ? 'fail' : 'pass',
        durationMs: 120,
        finding: failing ? 'not healthy: backend-tg: 10.0.1.5:5000 unhealthy (Target.Timeout)' : '4 targets healthy',
      },
      { name: 'auth-flow', status: 'skipped', durationMs: 0, finding: 'no synthetic login' },
    ],
    report: {
      json: 's3://interactions-prod-automation-reports/reports/deployment-verification/2025/06/x.json',
      markdown: 's3://interactions-prod-automation-reports/reports/deployment-verification/2025/06/x.md',
    },
  };
}

function givenExecution(
  ending: { status: ExecutionStatus; output?: unknown; error?: string; cause?: string } | 'running',
) {
  sfn.reset();
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'interactions-prod-deployment-verification',
        stateMachineArn: MACHINE_ARN,
        type: 'STANDARD',
        creationDate: START,
      },
    ],
  });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: START,
  }));
  sfn.on(GetExecutionHistoryCommand).resolves({
    events: [
      {
        id: 2,
        previousEventId: 1,
        type: 'ParallelStateEntered',
        timestamp: START,
        stateEnteredEventDetails: { name: 'Run checks in parallel' },
      },
    ],
  });
  sfn.on(DescribeExecutionCommand).resolves(
    ending === 'running'
      ? { status: 'RUNNING', startDate: START }
      : {
          status: ending.status,
          startDate: START,
          stopDate: STOP,
          ...(ending.output === undefined ? {} : { output: JSON.stringify(ending.output) }),
          ...(ending.error === undefined ? {} : { error: ending.error, cause: ending.cause }),
        },
  );
}

const junitDir = mkdtempSync(join(tmpdir(), 'verify-junit-'));
afterAll(() => rmSync(junitDir, { recursive: true, force: true }));

describe('verify-deployment run (workflow mode)', () => {
  it('starts the execution named from the tags and the time, prints every check and exits 0 when all passed', async () => {
    // Prepare
    givenExecution({ status: 'SUCCEEDED', output: output() });

    // Act
    const result = await run(ARGS);

    // Assess
    expect(result.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE_ARN);
    expect(start?.name).toBe('ci-b2-0-1-prod-a7b3c9d-f1-4-0-prod-a7b3c9d-20250601T101112');
    expect(JSON.parse(start?.input ?? '{}')).toEqual({
      trigger: 'ci',
      requestedBy: 'cli:alice',
      expected: { backendTag: BACKEND, frontendTag: FRONTEND },
    });
    expect(result.stdout).toMatch(/ecs-deployment\s+PASS\s+310 ms/);
    expect(result.stdout).toMatch(/auth-flow\s+SKIPPED/);
    expect(result.stderr).toContain('verification of prod passed: 2 passed, 0 failed, 1 skipped');
  });

  it('names the GitHub run that asked, in GitHub Actions', async () => {
    givenExecution({ status: 'SUCCEEDED', output: output() });
    await run(ARGS, {
      env: {
        AWS_REGION: 'us-east-1',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'interactions/interactions-platform',
        GITHUB_RUN_ID: '42',
      },
    });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.requestedBy).toBe('ci https://github.com/interactions/interactions-platform/actions/runs/42');
  });

  it('exits 1 when a check failed, and writes JUnit with the failure', async () => {
    // Prepare
    givenExecution({ status: 'SUCCEEDED', output: output(true) });
    const junit = join(junitDir, 'failed.xml');

    // Act
    const result = await run([...ARGS, '--junit', junit]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('verification of prod FAILED (alb-targets)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testcase classname="verify-deployment.prod" name="alb-targets"');
    expect(xml).toContain('unhealthy (Target.Timeout)');
    expect(xml).toMatch(/<testsuite[^>]*tests="3"[^>]*failures="1"[^>]*skipped="1"/);
  });

  it('still prints every check when the JUnit file cannot be written, then fails naming the file', async () => {
    // Prepare: a link to a directory that does not exist passes the option's check but not the write.
    givenExecution({ status: 'SUCCEEDED', output: output() });
    const junit = join(junitDir, 'dangling.xml');
    symlinkSync(join(junitDir, 'missing', 'verification.xml'), junit);

    // Act
    const result = await run([...ARGS, '--junit', junit]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ecs-deployment\s+PASS\s+310 ms/);
    expect(result.stderr).toContain('verification of prod passed');
    expect(result.stderr).toContain(`cannot write the JUnit report to ${junit}`);
  });

  it('prints the report as JSON with --json, with the execution and the report locations', async () => {
    givenExecution({ status: 'SUCCEEDED', output: output() });
    const result = await run(['--json', ...ARGS]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      environment: 'prod',
      mode: 'workflow',
      status: 'pass',
      durationMs: 41_000,
      execution: { name: 'ci-b2-0-1-prod-a7b3c9d-f1-4-0-prod-a7b3c9d-20250601T101112' },
      report: output().report,
    });
    expect(report.checks).toHaveLength(3);
  });

  it('exits 1 when the workflow itself failed, with the error in the report and JUnit', async () => {
    givenExecution({ status: 'FAILED', error: 'Ssm.AccessDeniedException', cause: 'Notified: denied' });
    const junit = join(junitDir, 'workflow.xml');
    const result = await run([...ARGS, '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Execution FAILED: Ssm.AccessDeniedException');
    expect(readFileSync(junit, 'utf8')).toContain('name="deployment-verification-workflow"');
  });

  it("exits 1 with a failed result in JUnit when a succeeded execution's output breaks the contract", async () => {
    // Prepare
    givenExecution({ status: 'SUCCEEDED', output: { verdict: 'maybe' } as unknown as DeploymentVerificationOutput });
    const junit = join(junitDir, 'contract.xml');

    // Act
    const result = await run([...ARGS, '--junit', junit]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("output breaks the workflow's contract");
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('name="deployment-verification-workflow"');
    expect(xml).toContain('<failure');
  });

  it('exits 1 when the deadline passes before the verdict, leaving the execution running', async () => {
    // Prepare: every clock read is a minute later.
    givenExecution('running');
    let minutes = 0;
    const now = () => new Date(FIXED_NOW.getTime() + minutes++ * 60_000);
    const junit = join(junitDir, 'deadline.xml');

    // Act
    const result = await run([...ARGS, '--deadline', '5m', '--junit', junit], { now });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Deadline passed: no verdict within the deadline (300 s)');
    expect(readFileSync(junit, 'utf8')).toContain('name="deadline"');
    expect(sfn.commandCalls(DescribeExecutionCommand).length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [['verify-deployment', 'run', 'prod', '--frontend-tag', FRONTEND], '--backend-tag is required'],
    // The bare form (`run` is the group's default command) reaches the same checks.
    [['verify-deployment', 'prod', '--frontend-tag', FRONTEND], '--backend-tag is required'],
    [
      [...ARGS.slice(0, 4), 'backend-2.0.1-staging-a7b3c9d', ...ARGS.slice(5)],
      "does not follow 'backend-{semver}-prod-",
    ],
    [[...ARGS, '--deadline', 'soon'], "--deadline: 'soon' is not a duration"],
  ])('exits 2 without starting anything for %j', async (argv, message) => {
    givenExecution({ status: 'SUCCEEDED', output: output() });
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('parseDeadline', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDeadline(text)).toBe(ms);
  });

  it.each(['', '0m', '15', 'm'])('refuses %j', (text) => {
    expect(() => parseDeadline(text)).toThrow('--deadline');
  });
});

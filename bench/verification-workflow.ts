/**
 * Deployment verification workflow bench: the synthesized `interactions-dev-deployment-verification`
 * state machine run locally with its real check-deployment-state, run-deployment-probes and
 * summarize-verification handlers, against simulated latency: each AWS read answers after a delay
 * (ECS 300 ms, its task definition 150 ms, ELBv2 250 ms, alarms 200 ms, metrics 350 ms, secrets 50
 * ms) and the probes call a fake application answering after 200 ms. notify-outcome is stubbed (it
 * writes to S3 and SNS); cache and database are skipped or failed fast, as no server is started here.
 * The run's wall time is compared with its slowest check (goal: at most 1.2x) and with the sum of its
 * checks (what running them one after another would take).
 * `npx tsx bench/verification-workflow.ts [runs]` writes bench/results/verification-workflow.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Template } from 'aws-cdk-lib/assertions';
import { createHandler as deploymentStateHandler } from '../functions/check-deployment-state/handler.js';
import { createHandler as probesHandler } from '../functions/run-deployment-probes/handler.js';
import { createHandler as summarizeHandler } from '../functions/summarize-verification/handler.js';
import { names } from '../shared/naming.js';
import { startHttpServer } from '../tests/support/services/http.js';
import { extractStateMachine, runStateMachine } from '../tests/support/state-machine-harness.js';
import { synthesizeWorkflow } from '../tests/support/testbed/workflows.js';
import type { DeploymentVerificationOutput } from '../workflows/deployment-verification/contract.js';

/** Simulated latency of each AWS read, by SDK command name, in ms. */
const AWS_LATENCY_MS: Readonly<Record<string, number>> = {
  DescribeServicesCommand: 300,
  DescribeTaskDefinitionCommand: 150,
  DescribeTargetHealthCommand: 250,
  DescribeAlarmsCommand: 200,
  GetMetricDataCommand: 350,
  GetSecretValueCommand: 50,
  DescribeReplicationGroupsCommand: 50,
};
const APP_LATENCY_MS = 200;
const ENV = 'dev';
const TAG = { backend: 'backend-2.0.1-dev-a7b3c9d', frontend: 'frontend-1.4.0-dev-a7b3c9d' } as const;

/** Summary the bench writes. */
export interface VerificationWorkflowBenchResult {
  readonly runs: number;
  /** Median wall time of one execution (every state, both branches, the summary). */
  readonly workflowMs: number;
  /** Median duration of the run's slowest check, and its name. */
  readonly slowestCheckMs: number;
  readonly slowestCheck: string;
  /** Median sum of the checks' durations: running them one after another. */
  readonly sequentialMs: number;
  readonly ratioToSlowest: number;
  readonly meetsGoal: boolean;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An SDK client stand-in: each command answers after its latency with `answer(command)`. */
function slowClient(answer: (name: string, input: Record<string, unknown>) => unknown) {
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      await sleep(AWS_LATENCY_MS[name] ?? 100);
      return answer(name, command.input);
    },
  };
}

function awsAnswer(name: string, input: Record<string, unknown>): unknown {
  const component = String(input.taskDefinition ?? '').includes('frontend') ? 'frontend' : 'backend';
  switch (name) {
    case 'DescribeServicesCommand':
      return {
        services: (['backend', 'frontend'] as const).map((c) => ({
          serviceName: names.service(ENV, c),
          loadBalancers: [
            { targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${c}/0abc` },
          ],
          deployments: [
            {
              status: 'PRIMARY',
              taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/interactions-dev-${c}:8`,
              rolloutState: 'COMPLETED',
              desiredCount: 2,
              runningCount: 2,
              createdAt: new Date(),
            },
          ],
          events: [],
        })),
      };
    case 'DescribeTaskDefinitionCommand':
      return {
        taskDefinition: { containerDefinitions: [{ image: `repo/interactions-dev-${component}:${TAG[component]}` }] },
      };
    case 'DescribeTargetHealthCommand':
      return {
        TargetHealthDescriptions: [{ Target: { Id: '10.0.1.5', Port: 80 }, TargetHealth: { State: 'healthy' } }],
      };
    case 'DescribeAlarmsCommand':
      return { MetricAlarms: [], CompositeAlarms: [] };
    case 'GetMetricDataCommand':
      return {
        MetricDataResults: ((input.MetricDataQueries as { Id: string }[]) ?? []).map((q) => ({
          Id: q.Id,
          Values: [1],
        })),
      };
    case 'GetSecretValueCommand':
      return String(input.SecretId).endsWith('verification-login')
        ? { SecretString: JSON.stringify({ username: 'verification-bot', password: 'correct horse battery staple' }) }
        : { SecretString: JSON.stringify({ host: '127.0.0.1', port: 9, username: 'u', password: 'p', dbname: 'd' }) };
    case 'DescribeReplicationGroupsCommand':
      return { ReplicationGroups: [{ NodeGroups: [{ PrimaryEndpoint: { Address: '127.0.0.1', Port: 9 } }] }] };
    default:
      throw new Error(`bench: no answer for ${name}`);
  }
}

/** Runs the workflow `runs` times (after one warm-up) and returns the summary. */
export async function runVerificationWorkflowBench(runs = 5): Promise<VerificationWorkflowBenchResult> {
  const app = await startHttpServer();
  app.set({ delayMs: APP_LATENCY_MS });
  try {
    const { stack } = synthesizeWorkflow('deployment-verification', ENV, { appUrl: app.url, cdnUrl: app.url });
    const sm = extractStateMachine(Template.fromStack(stack), {
      name: names.stateMachine(ENV, 'deployment-verification'),
    });
    const env = { ENVIRONMENT: ENV, WORKFLOW: 'deployment-verification', AWS_REGION: 'us-east-1' };
    const aws = slowClient(awsAnswer);
    // The alarms paginator insists on a real CloudWatchClient: one whose send is the slow stand-in.
    const cloudWatch = Object.assign(new CloudWatchClient({ region: 'us-east-1' }), { send: aws.send });
    const lambdas = {
      [names.lambdaFunction(ENV, 'check-deployment-state')]: deploymentStateHandler({
        env,
        clients: { ecs: () => aws, elbv2: () => aws, cloudWatch: () => cloudWatch } as never,
      }),
      [names.lambdaFunction(ENV, 'run-deployment-probes')]: probesHandler({
        env,
        clients: { secrets: () => aws, elastiCache: () => aws } as never,
      }),
      [names.lambdaFunction(ENV, 'summarize-verification')]: summarizeHandler({ env }),
      [names.lambdaFunction(ENV, 'notify-outcome')]: async () => ({
        reports: { bucket: names.reportsBucket(ENV), json: 'r.json', markdown: 'r.md' },
      }),
    };
    const mocks = {
      'Read deployed image tags': {
        Return: {
          Parameters: (['backend', 'frontend'] as const).map((c) => ({
            Name: `/interactions/${ENV}/images/${c}-tag`,
            Value: TAG[c],
          })),
        },
      },
    };
    const measured: { workflowMs: number; slowest: { name: string; ms: number }; sumMs: number }[] = [];
    for (let i = 0; i <= runs; i += 1) {
      const started = performance.now();
      const run = await runStateMachine(sm, {
        input: { trigger: 'ci', expected: { backendTag: TAG.backend, frontendTag: TAG.frontend } },
        executionName: `bench-${i}`,
        lambdas,
        mocks,
      });
      const workflowMs = performance.now() - started;
      if (run.status !== 'SUCCEEDED') throw new Error(`bench run ${i} ${run.status}: ${run.error} ${run.cause}`);
      const checks = (run.output as DeploymentVerificationOutput).checks.filter((c) => c.status !== 'skipped');
      const slowest = checks.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      // The first run warms up module loading and the engine.
      if (i > 0) {
        measured.push({
          workflowMs,
          slowest: { name: slowest.name, ms: slowest.durationMs },
          sumMs: checks.reduce((sum, c) => sum + c.durationMs, 0),
        });
      }
    }
    const workflowMs = median(measured.map((m) => m.workflowMs));
    const slowestCheckMs = median(measured.map((m) => m.slowest.ms));
    const ratio = workflowMs / slowestCheckMs;
    return {
      runs,
      workflowMs: Math.round(workflowMs),
      slowestCheckMs: Math.round(slowestCheckMs),
      slowestCheck: measured[0]?.slowest.name ?? '-',
      sequentialMs: Math.round(median(measured.map((m) => m.sumMs))),
      ratioToSlowest: Math.round(ratio * 100) / 100,
      meetsGoal: ratio <= 1.2,
    };
  } finally {
    await app.close();
  }
}

/** The figures as a section of docs/benchmarks.md. */
export function verificationWorkflowMarkdown(result: VerificationWorkflowBenchResult): string[] {
  return [
    '## Deployment verification (the workflow)',
    '',
    'The synthesized dev state machine run locally with its real check and summary handlers (notify-outcome',
    `stubbed): AWS reads answering after ${Object.values(AWS_LATENCY_MS).join('/')} ms, the fake application after`,
    `${APP_LATENCY_MS} ms per request; median of ${result.runs} runs. Goal: at most 1.2x its slowest check.`,
    '',
    '| what | ms |',
    '| --- | ---: |',
    `| the whole execution (both branches, summary, report) | ${result.workflowMs} |`,
    `| its slowest check (${result.slowestCheck}) | ${result.slowestCheckMs} |`,
    `| its checks one after another (sum) | ${result.sequentialMs} |`,
    `| ratio execution / slowest | ${result.ratioToSlowest.toFixed(2)} (${result.meetsGoal ? 'goal met' : 'goal NOT met'}) |`,
    '',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const result = await runVerificationWorkflowBench(runs);
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'verification-workflow.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

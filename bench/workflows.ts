/**
 * Workflow bench: runs the harness's sample state machine N times locally (real handlers, mocked
 * SDK integrations, one throttling retry, two polls) and reports execution time, transitions and
 * Lambda invocations per run. `npx tsx bench/workflows.ts [runs]` writes bench/results/workflows.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSnapshot, summarizeTarget } from '../tests/support/harness/fixtures/sample-handlers.js';
import {
  buildSampleWorkflowStack,
  PREPARE_FUNCTION_NAME,
  SAMPLE_STATE_MACHINE_NAME,
  THROTTLING_ERROR,
} from '../tests/support/harness/fixtures/sample-workflow-stack.js';
import { extractStateMachine, runStateMachine, validateDefinition } from '../tests/support/state-machine-harness.js';

/** Summary the bench writes. */
export interface WorkflowBenchResult {
  readonly runs: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Validation once per definition (asl-validator compiles its schemas: the slow part). */
  readonly validateMs: number;
  readonly transitionsPerRun: number;
  readonly lambdaInvocationsPerRun: number;
  readonly sdkCallsPerRun: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Runs the sample workflow `runs` times (after one warm-up) and returns the summary. */
export async function runWorkflowBench(runs = 50): Promise<WorkflowBenchResult> {
  const { template } = buildSampleWorkflowStack();
  const sm = extractStateMachine(template, { name: SAMPLE_STATE_MACHINE_NAME });
  const validateStart = performance.now();
  validateDefinition(sm.definition);
  const validateMs = performance.now() - validateStart;
  const summarizeId = sm.functions.find((f) => f.logicalId.startsWith('SummarizeTargetFunction'))?.logicalId ?? '';
  const options = {
    input: { dbInstanceIdentifier: 'interactions-dev-postgres', targets: ['us-west-2', 'eu-west-1'] },
    executionName: 'bench',
    lambdas: { [PREPARE_FUNCTION_NAME]: prepareSnapshot, [summarizeId]: summarizeTarget },
    mocks: {
      'Create snapshot': [{ Throw: { Error: THROTTLING_ERROR, Cause: 'Rate exceeded' } }, { Return: {} }],
      'Describe snapshot': [
        { Return: { DbSnapshots: [{ Status: 'creating' }] } },
        { Return: { DbSnapshots: [{ Status: 'available' }] } },
      ],
    },
  };
  await runStateMachine(sm, options);
  const durations: number[] = [];
  let transitions = 0;
  let lambdaInvocations = 0;
  let sdkCalls = 0;
  for (let i = 0; i < runs; i++) {
    const result = await runStateMachine(sm, options);
    if (result.status !== 'SUCCEEDED') throw new Error(`Bench run ${i} ended ${result.status}: ${result.error}`);
    durations.push(result.durationMs);
    transitions += result.transitions;
    lambdaInvocations += result.lambdaInvocations.length;
    sdkCalls += result.sdkCalls.length;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    runs,
    meanMs: round(durations.reduce((a, b) => a + b, 0) / runs),
    p95Ms: round(percentile(sorted, 95)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    validateMs: round(validateMs),
    transitionsPerRun: transitions / runs,
    lambdaInvocationsPerRun: lambdaInvocations / runs,
    sdkCallsPerRun: sdkCalls / runs,
  };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  process.env.CDK_VALIDATION ??= 'false';
  const runs = Number(process.argv[2] ?? 50);
  const result = await runWorkflowBench(runs);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'workflows.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
}

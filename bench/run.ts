/**
 * `npm run bench`: the project's speed and size figures, side by side in one run.
 *   - synth: the whole app (every environment, cdk-nag and CloudFormation validation on), and each
 *     environment alone, as `npm run synth` does it;
 *   - tests: the wall time of the full test suite (`npm test`);
 *   - bundles: per function, size and cold-start init of our bundle vs. NodejsFunction's default;
 *   - workflows: local state machine executions (time, transitions, Lambda invocations);
 *   - verification: `verify-deployment --local` wall time vs its slowest probe and vs one after another,
 *     and the deployment-verification workflow's wall time vs its slowest check and vs their sum.
 *   - remediation: the alarm storm through remediation intake (bench/remediation-storm.ts).
 *   - drills: each drill's local run through a simulated 30-minute restore (transitions against
 *     their goal, Lambda invocations, RTO resolution).
 * Figures go to bench/results/*.json and docs/benchmarks.md; nothing here asserts a time.
 * `--only synth,tests,bundles,workflows,verification,remediation,drills` picks parts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type FunctionResult, runBundleBench } from './bundles.js';
import { type DrillBenchResult, runDrillBench, TRANSITIONS_GOAL } from './drills.js';
import {
  describeRemediationStorm,
  type RemediationStormResult,
  runRemediationStormBench,
} from './remediation-storm.js';
import { runVerificationBench, type VerificationBenchResult, verificationMarkdown } from './verification.js';
import {
  runVerificationWorkflowBench,
  type VerificationWorkflowBenchResult,
  verificationWorkflowMarkdown,
} from './verification-workflow.js';
import { runWorkflowBench, type WorkflowBenchResult } from './workflows.js';

interface Timing {
  readonly what: string;
  readonly seconds: number;
  readonly ok: boolean;
}

function timeCommand(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Timing {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) console.error(`${what} failed:\n${result.stderr?.toString().slice(-2000)}`);
  return { what, seconds, ok: result.status === 0 };
}

const only = process.argv.includes('--only')
  ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',')
  : undefined;
const wants = (part: string): boolean => only === undefined || only.includes(part);
mkdirSync('bench/results', { recursive: true });
const results: {
  measuredAt: string;
  node: string;
  machine: string;
  timings?: Timing[];
  bundles?: FunctionResult[];
  workflows?: WorkflowBenchResult;
  verification?: VerificationBenchResult;
  remediation?: RemediationStormResult;
  verificationWorkflow?: VerificationWorkflowBenchResult;
  drills?: DrillBenchResult[];
} = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
};

if (wants('synth') || wants('tests')) {
  const timings: Timing[] = [];
  // Bundles first, so synth and tests measure their own work rather than a first bundle.
  timeCommand('bundle', 'node', ['esbuild.config.mjs']);
  const noCredentials = { AWS_PROFILE: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
  if (wants('synth')) {
    timings.push(
      timeCommand(
        'synth: all environments',
        'npx',
        ['cdk', 'synth', '--quiet', '-o', '.tmp/bench-cdk.out'],
        noCredentials,
      ),
    );
    for (const env of ['dev', 'staging', 'prod']) {
      timings.push(
        timeCommand(
          `synth: ${env} only`,
          'npx',
          ['cdk', 'synth', '--quiet', '-c', `env=${env}`, '-o', `.tmp/bench-cdk.out-${env}`],
          noCredentials,
        ),
      );
    }
  }
  if (wants('tests')) timings.push(timeCommand('tests: full suite', 'npx', ['jest', '--ci', '--silent']));
  console.log('\nSynth and test times (wall clock, this machine)');
  for (const t of timings)
    console.log(`  ${t.what.padEnd(28)} ${t.seconds.toFixed(1).padStart(7)} s ${t.ok ? '' : '(FAILED)'}`);
  results.timings = timings;
}
if (wants('bundles')) results.bundles = await runBundleBench();
if (wants('workflows')) results.workflows = await runWorkflowBench();
if (wants('remediation')) results.remediation = await runRemediationStormBench();
if (wants('verification')) {
  results.verification = await runVerificationBench();
  results.verificationWorkflow = await runVerificationWorkflowBench();
}
if (wants('drills')) results.drills = await runDrillBench();

writeFileSync('bench/results/summary.json', `${JSON.stringify(results, null, 2)}\n`);
if (only === undefined) writeFileSync('docs/benchmarks.md', renderMarkdown());
console.log(`\nWrote bench/results/summary.json${only === undefined ? ' and docs/benchmarks.md' : ''}`);

/** The figures as a page for people: what was measured, on what, and against which goal. */
function renderMarkdown(): string {
  const lines = [
    '# Benchmarks',
    '',
    `Measured ${results.measuredAt} with \`npm run bench\` (Node ${results.node}, ${results.machine}).`,
    'Wall-clock figures from one machine: compare them side by side, not across machines.',
    '',
    '## Synth and tests',
    '',
    '| what | seconds |',
    '| --- | ---: |',
    ...(results.timings ?? []).map((t) => `| ${t.what} | ${t.seconds.toFixed(1)}${t.ok ? '' : ' (failed)'} |`),
    '',
    '## Function bundles',
    '',
    "Ours: ESM, minified, SDK bundled, Lambda-only shims (esbuild.config.mjs). Default: what CDK's",
    'NodejsFunction builds with no options (CommonJS, not minified, `@aws-sdk/*` left to the runtime).',
    'Init: median time to import the bundle in a fresh Node process (handler modules create their',
    'clients lazily, so this is module evaluation). Goals: bundle under 500 KB; init at most half the default.',
    '',
    '| function | ours KB | gzip KB | init ms | default KB | init ms | ratio | < 500 KB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...(results.bundles ?? []).map((b) => {
      const ratio =
        b.ours.initMs !== null && b.nodejsFunctionDefault.initMs
          ? (b.ours.initMs / b.nodejsFunctionDefault.initMs).toFixed(2)
          : '-';
      return `| ${b.name} | ${(b.ours.bytes / 1024).toFixed(0)} | ${(b.ours.gzipBytes / 1024).toFixed(0)} | ${b.ours.initMs ?? '-'} | ${(b.nodejsFunctionDefault.bytes / 1024).toFixed(0)} | ${b.nodejsFunctionDefault.initMs ?? '-'} | ${ratio} | ${b.under500KB ? 'yes' : 'no'} |`;
    }),
    '',
    '## Local workflow executions',
    '',
  ];
  const w = results.workflows;
  if (w !== undefined) {
    lines.push(
      `The harness's sample state machine (tests/support/harness/fixtures), ${w.runs} runs: mean ${w.meanMs} ms,`,
      `p95 ${w.p95Ms} ms, max ${w.maxMs} ms; ${w.transitionsPerRun} state transitions, ${w.lambdaInvocationsPerRun} Lambda`,
      `invocations and ${w.sdkCallsPerRun} SDK calls per run; validating the definition once: ${w.validateMs} ms.`,
    );
  }
  if (results.verification !== undefined) lines.push('', ...verificationMarkdown(results.verification));
  if (results.remediation)
    lines.push('', '## Alarm storm (remediation intake)', '', ...describeRemediationStorm(results.remediation));
  if (results.verificationWorkflow !== undefined) {
    lines.push('', ...verificationWorkflowMarkdown(results.verificationWorkflow));
  }
  if (results.drills !== undefined) {
    lines.push(
      '',
      '## Drills',
      '',
      "Each drill's synthesized state machine (prod; the failover drill: staging, where it runs) run locally through a simulated slow",
      'restore (the failover drill: an experiment of that many minutes, just inside its budget). Goal: at most',
      `${TRANSITIONS_GOAL} state transitions per run. RTO resolution: the poll interval (the restore's end is seen within one).`,
      '',
      '| drill | restore min | status | transitions | within goal | Lambda invocations | SDK calls | RTO resolution s | wall ms |',
      '| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |',
      ...results.drills.map(
        (d) =>
          `| ${d.drill} | ${d.restoreMinutes} | ${d.status} | ${d.transitions} | ${d.withinTransitionsGoal ? 'yes' : 'no'} | ${d.lambdaInvocations} | ${d.sdkCalls} | ${d.rtoResolutionSeconds} | ${d.wallMs} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

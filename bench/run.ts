/**
 * `npm run bench`: the project's speed and size figures, side by side in one run.
 *   - synth: the whole app (every environment, cdk-nag and CloudFormation validation on), and each
 *     environment alone, as `npm run synth` does it;
 *   - tests: the wall time of the full test suite (`npm test`);
 *   - bundles: per function, size and cold-start init of our bundle vs. NodejsFunction's default;
 *   - workflows: local state machine executions (time, transitions, Lambda invocations).
 * Figures go to bench/results/*.json and docs/benchmarks.md; nothing here asserts a time.
 * `--only synth,tests,bundles,workflows` picks parts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runBundleBench } from './bundles.js';
import { runWorkflowBench } from './workflows.js';

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
const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };

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

writeFileSync('bench/results/summary.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nWrote bench/results/summary.json');

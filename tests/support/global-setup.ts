/**
 * Jest global setup: bundles every function once before any test runs, so infra tests synthesize
 * the real `dist/functions/<name>` assets (AutomationFunction refuses to synth without them).
 * Runs the bundler as its own process: esbuild.config.mjs is ESM, jest's setup is compiled to CommonJS.
 */
import { spawnSync } from 'node:child_process';

export default function globalSetup(): void {
  const result = spawnSync(process.execPath, ['esbuild.config.mjs'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`Bundling the functions failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
}

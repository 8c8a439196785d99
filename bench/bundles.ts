/**
 * Bundle size and cold-start init of each function: our deployed form (ESM, SDK bundled, minified)
 * against NodejsFunction's default (CommonJS, `@aws-sdk/*` external: resolved from node_modules,
 * as the Lambda runtime provides it). Init = time to import the bundle in a fresh `node` process
 * (module load builds the logger, metrics, tracer and reads the settings; clients are lazy), the
 * median of N runs. Goals (architecture): each bundle < 500 KB, init <= half of the default.
 * `npx tsx bench/bundles.ts [runs]` alone, or through bench/run.ts. Writes bench/results/bundles.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}
type BundleFunctions = (options: {
  outdir?: string;
  style?: 'deploy' | 'nodejs-function-default';
}) => Promise<Bundle[]>;

/** One variant of one function. */
export interface VariantResult {
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median import time in ms; null when the bundle failed to load (error says why). */
  readonly initMs: number | null;
  readonly initRuns: readonly number[];
  readonly error?: string;
}

/** Both variants of one function and whether it meets the goals. */
export interface FunctionResult {
  readonly name: string;
  readonly ours: VariantResult;
  readonly nodejsFunctionDefault: VariantResult;
  readonly under500KB: boolean;
  readonly initAtMostHalf: boolean | null;
}

// Enough for every function's settings to validate at import; values are placeholders (nothing is called).
const BENCH_ENV: Record<string, string> = {
  ENVIRONMENT: 'dev',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  REPORTS_BUCKET: 'interactions-dev-automation-reports',
  TOPIC_ARN_HIGH: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-high',
  TOPIC_ARN_MEDIUM: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-medium',
  TOPIC_ARN_LOW: 'arn:aws:sns:us-east-1:123456789012:interactions-dev-alerts-low',
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Imports `file` in a fresh node process `runs` times; returns each import's duration in ms. */
function measureInit(file: string, format: 'esm' | 'cjs', runs: number): { runs: number[]; error?: string } {
  const load =
    format === 'esm' ? `await import(${JSON.stringify(pathToFileURL(file).href)})` : `require(${JSON.stringify(file)})`;
  const script = `const { createRequire } = await import('node:module'); const require = createRequire(${JSON.stringify(pathToFileURL(file).href)});
const t = performance.now(); const m = ${load}; const ms = performance.now() - t;
if (typeof (m.handler ?? m.default?.handler) !== 'function') throw new Error('no handler export');
process.stdout.write(String(ms));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...BENCH_ENV },
      encoding: 'utf8',
    });
    if (result.status !== 0) return { runs: times, error: result.stderr.trim().split('\n').slice(-3).join(' ') };
    times.push(Number(result.stdout));
  }
  return { runs: times };
}

function variant(bundle: Bundle, format: 'esm' | 'cjs', runs: number): VariantResult {
  const measured = measureInit(bundle.file, format, runs);
  return {
    bytes: bundle.bytes,
    gzipBytes: gzipSync(readFileSync(bundle.file)).length,
    initMs: measured.error === undefined ? Number(median(measured.runs).toFixed(1)) : null,
    initRuns: measured.runs.map((ms) => Number(ms.toFixed(1))),
    ...(measured.error === undefined ? {} : { error: measured.error }),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** Bundles both variants, measures them and writes bench/results/bundles.json. */
export async function runBundleBench(runs = 15): Promise<FunctionResult[]> {
  const root = resolve('.');
  const config = (await import(pathToFileURL(join(root, 'esbuild.config.mjs')).href)) as {
    bundleFunctions: BundleFunctions;
  };
  // Inside the repository, so the SDK-external variant resolves @aws-sdk/* from its node_modules.
  const benchDir = join(root, 'dist', 'bench');
  const ours = await config.bundleFunctions({ outdir: join(benchDir, 'esm') });
  const defaults = await config.bundleFunctions({
    outdir: join(benchDir, 'nodejs-function-default'),
    style: 'nodejs-function-default',
  });

  const results: FunctionResult[] = ours.map((bundle) => {
    const baseline = defaults.find((d) => d.name === bundle.name);
    if (baseline === undefined) throw new Error(`no default-style bundle for ${bundle.name}`);
    const mine = variant(bundle, 'esm', runs);
    const theirs = variant(baseline, 'cjs', runs);
    return {
      name: bundle.name,
      ours: mine,
      nodejsFunctionDefault: theirs,
      under500KB: mine.bytes < 500 * 1024,
      initAtMostHalf: mine.initMs === null || theirs.initMs === null ? null : mine.initMs <= theirs.initMs / 2,
    };
  });

  console.log(
    `\nBundles: ours (ESM, SDK bundled) vs NodejsFunction default (CJS, SDK external); init = median of ${runs} fresh imports, ${process.version}`,
  );
  console.log(
    `${'function'.padEnd(28)} ${'ours'.padStart(8)} ${'gzip'.padStart(7)} ${'init ms'.padStart(8)} | ${'default'.padStart(8)} ${'gzip'.padStart(7)} ${'init ms'.padStart(8)} | <500KB  init<=1/2`,
  );
  for (const r of results) {
    const ms = (v: VariantResult) => (v.initMs === null ? 'error' : v.initMs.toFixed(1));
    console.log(
      `${r.name.padEnd(28)} ${kb(r.ours.bytes).padStart(8)} ${kb(r.ours.gzipBytes).padStart(7)} ${ms(r.ours).padStart(8)} | ${kb(r.nodejsFunctionDefault.bytes).padStart(8)} ${kb(r.nodejsFunctionDefault.gzipBytes).padStart(7)} ${ms(r.nodejsFunctionDefault).padStart(8)} | ${String(r.under500KB).padEnd(7)} ${String(r.initAtMostHalf)}`,
    );
    for (const v of [r.ours, r.nodejsFunctionDefault]) if (v.error) console.log(`  ${r.name}: ${v.error}`);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/bundles.json',
    `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, runs, functions: results }, null, 2)}\n`,
  );
  console.log('Wrote bench/results/bundles.json');
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runBundleBench(Number(process.argv[2] ?? 15));
}

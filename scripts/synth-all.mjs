#!/usr/bin/env node
/**
 * The main job: synthesizes every environment (or `--env <name>`) with cdk-nag and CloudFormation
 * validation, without AWS credentials, then reports each stack it produced. Exits non-zero on any
 * config error or unacknowledged cdk-nag finding; warnings (e.g. an environment whose high-severity
 * alerts reach nobody) are printed by `cdk synth` and counted here, but do not fail.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const envIndex = args.indexOf('--env');
const env = envIndex >= 0 ? args[envIndex + 1] : undefined;
const outdir = 'cdk.out';

rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
// Synth makes no network call: no notices fetched (`--no-notices`; deploys still show them), no
// check for a newer CDK CLI, and no telemetry (cdk.json `cli-telemetry: false`, for every command).
// npm's own update check is off in .npmrc.
const cdkArgs = ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir, ...(env ? ['-c', `env=${env}`] : [])];
// Synth must never need an account: strip any ambient credentials and profile.
const childEnv = {
  ...process.env,
  AWS_PROFILE: '',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  CDK_DISABLE_VERSION_CHECK: 'true',
};
const result = spawnSync('npx', cdkArgs, { stdio: 'inherit', env: childEnv });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.status !== 0) {
  console.error(`\nsynth failed after ${seconds}s (exit ${result.status})`);
  process.exit(result.status ?? 1);
}

const templates = readdirSync(outdir)
  .filter((f) => f.endsWith('.template.json'))
  .sort();
console.log(
  `\nSynthesized ${templates.length} stacks in ${seconds}s into ${outdir}/ (cdk-nag: no unacknowledged findings)`,
);
console.log(`${'stack'.padEnd(34)} ${'resources'.padStart(9)} ${'size KB'.padStart(8)}`);
for (const file of templates) {
  const text = readFileSync(join(outdir, file), 'utf8');
  const resources = Object.keys(JSON.parse(text).Resources ?? {}).length;
  console.log(
    `${file.replace('.template.json', '').padEnd(34)} ${String(resources).padStart(9)} ${(text.length / 1024).toFixed(0).padStart(8)}`,
  );
}

// CDK writes each stack's annotations to <stack>.metadata.json; name the warnings once more at the
// end, since `cdk synth` prints them above the long cdk-nag-free output where they are easy to miss.
const warnings = readdirSync(outdir)
  .filter((f) => f.endsWith('.metadata.json'))
  .sort()
  .flatMap((file) =>
    Object.values(JSON.parse(readFileSync(join(outdir, file), 'utf8')))
      .flat()
      .filter((entry) => entry.type === 'aws:cdk:warning')
      .map((entry) => `${file.replace('.metadata.json', '')}: ${String(entry.data).replace(/ \[ack: .*\]$/, '')}`),
  );
if (warnings.length > 0) {
  console.log(`\n${warnings.length} warning(s), not failures:`);
  for (const warning of warnings) console.log(`  - ${warning}`);
}

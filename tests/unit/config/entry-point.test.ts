/**
 * The CDK entry point (infra/bin/app.ts) as `cdk synth` runs it: a bad configuration prints the list
 * of its problems, each naming its field, and exits 1 without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

function synth(context: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  try {
    // cdk passes context to the app in CDK_CONTEXT_JSON and the output directory in CDK_OUTDIR.
    return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['infra/bin/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
      timeout: 120_000,
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the CDK entry point with a bad configuration', () => {
  it('prints each problem with its field and exits 1, without a stack trace', () => {
    // Act
    const result = synth({ env: 'dev', backendTag: 'bogus', frontendTag: 'frontend-1.2.3-prod-a7b3c9d' });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration for environment 'dev':");
    expect(result.stderr).toContain("- compute.images.backendTag: 'bogus' does not follow");
    expect(result.stderr).toContain("- compute.images.frontendTag: 'frontend-1.2.3-prod-a7b3c9d' does not follow");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('ConfigError');
  });
});

/**
 * Every test builds its CDK App with `testApp()` (tests/support/cdk-app.ts), so it synthesizes with
 * cdk.json's feature flags as `cdk synth` does. An App built directly would silently test templates
 * the deploy never produces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FeatureFlags } from 'aws-cdk-lib';
import { testApp } from '../support/cdk-app.js';

const TESTS = join(__dirname, '..');
const HELPER = join(TESTS, 'support', 'cdk-app.ts');
const DIRECT_APP = /\bnew\s+(?:\w+\.)?App\s*\(/;

/** Every .ts file under tests/, fixtures included. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line` of each direct App construction in the given files. */
function directAppConstructions(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (DIRECT_APP.test(line) ? [`${relative(TESTS, file)}:${index + 1}`] : [])),
  );
}

describe('CDK apps in tests', () => {
  // This file is left out: its examples below are the pattern itself.
  it('are all built with testApp() from tests/support/cdk-app.ts, never with new App(...)', () => {
    // Act
    const offenders = directAppConstructions(
      typeScriptFiles(TESTS).filter((file) => file !== HELPER && file !== __filename),
    );

    // Assess
    expect(offenders).toEqual([]);
  });

  it("builds the App with cdk.json's feature flags", () => {
    // Act
    const app = testApp();

    // Assess
    expect(FeatureFlags.of(app).isEnabled('@aws-cdk/core:enablePartitionLiterals')).toBe(true);
    expect(app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences')).toBe('strong');
  });

  it('lets a test add context, e.g. the environment selection', () => {
    expect(testApp({ context: { env: 'prod' } }).node.tryGetContext('env')).toBe('prod');
  });

  it.each([
    ['new App()', true],
    ['const app = new App({ context: {} });', true],
    ['new cdk.App()', true],
    ['const app = testApp();', false],
    ['new AppParameters(stack, "Params")', false],
  ])('recognizes %j as a direct construction: %s', (line, expected) => {
    expect(DIRECT_APP.test(line)).toBe(expected);
  });
});

/**
 * JUnit XML for CI from check results (`--junit <file>`): one test suite, one test case per check;
 * a failed check is a `<failure>` carrying its finding, a skipped one `<skipped>`. CI systems
 * (GitHub Actions reporters, GitLab, Jenkins) show each check as a test. Used by `verify-deployment`
 * in both modes, so the local probes and the workflow produce the same report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import junitReportBuilder from 'junit-report-builder';
import type { CheckResult } from '../shared/probes/check.js';
import { CommandFailedError } from './context.js';

/** One suite of check results. */
export interface JunitSuite {
  /** Suite name, e.g. `deployment-verification.prod`. */
  readonly name: string;
  /** Class name of every test case (groups them in CI views), e.g. `verify-deployment.prod`. */
  readonly className: string;
  readonly results: readonly CheckResult[];
  /** Wall time of the whole run. @default the longest check (they run in parallel) */
  readonly durationMs?: number;
  /** Suite properties shown by some CI systems (mode, tags). @default none */
  readonly properties?: Readonly<Record<string, string>>;
}

/** The JUnit XML text of one suite. */
export function junitXml(suite: JunitSuite): string {
  const builder = junitReportBuilder.newBuilder();
  const testSuite = builder.testSuite().name(suite.name);
  for (const [name, value] of Object.entries(suite.properties ?? {})) testSuite.property(name, value);
  testSuite.time((suite.durationMs ?? Math.max(0, ...suite.results.map((result) => result.durationMs))) / 1000);
  for (const result of suite.results) {
    const testCase = testSuite
      .testCase()
      .className(suite.className)
      .name(result.name)
      .time(result.durationMs / 1000);
    if (result.status === 'fail') testCase.failure(result.finding, 'CheckFailed');
    else if (result.status === 'skipped') testCase.skipped().standardOutput(result.finding);
    else testCase.standardOutput(result.finding);
  }
  return builder.build();
}

/** Writes the suite's XML to `file` (parent directories created); a failure says which file and why. */
export function writeJunit(file: string, suite: JunitSuite): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, junitXml(suite));
  } catch (error) {
    throw new CommandFailedError(
      `cannot write the JUnit report to ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

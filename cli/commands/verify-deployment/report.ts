/**
 * How `verify-deployment` shows a verification's results, in either mode: a table on stdout (or the
 * report as JSON with `--json`), a one-line verdict on stderr, JUnit XML with `--junit`, and the
 * exit code CI gates on (0 no check failed, 1 a check failed).
 */
import type { CheckResult } from '../../../shared/probes/check.js';
import { overallStatus } from '../../../shared/probes/check.js';
import type { CliDeps, ExitCode } from '../../context.js';
import { EXIT } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { writeJunit } from '../../junit.js';

/** One verification's results, as printed with `--json`. */
export interface VerificationReport {
  readonly environment: string;
  /** `local`: probes run from this machine; `workflow`: run by the state machine. */
  readonly mode: 'local' | 'workflow';
  readonly status: 'pass' | 'fail';
  readonly startedAt: string;
  /** Wall time of the whole verification. */
  readonly durationMs: number;
  readonly checks: readonly CheckResult[];
}

/** Builds the report from results (its status is `fail` when any check failed). */
export function verificationReport(
  fields: Omit<VerificationReport, 'status' | 'checks'>,
  checks: readonly CheckResult[],
): VerificationReport {
  return { ...fields, status: overallStatus(checks), checks };
}

/** `12 ms`, `1.4 s`; `-` for a check that did not run. */
function duration(result: CheckResult): string {
  if (result.status === 'skipped') return '-';
  return result.durationMs < 1000 ? `${result.durationMs} ms` : `${(result.durationMs / 1000).toFixed(1)} s`;
}

/** `3 passed, 1 failed, 4 skipped`. */
export function countLine(checks: readonly CheckResult[]): string {
  const count = (status: CheckResult['status']) => checks.filter((check) => check.status === status).length;
  return `${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`;
}

/** Prints the report, writes JUnit when asked, and returns the exit code. */
export function reportVerification(
  report: VerificationReport,
  deps: CliDeps,
  options: { readonly json: boolean; readonly junit?: string },
): ExitCode {
  if (options.json) {
    deps.stdout(toJson(report));
  } else {
    deps.stdout(
      formatTable(
        ['CHECK', 'STATUS', 'TIME', 'FINDING'],
        report.checks.map((check) => [check.name, check.status.toUpperCase(), duration(check), check.finding]),
      ),
    );
  }
  const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.name);
  const verdict =
    failed.length === 0
      ? `verification of ${report.environment} passed`
      : `verification of ${report.environment} FAILED (${failed.join(', ')})`;
  deps.stderr(
    `${verdict}: ${countLine(report.checks)} in ${(report.durationMs / 1000).toFixed(1)} s` +
      `${options.junit ? `; JUnit report: ${options.junit}` : ''}\n`,
  );
  // Written after the results are shown: a JUnit file that cannot be written must not hide a verdict
  // that took minutes to get (the error still fails the command).
  if (options.junit !== undefined) {
    writeJunit(options.junit, {
      name: `deployment-verification.${report.environment}`,
      className: `verify-deployment.${report.environment}`,
      results: report.checks,
      durationMs: report.durationMs,
      properties: { environment: report.environment, mode: report.mode, startedAt: report.startedAt },
    });
  }
  return report.status === 'pass' ? EXIT.ok : EXIT.failed;
}

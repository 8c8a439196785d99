/**
 * The verdict of a deployment verification from every check group's results: `failed` when any
 * check failed; the one-line summary the notification, the report and the CLI show; and what to
 * tell notify-outcome (a pass is filed quietly, a failure notifies the workflow's failure severity).
 */

import type { Severity } from '../../shared/schemas.js';
import type {
  CheckResult,
  DeploymentVerificationRequest,
  Verdict,
} from '../../workflows/deployment-verification/contract.js';
import { causeMessage } from '../notify-outcome/format-report.js';

/** What the state machine does with the verdict. */
export interface VerificationSummary {
  readonly verdict: Verdict;
  /** The request with its defaults filled, for the report and the output. */
  readonly request: DeploymentVerificationRequest;
  readonly checks: CheckResult[];
  readonly summary: string;
  /** notify-outcome's fields. */
  readonly report: {
    readonly status: 'SUCCEEDED' | 'FAILED';
    readonly severity: Severity;
    readonly publish: boolean;
  };
}

const TRIGGER_TEXT: Record<DeploymentVerificationRequest['trigger'], string> = {
  ci: 'after a CI deployment',
  'lifecycle-hook': 'on test traffic before production traffic',
  drift: 'drift check',
  manual: 'run by hand',
};

/** Names what was verified: the expected tags, or "the deployed tags" for drift. */
function subject(request: DeploymentVerificationRequest): string {
  const tags = [request.expected.backendTag, request.expected.frontendTag].filter((t) => t !== undefined);
  return tags.length > 0 ? tags.join(' and ') : 'the deployed tags';
}

/** A check group that did not finish (its Lambda failed or overran): caught by its Parallel branch. */
export interface FailedGroup {
  readonly group: string;
  readonly error: { readonly Error: string; readonly Cause: string };
}

/** A group that did not finish, as one failed check named after it. */
export function groupFailure(group: FailedGroup): CheckResult {
  const cause = causeMessage(group.error.Cause) ?? '';
  return {
    name: group.group,
    status: 'fail',
    durationMs: 0,
    finding: `the checks did not finish: ${group.error.Error}${cause === '' ? '' : `: ${cause}`}`,
  };
}

/** Summarizes the groups' results, in group order. */
export function summarize(
  groups: readonly ({ readonly checks: readonly CheckResult[] } | FailedGroup)[],
  request: DeploymentVerificationRequest,
  environment: string,
  failureSeverity: Severity,
): VerificationSummary {
  const checks = groups.flatMap((group) => ('group' in group ? [groupFailure(group)] : [...group.checks]));
  const failed = checks.filter((c) => c.status === 'fail');
  const passed = checks.filter((c) => c.status === 'pass').length;
  const skipped = checks.length - failed.length - passed;
  const verdict: Verdict = failed.length > 0 || checks.length === 0 ? 'failed' : 'passed';
  const counts = `${passed} passed, ${failed.length} failed, ${skipped} skipped`;
  const where = `${environment} (${subject(request)}, ${TRIGGER_TEXT[request.trigger]})`;
  const summary =
    verdict === 'passed'
      ? `Deployment verification passed in ${where}: ${counts}`
      : `Deployment verification FAILED in ${where}: ${checks.length === 0 ? 'no check ran' : `${counts}; failed: ${failed.map((c) => `${c.name} (${c.finding})`).join('; ')}`}`;
  return {
    verdict,
    request,
    checks,
    summary,
    report:
      verdict === 'passed'
        ? { status: 'SUCCEEDED', severity: 'low', publish: false }
        : { status: 'FAILED', severity: failureSeverity, publish: true },
  };
}

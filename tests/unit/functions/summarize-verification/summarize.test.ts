/** The verdict, summary and report plan of a deployment verification. */
import { summarize } from '../../../../functions/summarize-verification/summarize.js';
import type {
  CheckResult,
  DeploymentVerificationRequest,
} from '../../../../workflows/deployment-verification/contract.js';

const request: DeploymentVerificationRequest = {
  trigger: 'ci',
  expected: { backendTag: 'backend-2.0.1-prod-a7b3c9d', frontendTag: 'frontend-1.4.0-prod-a7b3c9d' },
};
const pass = (name: string): CheckResult => ({ name, status: 'pass', durationMs: 5, finding: 'ok' });

describe('summarize', () => {
  it('passes and files quietly when no check failed (skipped ones do not fail it)', () => {
    const result = summarize(
      [{ checks: [pass('ecs-deployment')] }, { checks: [{ ...pass('auth-flow'), status: 'skipped' }] }],
      request,
      'prod',
      'high',
    );
    expect(result).toMatchObject({
      verdict: 'passed',
      report: { status: 'SUCCEEDED', severity: 'low', publish: false },
    });
    expect(result.summary).toBe(
      'Deployment verification passed in prod (backend-2.0.1-prod-a7b3c9d and frontend-1.4.0-prod-a7b3c9d, after a CI deployment): 1 passed, 0 failed, 1 skipped',
    );
  });

  it('fails at the failure severity, naming each failed check and its finding', () => {
    const result = summarize(
      [
        {
          checks: [
            pass('ecs-deployment'),
            { name: 'alb-targets', status: 'fail', durationMs: 9, finding: 'x unhealthy' },
          ],
        },
      ],
      { trigger: 'drift', expected: {} },
      'prod',
      'high',
    );
    expect(result.report).toEqual({ status: 'FAILED', severity: 'high', publish: true });
    expect(result.summary).toContain('FAILED in prod (the deployed tags, drift check)');
    expect(result.summary).toContain('failed: alb-targets (x unhealthy)');
  });

  it('turns a group that did not finish into one failed check with the readable cause', () => {
    const result = summarize(
      [
        { checks: [pass('ecs-deployment')] },
        {
          group: 'probes',
          error: {
            Error: 'Lambda.Unknown',
            Cause: JSON.stringify({ errorMessage: 'Task timed out after 40.0 seconds' }),
          },
        },
      ],
      request,
      'dev',
      'low',
    );
    expect(result.checks[1]).toEqual({
      name: 'probes',
      status: 'fail',
      durationMs: 0,
      finding: 'the checks did not finish: Lambda.Unknown: Task timed out after 40.0 seconds',
    });
    expect(result.verdict).toBe('failed');
  });

  it('fails when no check ran at all', () => {
    expect(summarize([], request, 'dev', 'low')).toMatchObject({
      verdict: 'failed',
      summary: expect.stringContaining('no check ran'),
    });
  });
});

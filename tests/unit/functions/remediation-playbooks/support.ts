/** What the playbook tests share: a Lambda context, the alarm a playbook answers, the execution fields. */
import type { Context } from 'aws-lambda';
import type { PlaybookAlarm } from '../../../../workflows/alarm-remediation/contract.js';

export const context = { functionName: 'playbook', awsRequestId: 'r1' } as Context;
export const now = new Date('2026-03-01T12:00:00.000Z');
export const env = { ENVIRONMENT: 'prod', AWS_REGION: 'us-east-1' };

/** The alarm `interactions-prod-<suffix>` in ALARM since a minute before `now`. */
function alarm(suffix: string): PlaybookAlarm {
  return {
    name: `interactions-prod-${suffix}`,
    state: 'ALARM',
    changedAt: new Date(now.getTime() - 60_000).toISOString(),
  };
}

/** The payload the workflow sends a playbook. */
export function invocation(mode: 'plan' | 'act' | 'verify', alarmSuffix: string, policy: object, expectation?: object) {
  return {
    workflow: 'alarm-remediation',
    execution: 'remediation-1',
    startedAt: now.toISOString(),
    mode,
    alarm: alarm(alarmSuffix),
    policy,
    ...(expectation === undefined ? {} : { expectation }),
  };
}

/**
 * What the alarm remediation workflow tests share: the intake handler on an in-memory state store
 * (the DynamoDB store is tested against dynalite by intake's own tests), the real playbook
 * handlers (their SDK clients mocked by the test file), alarm events, and the SDK-integration mocks
 * of a normal run.
 */
import type { Context } from 'aws-lambda';
import { createHandler as createIntake } from '../../../functions/remediation-intake/handler.js';
import { handler as apiErrorRate } from '../../../functions/remediation-playbook-api-error-rate/handler.js';
import { handler as cacheMemory } from '../../../functions/remediation-playbook-cache-memory/handler.js';
import { handler as databaseCpu } from '../../../functions/remediation-playbook-database-cpu/handler.js';
import { handler as ecsServiceHealth } from '../../../functions/remediation-playbook-ecs-service-health/handler.js';
import { handler as rdsStorage } from '../../../functions/remediation-playbook-rds-storage/handler.js';
import { handler as securityNotify } from '../../../functions/remediation-playbook-security-notify/handler.js';
import { loadConfig } from '../../../infra/config/index.js';
import { alarmRemediationConfig } from '../../../infra/stacks/workflow-config.js';
import { names } from '../../../shared/naming.js';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import type { GuardrailPolicy } from '../../../shared/remediation/policy.js';
import type { StateStore } from '../../../shared/remediation/state-store.js';
import { eventBridgeAlarmEvent } from '../../support/alarm-events.js';
import type { LambdaHandler, MockedResponse } from '../../support/state-machine-harness.js';

const ENV = 'prod';
const config = loadConfig(ENV);
/** The guardrails the automation stack gives prod. */
export const prodPolicy: GuardrailPolicy = alarmRemediationConfig(config).policy;

/** The full name of a prod alarm. */
export const alarmName = (suffix: string) => `${names.prefix(ENV)}-${suffix}`;

/** The playbook functions, by name, running their real handlers. */
const PLAYBOOK_HANDLERS: Record<string, LambdaHandler> = {
  'ecs-service-health': ecsServiceHealth,
  'api-error-rate': apiErrorRate,
  'database-cpu': databaseCpu,
  'cache-memory': cacheMemory,
  'rds-storage': rdsStorage,
  'security-notify': securityNotify,
} as Record<string, LambdaHandler>;

/**
 * The handlers a run needs besides the testbed's: intake on `store` under `policy`, and every
 * playbook (invoked by a name the state machine builds at run time, so the testbed cannot find them).
 */
export function lambdas(
  store: StateStore = new MemoryStateStore(),
  policy: GuardrailPolicy = prodPolicy,
): Record<string, LambdaHandler> {
  const severities = alarmRemediationConfig(config).alarmSeverities;
  const intake = createIntake({
    env: {
      ENVIRONMENT: ENV,
      AWS_REGION: 'us-east-1',
      REMEDIATION_TABLE: policy === prodPolicy ? config.remediation.tableName : config.remediation.tableName,
      REMEDIATION_POLICY: JSON.stringify(policy),
      ALARM_SEVERITIES: JSON.stringify(severities),
    },
    clients: { store: () => store },
  });
  return {
    [names.lambdaFunction(ENV, 'remediation-intake')]: (event: unknown) => intake(event, {} as Context),
    ...Object.fromEntries(
      Object.entries(PLAYBOOK_HANDLERS).map(([id, handler]) => [
        names.lambdaFunction(ENV, `remediation-playbook-${id}`),
        handler,
      ]),
    ),
  };
}

/** An EventBridge state change of the prod alarm `suffix`, `secondsAgo` before now. */
export function alarmEvent(suffix: string, state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' = 'ALARM', secondsAgo = 60) {
  return eventBridgeAlarmEvent({
    alarmName: alarmName(suffix),
    state,
    at: new Date(Date.now() - secondsAgo * 1000).toISOString(),
  });
}

/** DescribeAlarms as the Step Functions SDK integration answers it for a metric alarm in `state`. */
export function liveAlarm(state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'): MockedResponse {
  return { Return: { MetricAlarms: [{ StateValue: state }], CompositeAlarms: [] } };
}

/** The SDK-integration states of a normal run: the alarm still in ALARM, audit writes accepted, approval granted. */
export function baseMocks(): Record<string, MockedResponse | MockedResponse[]> {
  return {
    'Re-read alarm state': liveAlarm('ALARM'),
    'Re-read alarm state after approval': liveAlarm('ALARM'),
    // No kill-switch item: never engaged.
    'Read kill switch after approval': { Return: {} },
    'Request approval': { Return: { approved: true, approver: 'alice' } },
    'Record outcome': { Return: {} },
    'Record failure': { Return: {} },
  };
}

/**
 * The local engine has no `$$.Task.Token` (tests/support/README.md, limits): in the definition the
 * test runs, the approval request's token is replaced by the execution name, a stand-in the
 * approval handler receives like a token. Every other state is run as synthesized. Call it once per
 * synthesized machine, before running it.
 */
export function standInTaskToken(definition: { States: Record<string, unknown> }): void {
  const visit = (states: Record<string, unknown>): void => {
    for (const state of Object.values(states) as Record<string, unknown>[]) {
      const payload = (state.Parameters as { Payload?: Record<string, unknown> } | undefined)?.Payload;
      if (payload?.['taskToken.$'] === '$$.Task.Token') payload['taskToken.$'] = '$$.Execution.Name';
      const processor = state.ItemProcessor as { States: Record<string, unknown> } | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(definition.States);
}

/**
 * First task of the alarm remediation workflow: runs intake (shared/remediation: strict parse,
 * dedupe on the alarm and its state-change time, stale drop, routing, the one guardrail policy,
 * audit) over the execution's input, whatever envelope it came in, and returns one decision per
 * state change for the workflow's Map. A malformed payload is a `reject` decision (audited), not
 * an error: the workflow notifies it at low severity and acts on nothing. Publishes the decisions
 * as EMF metrics (RemediationDecisions by decision and reason).
 */
import { dynamoDbClient } from '../../shared/clients/dynamodb.js';
import { ConfigurationError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger, metrics } from '../../shared/powertools.js';
import { DynamoDbStateStore } from '../../shared/remediation/dynamodb-state-store.js';
import { intakePayload } from '../../shared/remediation/intake.js';
import type { GuardrailPolicy } from '../../shared/remediation/policy.js';
import type { StateStore } from '../../shared/remediation/state-store.js';
import { executionContextSchema, type Severity, severitySchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import { forWorkflow } from './decisions.js';

const inputSchema = z.object({
  ...executionContextSchema.shape,
  /** The execution's input: the alarm payload in any envelope (parsed by intake, not here). */
  event: z.unknown(),
});

/** A JSON variable parsed once; a bad one is a deployment bug, named. */
function jsonSetting<T>(name: string, text: string, check: (value: unknown) => boolean): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${name} is not JSON`, { cause: error });
  }
  if (!check(value)) throw new ConfigurationError(`${name} does not have the expected shape`);
  return value as T;
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

export const { handler, createHandler } = automationHandler({
  workflow: 'alarm-remediation',
  schema: inputSchema,
  settings: {
    /** The state table (`interactions-<env>-remediation`). */
    REMEDIATION_TABLE: z.string().check(z.minLength(3)),
    /** The GuardrailPolicy as JSON, built by the stack from the environment's config. */
    REMEDIATION_POLICY: z.string().check(z.minLength(2)),
    /** Alarm name -> severity as JSON, from the config that creates the alarms. */
    ALARM_SEVERITIES: z.string().check(z.minLength(2)),
  },
  clients: (settings): { store: () => StateStore } => {
    const store = new DynamoDbStateStore(dynamoDbClient(), settings.REMEDIATION_TABLE);
    return { store: () => store };
  },
  handler: async ({ event, execution }, { settings, clients, clock }) => {
    const policy = jsonSetting<GuardrailPolicy>('REMEDIATION_POLICY', settings.REMEDIATION_POLICY, isObject);
    const severities = jsonSetting<Record<string, Severity>>(
      'ALARM_SEVERITIES',
      settings.ALARM_SEVERITIES,
      (value) => isObject(value) && Object.values(value as object).every((s) => severitySchema.safeParse(s).success),
    );
    if (policy.env !== settings.ENVIRONMENT) {
      throw new ConfigurationError(
        `REMEDIATION_POLICY is ${policy.env}'s, this function serves ${settings.ENVIRONMENT}`,
      );
    }
    // The execution name is the attempt: Step Functions' retry of this task decides again.
    const decisions = await intakePayload(event, {
      policy,
      store: clients.store(),
      clock: () => clock().getTime(),
      attempt: execution,
    });
    for (const decision of decisions) {
      metrics.addMetric(
        `Remediation${decision.decision.charAt(0).toUpperCase()}${decision.decision.slice(1)}`,
        'Count',
        1,
      );
      logger.info('Remediation decision', { decision });
    }
    return {
      decisions: decisions.map((decision) =>
        forWorkflow(decision, { region: settings.AWS_REGION, severities, retentionSeconds: policy.retentionSeconds }),
      ),
    };
  },
});

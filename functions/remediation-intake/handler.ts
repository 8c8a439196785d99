/**
 * Remediation intake, the first task of the alarm-remediation workflow: the raw alarm payload the
 * execution was started with (EventBridge event, SNS notification or Lambda alarm action) in,
 * audited decisions out (shared/remediation/intake.ts). Duplicates, stale events, alarms without a
 * playbook and guardrail suppressions come back as decisions, not errors, so the workflow succeeds
 * quietly on them; a malformed payload comes back as a `reject` decision, logged here as a warning,
 * for the workflow to notify at low severity. The state table is `REMEDIATION_TABLE`; the
 * guardrails are the deployed environment's `remediation` config.
 *
 * Input: `{ "event": <payload> }` (the state machine passes `$` as `event`).
 * Output: `{ decisions: RemediationDecision[], actions: RemediationDecision[] }`, `actions` being
 * the `act` decisions the workflow runs (each with `reason` execute, dry-run or needs-approval).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../infra/config/index.js';
import { lazyClient } from '../../shared/clients/config.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { DynamoDbStateStore } from '../../shared/remediation/dynamodb-state-store.js';
import { intakePayload } from '../../shared/remediation/intake.js';
import { policyFromConfig } from '../../shared/remediation/policy.js';
import * as z from '../../shared/zod.js';

const dynamoDbClient = lazyClient((config) => new DynamoDBClient(config));

export const { handler, createHandler } = automationHandler({
  workflow: 'alarm-remediation',
  // The payload is checked by the strict alarm parser inside intake, which turns a bad one into an
  // audited `reject` rather than a failed task.
  schema: z.object({ event: z.unknown() }),
  settings: { REMEDIATION_TABLE: z.string().check(z.minLength(3, 'must be a DynamoDB table name')) },
  clients: () => ({ dynamodb: dynamoDbClient }),
  handler: async ({ event }, { settings, clients, clock }) => {
    const policy = policyFromConfig(loadConfig(settings.ENVIRONMENT));
    const store = new DynamoDbStateStore(clients.dynamodb(), settings.REMEDIATION_TABLE);
    const decisions = await intakePayload(event, { policy, store, clock: () => clock().getTime() });
    for (const decision of decisions) {
      if (decision.decision === 'reject') logger.warn('Rejected an alarm payload', { detail: decision.detail });
      else logger.info('Remediation decision', { ...decision });
    }
    return { decisions, actions: decisions.filter((decision) => decision.decision === 'act') };
  },
});

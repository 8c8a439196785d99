/**
 * Interactions-NoMutatingWildcard: an identity policy statement on Resource `*` grants only
 * read-only actions (Describe*, List*, Get*) and the few writes AWS defines without a resource
 * type (listed below, each with its reason). `rds:*`, `*`, or any other write on `*` is a finding.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isReadOnly, parseAction } from '../actions.js';
import { grantsOnEveryResource, identityPolicyStatements, isAllow, statementActions } from '../iam.js';
import type { SafetyRule } from './safety-rule.js';

/**
 * Writes that AWS authorizes only on `*` (no resource type in the Service Authorization
 * Reference), by lowercased name, with why the app grants them. Exact names only: a wildcard
 * such as `xray:Put*` is never allowed.
 */
export const NO_RESOURCE_TYPE_WRITES: Readonly<Record<string, string>> = {
  // X-Ray has no resource types. The CDK grants these to every function and state machine with tracing on.
  'xray:puttracesegments': 'X-Ray tracing of functions and state machines',
  'xray:puttelemetryrecords': 'X-Ray tracing of functions and state machines',
  // No resource type; the namespace can be bounded with the `cloudwatch:namespace` condition key.
  'cloudwatch:putmetricdata': 'Custom metrics (namespace Interactions/Automation)',
  // Step Functions logging goes through CloudWatch Logs vended-log deliveries: the Step Functions
  // developer guide requires these on `*` ("IAM policies for logging to CloudWatch Logs"), and the
  // CDK adds them to every state machine role whose logging is on.
  'logs:createlogdelivery': 'Step Functions execution logging (vended-log delivery)',
  'logs:updatelogdelivery': 'Step Functions execution logging (vended-log delivery)',
  'logs:deletelogdelivery': 'Step Functions execution logging (vended-log delivery)',
  'logs:putresourcepolicy': 'Step Functions execution logging (lets the delivery write to the log group)',
};

/** Each action that a statement on `*` grants and that is neither read-only nor allowlisted. */
export function noMutatingWildcard(node: CfnResource): NagRuleResult {
  const statements = identityPolicyStatements(node);
  if (statements === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const statement of statements) {
    if (!isAllow(statement) || !grantsOnEveryResource(statement)) continue;
    for (const action of statementActions(statement)) {
      const allowlisted = Object.hasOwn(NO_RESOURCE_TYPE_WRITES, action.toLowerCase());
      if (!allowlisted && !isReadOnly(parseAction(action))) findings.add(`Action::${action}`);
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** The rule as the pack applies it. */
export const NoMutatingWildcard: SafetyRule = {
  id: 'NoMutatingWildcard',
  info: 'An IAM statement grants a write (not Describe*, List* or Get*) on Resource "*"; the action is named in brackets.',
  explanation:
    'A write on "*" reaches every resource of its type in the account, including the platform the drills must never touch. ' +
    'Name the resources (Stack.formatArn with a name prefix) instead. Only writes that AWS authorizes solely on "*" are ' +
    'allowed there, and only those listed in NO_RESOURCE_TYPE_WRITES (infra/safety-rules/rules/no-mutating-wildcard.ts) with their reason; ' +
    'an action wildcard such as "rds:*" or "*" is never allowed on "*".',
  check: noMutatingWildcard,
};

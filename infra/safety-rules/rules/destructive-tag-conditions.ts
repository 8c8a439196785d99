/**
 * Interactions-DestructiveTagConditions: a statement that grants a destructive action of RDS,
 * ElastiCache or ECS requires the resource to carry the automation's tags:
 * `interactions:managed-by` = MANAGED_BY and `interactions:environment` = one environment, through
 * `aws:ResourceTag/`, `rds:<type>-tag/` or `ecs:ResourceTag/` keys with StringEquals/StringLike.
 *
 * Destructive is decided by exclusion (see mayDestroy): every action of these services that is not
 * read-only and not a create, so Delete, Terminate, Modify, Reboot, Failover, TestFailover, Stop,
 * Start, Update (ecs:UpdateService), Promote, Switchover, Remove and any verb added later all count,
 * and so does any wildcard that may match one (`rds:Delete*`, `rds:*`, `*`).
 */
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { mayDestroy, parseAction } from '../actions.js';
import { identityPolicyStatements, isAllow, missingAutomationTags, statementActions } from '../iam.js';
import type { SafetyRule } from './safety-rule.js';

/** Each destructive action granted by a statement without both automation resource-tag conditions. */
export function destructiveTagConditions(node: CfnResource): NagRuleResult {
  const statements = identityPolicyStatements(node);
  if (statements === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const statement of statements) {
    if (!isAllow(statement) || missingAutomationTags(statement, 'resource').length === 0) continue;
    for (const action of statementActions(statement)) {
      if (mayDestroy(parseAction(action))) findings.add(`Action::${action}`);
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** The rule as the pack applies it. */
export const DestructiveTagConditions: SafetyRule = {
  id: 'DestructiveTagConditions',
  info:
    'An IAM statement grants a destructive RDS, ElastiCache or ECS action (named in brackets) without requiring the ' +
    "automation's tags on the resource (interactions:managed-by and interactions:environment).",
  explanation:
    'The drills delete, modify and fail over resources; IAM must limit them to what the automation created, so a bug or a ' +
    'wrong input cannot touch the platform. Add to the statement: StringEquals { "<prefix>/interactions:managed-by": ' +
    '"interactions-automation", "<prefix>/interactions:environment": "<env>" } with prefix aws:ResourceTag (ElastiCache), ' +
    'rds:db-tag / rds:snapshot-tag / rds:cluster-tag (RDS) or ecs:ResourceTag (ECS). IfExists operators do not count: they ' +
    'let untagged resources through. Every action that is not Describe*/List*/Get* or a create counts as destructive.',
  check: destructiveTagConditions,
};

/**
 * Interactions-CreateRequestTags: a statement that grants a create of RDS, ElastiCache or ECS
 * (Create*, Copy*, Restore*, ecs:RunTask/StartTask/RegisterTaskDefinition, and tag-on-create:
 * AddTagsToResource, ecs:TagResource) requires the request to carry the automation's tags:
 * `aws:RequestTag/interactions:managed-by` = MANAGED_BY and `aws:RequestTag/interactions:environment`
 * = one environment. That way everything the automation makes is found by its sweeper.
 *
 * The exception: IAM authorizes a create on its SOURCE too (CreateDBSnapshot on the instance as well
 * as on the new snapshot). A statement whose every resource is positively a source type of every
 * create it grants (SOURCE_TYPES) is exempt: the create still needs the new resource's statement,
 * which this rule checks. Anything else (a new-resource type, `*`, an ARN whose type cannot be read,
 * a wildcard action, a source of the same type as the new resource) must carry the conditions,
 * which is always possible because the request's tags are evaluated against every resource.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { mayCreate, parseAction } from '../actions.js';
import { arnResourceType } from '../arn.js';
import {
  identityPolicyStatements,
  isAllow,
  missingAutomationTags,
  type PolicyStatement,
  statementActions,
  statementResources,
} from '../iam.js';
import type { SafetyRule } from './safety-rule.js';

/**
 * Resource types (`service:type` of the ARN) that a create only reads or uses, by lowercased
 * action, from the IAM Service Authorization Reference. Only creates whose new resource has a
 * different type are listed: e.g. RestoreDBInstanceToPointInTime's source is a `db` like its target.
 */
export const SOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'rds:createdbsnapshot': ['rds:db'],
  'rds:createdbclustersnapshot': ['rds:cluster'],
  'rds:restoredbinstancefromdbsnapshot': [
    'rds:snapshot',
    'rds:cluster-snapshot',
    'rds:og',
    'rds:pg',
    'rds:subgrp',
    'rds:secgrp',
  ],
  'rds:restoredbinstancetopointintime': ['rds:og', 'rds:pg', 'rds:subgrp', 'rds:secgrp'],
  'rds:restoredbclusterfromsnapshot': [
    'rds:snapshot',
    'rds:cluster-snapshot',
    'rds:cluster-pg',
    'rds:og',
    'rds:subgrp',
  ],
  'rds:restoredbclustertopointintime': ['rds:cluster-pg', 'rds:og', 'rds:subgrp'],
  'rds:createdbinstance': ['rds:og', 'rds:pg', 'rds:subgrp', 'rds:secgrp', 'rds:cluster'],
  'elasticache:createsnapshot': ['elasticache:cluster', 'elasticache:replicationgroup'],
  'elasticache:createreplicationgroup': [
    'elasticache:snapshot',
    'elasticache:parametergroup',
    'elasticache:subnetgroup',
    'elasticache:securitygroup',
    'elasticache:usergroup',
  ],
  'elasticache:createcachecluster': [
    'elasticache:snapshot',
    'elasticache:parametergroup',
    'elasticache:subnetgroup',
    'elasticache:securitygroup',
    'elasticache:replicationgroup',
  ],
};

/** Whether every resource of the statement is a source type of every create it grants. */
function namesOnlySources(statement: PolicyStatement, creates: readonly string[]): boolean {
  const resources = statementResources(statement);
  if (resources.length === 0) return false;
  return creates.every((action) => {
    const sources = SOURCE_TYPES[action.toLowerCase()];
    if (sources === undefined) return false;
    return resources.every((resource) => {
      const parsed = arnResourceType(resource);
      return parsed !== undefined && sources.includes(`${parsed.service}:${parsed.type}`);
    });
  });
}

/** Each create granted by a statement that lacks both automation request-tag conditions. */
export function createRequestTags(node: CfnResource): NagRuleResult {
  const statements = identityPolicyStatements(node);
  if (statements === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const statement of statements) {
    if (!isAllow(statement) || missingAutomationTags(statement, 'request').length === 0) continue;
    const creates = statementActions(statement).filter((action) => mayCreate(parseAction(action)));
    if (creates.length === 0 || namesOnlySources(statement, creates)) continue;
    for (const action of creates) findings.add(`Action::${action}`);
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** The rule as the pack applies it. */
export const CreateRequestTags: SafetyRule = {
  id: 'CreateRequestTags',
  info:
    'An IAM statement grants an RDS, ElastiCache or ECS create (named in brackets) without requiring the automation tags ' +
    'on the request (aws:RequestTag/interactions:managed-by and aws:RequestTag/interactions:environment).',
  explanation:
    'Every resource the automation creates must be tagged at creation so its owner, environment and expiry are known and ' +
    'the sweeper removes leftovers. Add StringEquals { "aws:RequestTag/interactions:managed-by": "interactions-automation", ' +
    '"aws:RequestTag/interactions:environment": "<env>" } to the statement on the new resource (and pass the tags in the ' +
    'call). A statement that names only the source of a create (the DB instance of CreateDBSnapshot) is exempt when its ARN ' +
    'shows the resource type (build it with Stack.formatArn); otherwise add the same conditions there too: the request ' +
    'tags are evaluated for every resource of the request, so it still works.',
  check: createRequestTags,
};

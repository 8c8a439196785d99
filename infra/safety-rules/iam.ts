/**
 * Small pure readers of IAM identity policies as CloudFormation holds them: which resources carry
 * policy documents, the Allow statements in them, their actions and resources (with `NotAction` /
 * `NotResource` read as "everything", so nothing slips past), and their tag conditions.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';
import { renderValue } from './arn.js';
import { resolvedProperties } from './resource.js';

/** One statement of a policy document, as synthesized (fields may be a string or a list). */
export interface PolicyStatement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Identity policy resources whose `PolicyDocument` grants permissions to a role, user or group. */
const DOCUMENT_TYPES = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
]);
/** Principals with inline `Policies: [{ PolicyDocument }]`. */
const INLINE_POLICY_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);

/**
 * The statements of every identity policy document `node` holds, resolved (the CDK merges and
 * minimizes statements while resolving), or undefined when `node` holds none. Resource policies
 * (buckets, keys, topics) are out of scope: `*` there means the resource itself.
 */
export function identityPolicyStatements(node: CfnResource): PolicyStatement[] | undefined {
  const type = node.cfnResourceType;
  if (!DOCUMENT_TYPES.has(type) && !INLINE_POLICY_TYPES.has(type)) return undefined;
  const properties = resolvedProperties(node);
  const documents = DOCUMENT_TYPES.has(type)
    ? [properties.PolicyDocument]
    : asList(properties.Policies).map((policy) => (isRecord(policy) ? policy.PolicyDocument : undefined));
  return documents.flatMap((document) => (isRecord(document) ? asList(document.Statement) : [])) as PolicyStatement[];
}

/** Whether the statement grants (Deny statements only take away). */
export const isAllow = (statement: PolicyStatement): boolean => statement.Effect === 'Allow';

/** The statement's actions; `NotAction` grants everything else, so it reads as `*`. */
export function statementActions(statement: PolicyStatement): string[] {
  if (statement.NotAction !== undefined) return ['*'];
  return asList(statement.Action).map((action) => (typeof action === 'string' ? action : '*'));
}

/** The statement's resources as text (see renderValue); `NotResource` reads as `*`. */
export function statementResources(statement: PolicyStatement): string[] {
  if (statement.NotResource !== undefined) return ['*'];
  return asList(statement.Resource).map(renderValue);
}

/** Whether one of the statement's resources is `*` as a whole. */
export const grantsOnEveryResource = (statement: PolicyStatement): boolean =>
  statementResources(statement).includes('*');

/** Where a tag condition looks: at the resource acted on, or at the tags of the request. */
export type TagConditionKind = 'resource' | 'request';

/**
 * Condition keys naming a resource's tag: the global key and the service keys of RDS
 * (`rds:db-tag/`, `rds:snapshot-tag/`, `rds:cluster-tag/`, ...) and ECS. ElastiCache has only the global one.
 */
const RESOURCE_TAG_KEY = /^(?:aws:resourcetag|ecs:resourcetag|rds:[a-z-]+-tag)\/(.+)$/;
const REQUEST_TAG_KEY = /^aws:requesttag\/(.+)$/;

/**
 * Operators that require the tag to be present with the given value. `...IfExists`, `ForAnyValue:`,
 * `Null` and negations all let an untagged resource through and do not count.
 */
const EQUALITY_OPERATORS = new Set(['StringEquals', 'StringLike']);

/**
 * The values each tag key is required to equal, by lowercased tag key. A value list means "any of
 * these"; a non-literal value (a reference) or one with a wildcard is kept as `undefined` so the
 * caller treats it as unknown.
 */
export function requiredTagValues(
  statement: PolicyStatement,
  kind: TagConditionKind,
): Map<string, Array<string | undefined>> {
  const pattern = kind === 'resource' ? RESOURCE_TAG_KEY : REQUEST_TAG_KEY;
  const required = new Map<string, Array<string | undefined>>();
  if (!isRecord(statement.Condition)) return required;
  for (const [operator, block] of Object.entries(statement.Condition)) {
    if (!EQUALITY_OPERATORS.has(operator) || !isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      const tagKey = pattern.exec(key.toLowerCase())?.[1];
      if (tagKey === undefined) continue;
      const values = asList(value).map((item) => (typeof item === 'string' && !/[*?]/.test(item) ? item : undefined));
      required.set(tagKey, [...(required.get(tagKey) ?? []), ...values]);
    }
  }
  return required;
}

/**
 * The automation tag conditions the statement lacks: `interactions:managed-by` must be required to
 * equal MANAGED_BY, and `interactions:environment` to equal one literal environment name.
 * Returns the missing tag keys (empty when the statement is bounded to the automation's resources).
 */
export function missingAutomationTags(statement: PolicyStatement, kind: TagConditionKind): string[] {
  const required = requiredTagValues(statement, kind);
  const managedBy = required.get(TAG_KEYS.managedBy);
  const environment = required.get(TAG_KEYS.environment);
  const missing: string[] = [];
  if (managedBy === undefined || managedBy.length === 0 || managedBy.some((value) => value !== MANAGED_BY)) {
    missing.push(TAG_KEYS.managedBy);
  }
  // One value: a statement belongs to one environment; a list would let one reach into another's.
  if (environment?.length !== 1 || !environment[0]) missing.push(TAG_KEYS.environment);
  return missing;
}

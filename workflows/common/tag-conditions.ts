/**
 * The IAM condition blocks that keep the automation's grants on its own resources, written once:
 * every grant of a destructive action (delete, modify) requires the resource to carry the
 * automation's tags, and every create requires the request to carry them. The tag guard in code
 * repeats the check with this execution's name, which IAM cannot know.
 */
import type { Environment } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';

/**
 * How a service names the tags of the resource an action touches: `aws:ResourceTag` (ElastiCache,
 * most services), `rds:snapshot-tag` (RDS DB snapshots), `rds:db-tag` (RDS DB instances),
 * `rds:cluster-tag` (Aurora clusters).
 */
export type ResourceTagConditionKey = 'aws:ResourceTag' | 'rds:snapshot-tag' | 'rds:db-tag' | 'rds:cluster-tag';

/** An IAM condition block: operator -> condition key -> value. */
export type IamConditions = Record<string, Record<string, string | string[]>>;

/**
 * Conditions of a destructive action: the resource carries `interactions:managed-by` =
 * MANAGED_BY, `interactions:environment` = `envName`, and an `interactions:execution` tag.
 */
export function ownedResourceConditions(
  envName: Environment,
  keyPrefix: ResourceTagConditionKey = 'aws:ResourceTag',
): IamConditions {
  return {
    StringEquals: {
      [`${keyPrefix}/${TAG_KEYS.managedBy}`]: MANAGED_BY,
      [`${keyPrefix}/${TAG_KEYS.environment}`]: envName,
    },
    Null: { [`${keyPrefix}/${TAG_KEYS.execution}`]: 'false' },
  };
}

/**
 * Conditions of a destructive action on resources the automation of `envName` made, whatever the
 * execution (housekeeping, sweepers): managed-by and environment only.
 */
export function managedResourceConditions(
  envName: Environment,
  keyPrefix: ResourceTagConditionKey = 'aws:ResourceTag',
): IamConditions {
  return {
    StringEquals: {
      [`${keyPrefix}/${TAG_KEYS.managedBy}`]: MANAGED_BY,
      [`${keyPrefix}/${TAG_KEYS.environment}`]: envName,
    },
  };
}

/** Conditions of a create: the request tags the new resource with managed-by = MANAGED_BY and environment = `envName`. */
export function createRequestConditions(envName: Environment): IamConditions {
  return {
    StringEquals: {
      [`aws:RequestTag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
      [`aws:RequestTag/${TAG_KEYS.environment}`]: envName,
    },
  };
}

/**
 * The IAM condition blocks that keep the automation's grants on its own resources, written once:
 * every grant of a destructive action (delete, modify) requires the resource to carry the
 * automation's tags, every create requires the request to carry them, and tags are added only at
 * creation. The tag guard in code repeats the check with this execution's name, which IAM cannot know.
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
    ...managedResourceConditions(envName, keyPrefix),
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

/**
 * Conditions of a create that tags the new resource, and of the AddTagsToResource RDS and
 * ElastiCache authorize for those tags (neither has a condition key that tells a tag-on-create from
 * a later AddTagsToResource, as `ec2:CreateAction` does): the request tags managed-by and the
 * environment (createRequestConditions), names an execution and an expiry, and carries no tag key
 * besides the automation's (TAG_KEYS) and `extraTagKeys`.
 */
export function tagOnCreateConditions(envName: Environment, extraTagKeys: readonly string[] = []): IamConditions {
  return {
    ...createRequestConditions(envName),
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...Object.values(TAG_KEYS), ...extraTagKeys] },
    Null: {
      [`aws:RequestTag/${TAG_KEYS.execution}`]: 'false',
      [`aws:RequestTag/${TAG_KEYS.expiresAt}`]: 'false',
    },
  };
}

/**
 * Conditions of a Deny of AddTagsToResource: the resource already carries `interactions:managed-by`.
 * A snapshot the automation made (any execution's, any environment's) then keeps the tags it was
 * created with: nobody retags it to another execution, environment or expiry, which would hand it
 * to another execution's cleanup or another environment's housekeeping. A resource being created
 * has no tags yet, so its tag-on-create passes; so does an existing UNTAGGED resource, which IAM
 * cannot tell from a new one (the workflows' READMEs say which guards cover that).
 */
export function alreadyManagedConditions(keyPrefix: ResourceTagConditionKey = 'aws:ResourceTag'): IamConditions {
  return { Null: { [`${keyPrefix}/${TAG_KEYS.managedBy}`]: 'false' } };
}

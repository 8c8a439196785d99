/**
 * Tags that mark what the automation created, and the guard that keeps its delete and modify
 * calls away from anything else. IAM conditions in the CDK app use the same keys.
 */

import { TagGuardError } from './errors.js';
import type { Environment } from './naming.js';

export const TAG_KEYS = {
  managedBy: 'interactions:managed-by',
  execution: 'interactions:execution',
  expiresAt: 'interactions:expires-at',
  /** The environment whose automation created the resource: dev, staging and prod share an account and region. */
  environment: 'interactions:environment',
} as const;

/** Value of `interactions:managed-by` on everything the automation creates. */
export const MANAGED_BY = 'interactions-automation';

export interface Tag {
  readonly Key?: string | undefined;
  readonly Value?: string | undefined;
}

/** Inputs of automationTags: the owning environment and execution, and when a sweeper may delete the resource. */
export interface AutomationTagsInput {
  /** Environment whose automation owns the resource; its housekeeping touches only its own. */
  readonly environment: Environment;
  /** Step Functions execution name that owns the resource. */
  readonly execution: string;
  /** After this time the sweeper removes the resource if the execution did not. */
  readonly expiresAt: Date;
  /** Further tags; they cannot override the automation keys. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The AWS tag list every resource the automation creates carries. */
export function automationTags({
  environment,
  execution,
  expiresAt,
  extra = {},
}: AutomationTagsInput): { Key: string; Value: string }[] {
  if (execution === '') throw new TypeError('automationTags: execution must not be empty');
  if (Number.isNaN(expiresAt.getTime())) throw new TypeError('automationTags: expiresAt is an invalid date');
  const reserved = new Set<string>(Object.values(TAG_KEYS));
  return [
    { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
    { Key: TAG_KEYS.execution, Value: execution },
    { Key: TAG_KEYS.expiresAt, Value: expiresAt.toISOString() },
    { Key: TAG_KEYS.environment, Value: environment },
    ...Object.entries(extra)
      .filter(([key]) => !reserved.has(key))
      .map(([Key, Value]) => ({ Key, Value })),
  ];
}

/** The value of tag `key`, or undefined when the resource lacks it. */
export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

/** Whether the tags mark a resource the automation created (any execution). */
export function isManagedByAutomation(tags: readonly Tag[] | undefined): boolean {
  return tagValue(tags, TAG_KEYS.managedBy) === MANAGED_BY;
}

/**
 * Whether the tags mark a resource the automation of `environment` created. A missing environment
 * tag is not ours: dev, staging and prod share the account and region, so only the tag tells them apart.
 */
export function isManagedByEnvironment(tags: readonly Tag[] | undefined, environment: Environment): boolean {
  return isManagedByAutomation(tags) && tagValue(tags, TAG_KEYS.environment) === environment;
}

/**
 * Whether the tags name the execution that created the resource (a non-empty
 * `interactions:execution`). Every delete grant requires that tag (workflows/common/tag-conditions.ts),
 * so a resource without it is not one the automation may delete: code skips it instead of sending a
 * delete IAM would deny.
 */
export function hasExecutionTag(tags: readonly Tag[] | undefined): boolean {
  return (tagValue(tags, TAG_KEYS.execution) ?? '') !== '';
}

/** Whether the tags mark a resource created by this execution. */
export function isOwnedByExecution(tags: readonly Tag[] | undefined, execution: string): boolean {
  return isManagedByAutomation(tags) && execution !== '' && tagValue(tags, TAG_KEYS.execution) === execution;
}

/**
 * The guard before every delete or modify: throws TagGuardError unless the resource carries
 * `interactions:managed-by` = MANAGED_BY and `interactions:execution` = `execution`.
 */
export function assertOwnedByExecution(resourceId: string, tags: readonly Tag[] | undefined, execution: string): void {
  if (isOwnedByExecution(tags, execution)) return;
  const managedBy = tagValue(tags, TAG_KEYS.managedBy) ?? '(none)';
  const owner = tagValue(tags, TAG_KEYS.execution) ?? '(none)';
  throw new TagGuardError(
    `Refusing to touch ${resourceId}: ${TAG_KEYS.managedBy}=${managedBy}, ${TAG_KEYS.execution}=${owner}, expected ${MANAGED_BY} and ${execution}`,
  );
}

/** The form automationTags writes `interactions:expires-at` in (Date.toISOString, UTC). */
const ISO_UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Expiry time from the tags, or undefined when absent or not an ISO-8601 UTC time. `new Date()`
 * alone would read `"1"` as the year 2001: a hand-written tag must never make a resource look expired.
 */
export function expiresAtFromTags(tags: readonly Tag[] | undefined): Date | undefined {
  const value = tagValue(tags, TAG_KEYS.expiresAt);
  if (value === undefined || !ISO_UTC_TIME.test(value)) return undefined;
  const date = new Date(value);
  // Date rolls 30 February over into March: only a time that reads back the same is one.
  const valid = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
  return valid ? date : undefined;
}

/**
 * Tags that mark what the automation created, and the guard that keeps its delete and modify
 * calls away from anything else. IAM conditions in the CDK app use the same keys.
 */

export const TAG_KEYS = {
  managedBy: 'interactions:managed-by',
  execution: 'interactions:execution',
  expiresAt: 'interactions:expires-at',
} as const;

/** Value of `interactions:managed-by` on everything the automation creates. */
export const MANAGED_BY = 'interactions-automation';

export interface Tag {
  readonly Key?: string | undefined;
  readonly Value?: string | undefined;
}

/**
 * The temporary DB instance a drill restores into: its identifier, derived from the execution name
 * alone (a retried or duplicate start of the same execution meets the same name, and adopts the
 * instance only when its tags name this execution), and its tags.
 */
import { createHash } from 'node:crypto';
import { type Environment, names } from '../../shared/naming.js';
import { automationTags } from '../../shared/tags.js';

/** RDS instance identifiers are at most 63 characters. */
const RDS_INSTANCE_ID_MAX = 63;

/** Characters of the execution-name hash that keep two long names that share a prefix apart. */
const HASH_LENGTH = 8;

/** `interactions-<env>-<purpose>-`: what the IAM grants of the drill's instances match (`<prefix>*`). */
export function temporaryInstancePrefix(env: Environment, purpose: string): string {
  return `${names.prefix(env)}-${purpose}-`;
}

/**
 * `interactions-<env>-<purpose>-<execution, lower-cased, runs of other characters as one hyphen>-<hash>`,
 * within RDS's rules (letters, digits, single hyphens, 63 characters, no trailing hyphen). The hash
 * of the exact execution name makes names differing only in case or punctuation distinct.
 */
export function temporaryInstanceId(env: Environment, purpose: string, execution: string): string {
  const prefix = temporaryInstancePrefix(env, purpose);
  const hash = createHash('sha256').update(execution).digest('hex').slice(0, HASH_LENGTH);
  const room = RDS_INSTANCE_ID_MAX - prefix.length - HASH_LENGTH - 1;
  if (room < 1) throw new Error(`temporaryInstanceId: prefix ${prefix} leaves no room for the execution name`);
  const slug = execution
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? `${prefix}${hash}` : `${prefix}${slug}-${hash}`;
}

/** The tags of the temporary instance: the automation's (managed-by, execution, expires-at, environment). */
export function temporaryInstanceTags(env: Environment, execution: string, expiresAt: Date) {
  return automationTags({ environment: env, execution, expiresAt });
}

/**
 * Rules for manual RDS DB snapshot names, shared by the operator CLI (which validates before any
 * AWS call) and the on-demand snapshot workflow's Lambda (which must reject the same names).
 *
 * RDS rules for a DB snapshot identifier (CreateDBSnapshot, DBSnapshotIdentifier): 1 to 255
 * letters, digits or hyphens; first character a letter; no two consecutive hyphens; must not end
 * with a hyphen. Our convention adds: lowercase only, because RDS stores identifiers lowercased and
 * a mixed-case name would not match the snapshot that was actually created.
 *
 * Dependency-free on purpose (only the naming rules): it is bundled into a Lambda and the CLI.
 */
import { ValidationError } from './errors.js';
import { type Environment, names } from './naming.js';

export const SNAPSHOT_NAME_MAX_LENGTH = 255;

/** Longest part of a rejected name quoted in a message: a hostile 200 KB name must not flood the logs and the Step Functions cause. */
const QUOTED_NAME_MAX = 80;

function quotable(name: string): string {
  return name.length <= QUOTED_NAME_MAX ? name : `${name.slice(0, QUOTED_NAME_MAX)}... (${name.length} characters)`;
}

/** Thrown for an invalid snapshot name: a ValidationError, so Step Functions routes it like any bad input. */
export class SnapshotNameError extends ValidationError {
  constructor(
    /** The rejected name. */
    readonly snapshotName: string,
    /** Every rule the name breaks. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid snapshot name '${quotable(snapshotName)}': ${problems.join('; ')}`, {
      issues: problems.map((problem) => `snapshotName: ${problem}`),
    });
  }
}

/** Returns every rule `name` breaks, each as a short sentence; empty when the name is valid. */
export function validateSnapshotName(name: string): string[] {
  if (name.trim().length === 0) return ['must not be empty'];
  const problems: string[] = [];
  if (name.length > SNAPSHOT_NAME_MAX_LENGTH) {
    problems.push(`must be at most ${SNAPSHOT_NAME_MAX_LENGTH} characters (has ${name.length})`);
  }
  // At most 10 distinct offending characters: enough to fix the name, bounded for a hostile one.
  const invalid = [...new Set(name.replace(/[A-Za-z0-9-]/g, ''))].slice(0, 10);
  if (invalid.length > 0) {
    problems.push(
      `may contain only letters, digits and hyphens (found ${invalid.map((c) => JSON.stringify(c)).join(', ')})`,
    );
  }
  if (!/^[A-Za-z]/.test(name)) problems.push('must start with a letter');
  if (name.includes('--')) problems.push('must not contain two consecutive hyphens');
  if (name.endsWith('-')) problems.push('must not end with a hyphen');
  if (/[A-Z]/.test(name)) problems.push('must be lowercase (RDS stores identifiers lowercased)');
  return problems;
}

/** Throws `SnapshotNameError` (name `ValidationError`) listing every problem when `name` is invalid. */
export function assertValidSnapshotName(name: string): void {
  const problems = validateSnapshotName(name);
  if (problems.length > 0) throw new SnapshotNameError(name, problems);
}

/**
 * Prefix every cache snapshot name the automation gives carries, `interactions-<env>-`: it keeps the
 * automation's cache snapshots apart from ElastiCache's automatic ones and lets IAM scope create and
 * delete to that prefix.
 */
export function cacheSnapshotPrefix(env: Environment): string {
  return `${names.cacheReplicationGroup(env)}-`;
}

/** Prefix of every DR copy's name, `interactions-<env>-dr-`: IAM scopes the cross-region copy to it. */
export function drCopyPrefix(env: Environment): string {
  return `${names.prefix(env)}-dr-`;
}

/**
 * Every rule a name of a snapshot the automation of `env` may delete breaks: the snapshot name
 * rules above (which include the RDS and ElastiCache identifier rules) and, for cache snapshots,
 * the environment's prefix. Empty when the name is acceptable.
 */
export function validateOwnSnapshotName(service: 'rds' | 'elasticache', name: string, env: Environment): string[] {
  const problems = validateSnapshotName(name);
  const prefix = cacheSnapshotPrefix(env);
  if (service === 'elasticache' && !name.startsWith(prefix)) problems.push(`must start with '${prefix}'`);
  return problems;
}

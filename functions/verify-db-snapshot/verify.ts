/**
 * Verification of a finished manual DB snapshot: every property an operator relies on before a
 * migration, checked against the source instance. Pure: the state machine passes what its Describe
 * tasks returned, so the function needs no AWS permissions.
 */
import { isOwnedByExecution, type Tag } from '../../shared/tags.js';

/**
 * A DB snapshot as Step Functions' SDK integration returns it (`DbSnapshotIdentifier`) or as the
 * SDK/CLI does (`DBSnapshotIdentifier`): both spellings are read.
 */
export interface RawDbSnapshot {
  readonly DbSnapshotIdentifier?: string;
  readonly DBSnapshotIdentifier?: string;
  readonly DbSnapshotArn?: string;
  readonly DBSnapshotArn?: string;
  readonly DbInstanceIdentifier?: string;
  readonly DBInstanceIdentifier?: string;
  readonly Status?: string;
  readonly Encrypted?: boolean;
  readonly AllocatedStorage?: number;
  readonly SnapshotType?: string;
  readonly Engine?: string;
  readonly SnapshotCreateTime?: string | number;
  readonly TagList?: readonly Tag[];
}

/** The source instance as Describe returns it (either spelling). */
export interface RawDbInstance {
  readonly DbInstanceIdentifier?: string;
  readonly DBInstanceIdentifier?: string;
  readonly AllocatedStorage?: number;
  readonly Engine?: string;
}

/** The snapshot in the workflow's output shape. */
export interface SnapshotSummary {
  readonly id: string | null;
  readonly arn: string | null;
  readonly status: string | null;
  readonly encrypted: boolean | null;
  readonly allocatedStorageGiB: number | null;
  readonly sourceInstance: string | null;
  readonly createdAt: string | null;
}

/** One check: what was expected, what was found, and whether they agree. */
export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly expected: string;
  readonly actual: string;
}

export interface Verification {
  readonly passed: boolean;
  readonly checks: readonly Check[];
  readonly snapshot: SnapshotSummary;
}

/** What the snapshot must match. */
export interface DbSnapshotExpectations {
  readonly snapshotName: string;
  /** Identifier of the instance the snapshot was taken from. */
  readonly instanceIdentifier: string;
  /** Execution that created the snapshot: its tags must name it. */
  readonly execution: string;
  /** @default 'postgres' */
  readonly engine?: string;
}

function createdAt(value: string | number | undefined): string | null {
  if (value === undefined) return null;
  // The SDK integration may render timestamps as epoch seconds; the CLI as ISO strings.
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The snapshot's fields in the workflow's output shape, whatever the input's spelling. */
export function summarizeDbSnapshot(snapshot: RawDbSnapshot): SnapshotSummary {
  return {
    id: snapshot.DbSnapshotIdentifier ?? snapshot.DBSnapshotIdentifier ?? null,
    arn: snapshot.DbSnapshotArn ?? snapshot.DBSnapshotArn ?? null,
    status: snapshot.Status ?? null,
    encrypted: snapshot.Encrypted ?? null,
    allocatedStorageGiB: snapshot.AllocatedStorage ?? null,
    sourceInstance: snapshot.DbInstanceIdentifier ?? snapshot.DBInstanceIdentifier ?? null,
    createdAt: createdAt(snapshot.SnapshotCreateTime),
  };
}

function check(name: string, expected: unknown, actual: unknown): Check {
  return { name, passed: expected === actual, expected: String(expected), actual: String(actual ?? '(missing)') };
}

/**
 * Checks the snapshot: available, encrypted, manual, the expected name, taken from the expected
 * instance with its engine and allocated storage, and tagged as this execution's.
 */
export function verifyDbSnapshot(
  snapshot: RawDbSnapshot,
  instance: RawDbInstance,
  expected: DbSnapshotExpectations,
): Verification {
  const summary = summarizeDbSnapshot(snapshot);
  const checks = [
    check('name', expected.snapshotName, summary.id),
    check('status', 'available', summary.status),
    check('encrypted', true, summary.encrypted),
    check('snapshot type', 'manual', snapshot.SnapshotType),
    check('engine', expected.engine ?? 'postgres', snapshot.Engine),
    check('source instance', expected.instanceIdentifier, summary.sourceInstance),
    check(
      'allocated storage (GiB)',
      instance.AllocatedStorage ?? '(instance storage unknown)',
      summary.allocatedStorageGiB,
    ),
    check('owned by this execution', true, isOwnedByExecution(snapshot.TagList, expected.execution)),
  ];
  return { passed: checks.every((c) => c.passed), checks, snapshot: summary };
}

/** One line per failed check, for the error message and the report. */
export function describeFailures(verification: Verification): string {
  return verification.checks
    .filter((c) => !c.passed)
    .map((c) => `${c.name}: expected ${c.expected}, found ${c.actual}`)
    .join('; ');
}

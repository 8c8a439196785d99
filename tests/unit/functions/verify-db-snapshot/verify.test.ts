import { readFileSync } from 'node:fs';
import {
  describeFailures,
  type RawDbSnapshot,
  summarizeDbSnapshot,
  verifyDbSnapshot,
} from '../../../../functions/verify-db-snapshot/verify.js';
import { fixturePath } from '../../../support/fixtures.js';

// The AWS CLI's example response (an unencrypted MySQL snapshot): the SDK spelling `DBSnapshotIdentifier`.
const cliFixture = JSON.parse(
  readFileSync(fixturePath('rds-describe-db-snapshots-manual-available.awscli-example.json'), 'utf8'),
).DBSnapshots[0] as RawDbSnapshot;

const ownTags = [
  { Key: 'interactions:managed-by', Value: 'interactions-automation' },
  { Key: 'interactions:execution', Value: 'exec-1' },
];

/** A snapshot as Step Functions' SDK integration returns it, passing every check. */
const good: RawDbSnapshot = {
  DbSnapshotIdentifier: 'interactions-pre-migration',
  DbSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
  DbInstanceIdentifier: 'interactions-prod-postgres',
  Status: 'available',
  Encrypted: true,
  AllocatedStorage: 100,
  SnapshotType: 'manual',
  Engine: 'postgres',
  SnapshotCreateTime: '2025-01-01T10:05:00Z',
  TagList: ownTags,
};
const instance = { DbInstanceIdentifier: 'interactions-prod-postgres', AllocatedStorage: 100, Engine: 'postgres' };
const expected = {
  snapshotName: 'interactions-pre-migration',
  instanceIdentifier: 'interactions-prod-postgres',
  execution: 'exec-1',
};

describe('verifyDbSnapshot', () => {
  it('passes an available, encrypted manual postgres snapshot of the instance', () => {
    const result = verifyDbSnapshot(good, instance, expected);
    expect(result.passed).toBe(true);
    expect(result.snapshot).toEqual({
      id: 'interactions-pre-migration',
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:interactions-pre-migration',
      status: 'available',
      encrypted: true,
      allocatedStorageGiB: 100,
      sourceInstance: 'interactions-prod-postgres',
      createdAt: '2025-01-01T10:05:00.000Z',
    });
  });

  it.each<[string, Partial<RawDbSnapshot>, string]>([
    ['not available', { Status: 'creating' }, 'status'],
    ['unencrypted', { Encrypted: false }, 'encrypted'],
    ['of another size', { AllocatedStorage: 50 }, 'allocated storage (GiB)'],
    ['from another instance', { DbInstanceIdentifier: 'other-db' }, 'source instance'],
    ['automated', { SnapshotType: 'automated' }, 'snapshot type'],
    ['of another engine', { Engine: 'mysql' }, 'engine'],
    ['of another name', { DbSnapshotIdentifier: 'other' }, 'name'],
    [
      'not tagged with this execution',
      { TagList: [{ Key: 'interactions:execution', Value: 'exec-1' }] },
      'owned by this execution',
    ],
  ])('fails when the snapshot is %s', (_label, change, failedCheck) => {
    const result = verifyDbSnapshot({ ...good, ...change }, instance, expected);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([failedCheck]);
    expect(describeFailures(result)).toContain(failedCheck);
  });

  it('fails when the instance storage is unknown', () => {
    expect(verifyDbSnapshot(good, { DbInstanceIdentifier: 'interactions-prod-postgres' }, expected).passed).toBe(false);
  });

  it('reads the SDK spelling and reports every failed check of the CLI example', () => {
    const result = verifyDbSnapshot(
      cliFixture,
      { AllocatedStorage: 20 },
      { ...expected, snapshotName: 'mydbsnapshot', instanceIdentifier: 'mysqldb' },
    );
    expect(result.snapshot.sourceInstance).toBe('mysqldb');
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'encrypted',
      'engine',
      'owned by this execution',
    ]);
  });

  it('reads epoch-second timestamps', () => {
    expect(summarizeDbSnapshot({ SnapshotCreateTime: 1735725900 }).createdAt).toBe('2025-01-01T10:05:00.000Z');
  });
});

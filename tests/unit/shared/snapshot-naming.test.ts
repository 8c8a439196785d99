import fc from 'fast-check';
import {
  assertValidSnapshotName,
  SNAPSHOT_NAME_MAX_LENGTH,
  SnapshotNameError,
  validateSnapshotName,
} from '../../../shared/snapshot-naming.js';

describe('validateSnapshotName', () => {
  it.each([
    'interactions-pre-migration',
    'a',
    'pre-upgrade-15-7',
    'x1',
    `a${'b'.repeat(SNAPSHOT_NAME_MAX_LENGTH - 1)}`,
  ])('accepts %s', (name) => {
    expect(validateSnapshotName(name)).toEqual([]);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['1st-snapshot', 'must start with a letter'],
    ['-leading', 'must start with a letter'],
    ['pre--migration', 'must not contain two consecutive hyphens'],
    ['pre-migration-', 'must not end with a hyphen'],
    ['Pre-Migration', 'must be lowercase (RDS stores identifiers lowercased)'],
    ['pre_migration', 'may contain only letters, digits and hyphens (found "_")'],
    ['pre migration.v2', 'may contain only letters, digits and hyphens (found " ", ".")'],
    ['rds:automated', 'may contain only letters, digits and hyphens (found ":")'],
    [`a${'b'.repeat(SNAPSHOT_NAME_MAX_LENGTH)}`, 'must be at most 255 characters (has 256)'],
  ])('rejects %j: %s', (name, problem) => {
    expect(validateSnapshotName(name)).toContain(problem);
  });

  it('reports every broken rule at once', () => {
    expect(validateSnapshotName('9Bad--name_-')).toEqual([
      'may contain only letters, digits and hyphens (found "_")',
      'must start with a letter',
      'must not contain two consecutive hyphens',
      'must not end with a hyphen',
      'must be lowercase (RDS stores identifiers lowercased)',
    ]);
  });

  it('accepts exactly the names the RDS identifier pattern plus lowercase accepts', () => {
    const rdsPattern = /^[a-z](?!.*--)[a-z0-9-]{0,254}(?<!-)$/;
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_:-]{0,12}$/), (name) => {
        expect(validateSnapshotName(name).length === 0).toBe(rdsPattern.test(name));
      }),
      { numRuns: 2000 },
    );
  });
  it('keeps the message of a hostile 200 KB name short: the name is cut and the offending characters capped', () => {
    // Prepare: far too long, and full of distinct invalid characters.
    const hostile = `a${'b'.repeat(200_000)}${Array.from({ length: 500 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('')}`;
    // Act
    const act = () => assertValidSnapshotName(hostile);
    // Assess
    expect(act).toThrow(SnapshotNameError);
    expect(act).toThrow(/^Invalid snapshot name 'ab{79}\.\.\. \(200501 characters\)': must be at most 255 characters/);
    let message = '';
    try {
      act();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(400);
  });
});

describe('assertValidSnapshotName', () => {
  it('returns for a valid name', () => {
    expect(() => assertValidSnapshotName('interactions-pre-migration')).not.toThrow();
  });

  it('fails with a ValidationError naming the name and its problems', () => {
    let thrown: unknown;
    try {
      assertValidSnapshotName('Bad-');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SnapshotNameError);
    const error = thrown as SnapshotNameError;
    expect(error.name).toBe('ValidationError');
    expect(error.snapshotName).toBe('Bad-');
    expect(error.problems).toEqual([
      'must not end with a hyphen',
      'must be lowercase (RDS stores identifiers lowercased)',
    ]);
    expect(error.message).toBe(
      "Invalid snapshot name 'Bad-': must not end with a hyphen; must be lowercase (RDS stores identifiers lowercased)",
    );
  });
});

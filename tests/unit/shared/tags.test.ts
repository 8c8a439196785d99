import fc from 'fast-check';
import { TagGuardError } from '../../../shared/errors.js';
import {
  assertOwnedByExecution,
  automationTags,
  expiresAtFromTags,
  isManagedByAutomation,
  isManagedByEnvironment,
  isOwnedByExecution,
  MANAGED_BY,
  TAG_KEYS,
  type Tag,
} from '../../../shared/tags.js';

const expiresAt = new Date('2025-02-01T00:00:00.000Z');

describe('automationTags', () => {
  it('sets the automation tags (with the environment), then the extra ones', () => {
    expect(automationTags({ environment: 'prod', execution: 'run-1', expiresAt, extra: { purpose: 'pitr' } })).toEqual([
      { Key: 'interactions:managed-by', Value: 'interactions-automation' },
      { Key: 'interactions:execution', Value: 'run-1' },
      { Key: 'interactions:expires-at', Value: '2025-02-01T00:00:00.000Z' },
      { Key: 'interactions:environment', Value: 'prod' },
      { Key: 'purpose', Value: 'pitr' },
    ]);
  });

  it('does not let extra tags override the automation keys', () => {
    const tags = automationTags({
      environment: 'prod',
      execution: 'run-1',
      expiresAt,
      extra: { [TAG_KEYS.execution]: 'other' },
    });
    expect(tags.filter((t) => t.Key === TAG_KEYS.execution)).toEqual([{ Key: TAG_KEYS.execution, Value: 'run-1' }]);
  });

  it('does not let extra tags override the environment', () => {
    const tags = automationTags({
      environment: 'dev',
      execution: 'run-1',
      expiresAt,
      extra: { [TAG_KEYS.environment]: 'prod' },
    });
    expect(tags.filter((t) => t.Key === TAG_KEYS.environment)).toEqual([{ Key: TAG_KEYS.environment, Value: 'dev' }]);
  });

  it('marks the resource as managed by its environment only', () => {
    const tags = automationTags({ environment: 'dev', execution: 'run-1', expiresAt });
    expect(isManagedByEnvironment(tags, 'dev')).toBe(true);
    expect(isManagedByEnvironment(tags, 'prod')).toBe(false);
    // Created before the environment tag existed: not ours.
    expect(isManagedByEnvironment([{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }], 'dev')).toBe(false);
  });

  it('fails when execution is empty or the date invalid', () => {
    expect(() => automationTags({ environment: 'prod', execution: '', expiresAt })).toThrow(
      'execution must not be empty',
    );
    expect(() => automationTags({ environment: 'prod', execution: 'x', expiresAt: new Date('nope') })).toThrow(
      'invalid date',
    );
  });

  it('round-trips the expiry', () => {
    expect(expiresAtFromTags(automationTags({ environment: 'prod', execution: 'x', expiresAt }))).toEqual(expiresAt);
    expect(expiresAtFromTags([{ Key: TAG_KEYS.expiresAt, Value: 'soon' }])).toBeUndefined();
    // Values Date() would accept: a hand-written tag must not make a resource look expired.
    for (const loose of ['1', '2025-01-01', 'Jan 1 2025', '2025-01-01T00:00:00+02:00', '2025-02-30T00:00:00Z']) {
      expect(expiresAtFromTags([{ Key: TAG_KEYS.expiresAt, Value: loose }])).toBeUndefined();
    }
    expect(expiresAtFromTags(undefined)).toBeUndefined();
  });
});

describe('assertOwnedByExecution', () => {
  it('passes for tags made by automationTags for the same execution', () => {
    expect(() =>
      assertOwnedByExecution('snap-1', automationTags({ environment: 'prod', execution: 'run-1', expiresAt }), 'run-1'),
    ).not.toThrow();
  });

  it('fails when the resource belongs to another execution, naming both', () => {
    const act = () =>
      assertOwnedByExecution('snap-1', automationTags({ environment: 'prod', execution: 'run-1', expiresAt }), 'run-2');
    expect(act).toThrow(TagGuardError);
    expect(act).toThrow(/snap-1.*run-1.*run-2/);
  });

  it('fails on an untagged resource', () => {
    expect(() => assertOwnedByExecution('interactions-prod-postgres', undefined, 'run-1')).toThrow(TagGuardError);
    expect(isManagedByAutomation([])).toBe(false);
  });

  // Tag lists drawn from a small alphabet so matches, near-misses and duplicates all occur.
  const key = fc.constantFrom(TAG_KEYS.managedBy, TAG_KEYS.execution, TAG_KEYS.expiresAt, 'Name', 'owner');
  const value = fc.constantFrom(MANAGED_BY, 'run-1', 'run-2', '', 'interactions-automation ', undefined);
  const tag: fc.Arbitrary<Tag> = fc.record({ Key: fc.option(key, { nil: undefined }), Value: value });
  const execution = fc.constantFrom('run-1', 'run-2', '');

  it('passes iff the first managed-by and execution tags match (property)', () => {
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 8 }), execution, (tags, exec) => {
        const managed = tags.find((t) => t.Key === TAG_KEYS.managedBy)?.Value === MANAGED_BY;
        const owner = tags.find((t) => t.Key === TAG_KEYS.execution)?.Value;
        const expected = managed && exec !== '' && owner === exec;
        let passed = true;
        try {
          assertOwnedByExecution('res', tags, exec);
        } catch (error) {
          expect(error).toBeInstanceOf(TagGuardError);
          passed = false;
        }
        expect(passed).toBe(expected);
        expect(isOwnedByExecution(tags, exec)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('always passes for the tags the automation itself writes (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/),
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        (exec, extra) => {
          expect(() =>
            assertOwnedByExecution(
              'res',
              automationTags({ environment: 'prod', execution: exec, expiresAt, extra }),
              exec,
            ),
          ).not.toThrow();
        },
      ),
    );
  });
});

import {
  cacheSnapshotRequestSchema,
  dbSnapshotRequestSchema,
  defaultCacheSnapshotName,
  planCacheSnapshot,
  planDbSnapshot,
} from '../../../../functions/validate-snapshot-request/request.js';
import { ValidationError } from '../../../../shared/errors.js';
import { validateSnapshotName } from '../../../../shared/snapshot-naming.js';
import { REQUESTED_BY_TAG } from '../../../../workflows/on-demand-snapshot/contract.js';

const context = {
  environment: 'prod' as const,
  execution: 'cli-20250101-abc',
  startedAt: new Date('2025-01-01T10:00:00Z'),
  retentionDays: 35,
};

describe('dbSnapshotRequestSchema', () => {
  it('accepts the CLI request of the seed', () => {
    const parsed = dbSnapshotRequestSchema.parse({
      snapshotName: 'interactions-pre-migration',
      requestedBy: 'alice@example.com',
    });
    expect(parsed).toEqual({ snapshotName: 'interactions-pre-migration', requestedBy: 'alice@example.com' });
  });

  it.each([
    ['an invalid name', { snapshotName: 'Bad--Name-', requestedBy: 'alice' }, 'snapshotName'],
    ['an empty requestedBy', { snapshotName: 'ok-name', requestedBy: '   ' }, 'requestedBy'],
    [
      'a requestedBy that is not a valid tag value',
      { snapshotName: 'ok-name', requestedBy: 'alice;rm -rf' },
      'requestedBy',
    ],
    ['a missing name', { requestedBy: 'alice' }, 'snapshotName'],
  ])('rejects %s', (_label, input, path) => {
    const result = dbSnapshotRequestSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it.each([1, 90, 3650])('accepts a retention of %i days', (retainDays) => {
    const parsed = dbSnapshotRequestSchema.parse({ snapshotName: 'ok-name', requestedBy: 'alice', retainDays });
    expect(parsed.retainDays).toBe(retainDays);
  });

  it.each([
    ['zero days', 0, 'at least 1'],
    ['more than ten years', 3651, 'at most 3650'],
    ['a fraction of a day', 1.5, 'whole number'],
    ['a number as text', '30', 'expected number'],
  ])('rejects a retention of %s, naming the field', (_label, retainDays, message) => {
    const result = dbSnapshotRequestSchema.safeParse({ snapshotName: 'ok-name', requestedBy: 'alice', retainDays });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['retainDays']);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('reports every rule the name breaks, as validateSnapshotName does', () => {
    const result = dbSnapshotRequestSchema.safeParse({ snapshotName: '1Bad--', requestedBy: 'alice' });
    expect(result.error?.issues.map((i) => i.message)).toEqual(validateSnapshotName('1Bad--'));
  });
});

describe('planDbSnapshot', () => {
  it('tags the snapshot with the owner, the expiry and who asked for it', () => {
    const plan = planDbSnapshot(
      { snapshotName: 'interactions-pre-migration', requestedBy: 'alice', reason: 'v2 migration' },
      context,
    );
    expect(plan).toEqual({
      snapshotName: 'interactions-pre-migration',
      requestedBy: 'alice',
      reason: 'v2 migration',
      expiresAt: '2025-02-05T10:00:00.000Z',
      tags: [
        { Key: 'interactions:managed-by', Value: 'interactions-automation' },
        { Key: 'interactions:execution', Value: 'cli-20250101-abc' },
        { Key: 'interactions:expires-at', Value: '2025-02-05T10:00:00.000Z' },
        { Key: 'interactions:environment', Value: 'prod' },
        { Key: REQUESTED_BY_TAG, Value: 'alice' },
      ],
    });
  });

  it("plans the expiry from the request's retainDays instead of the environment's retention", () => {
    const plan = planDbSnapshot({ snapshotName: 'keep-me', requestedBy: 'alice', retainDays: 400 }, context);
    expect(plan.expiresAt).toBe('2026-02-05T10:00:00.000Z');
    expect(plan.tags).toContainEqual({ Key: 'interactions:expires-at', Value: '2026-02-05T10:00:00.000Z' });
  });

  it('plans a shorter expiry than the default when asked to', () => {
    const plan = planDbSnapshot({ snapshotName: 'scratch', requestedBy: 'alice', retainDays: 1 }, context);
    expect(plan.expiresAt).toBe('2025-01-02T10:00:00.000Z');
  });

  it('fails when the retention is not a positive whole number of days', () => {
    expect(() => planDbSnapshot({ snapshotName: 'a', requestedBy: 'b' }, { ...context, retentionDays: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('cache snapshot plan', () => {
  it('names the snapshot from the environment and the execution when no name is given', () => {
    expect(planCacheSnapshot({ requestedBy: 'nightly' }, context).snapshotName).toBe(
      'interactions-prod-cli-20250101-abc',
    );
  });

  it('turns an execution name into a valid snapshot name', () => {
    const name = defaultCacheSnapshotName('dev', 'Nightly__Run_2025-');
    expect(name).toBe('interactions-dev-nightly-run-2025');
    expect(validateSnapshotName(name)).toEqual([]);
  });

  it('keeps an explicit name with the environment prefix', () => {
    expect(
      planCacheSnapshot(
        { snapshotName: 'interactions-dev-before-upgrade', requestedBy: 'bob' },
        { ...context, environment: 'dev' },
      ).snapshotName,
    ).toBe('interactions-dev-before-upgrade');
  });

  it('fails when an explicit name lacks the environment prefix', () => {
    expect(() => planCacheSnapshot({ snapshotName: 'interactions-dev-x', requestedBy: 'bob' }, context)).toThrow(
      ValidationError,
    );
  });

  it("plans the expiry from the request's retainDays", () => {
    const plan = planCacheSnapshot({ requestedBy: 'bob', retainDays: 7 }, context);
    expect(plan.expiresAt).toBe('2025-01-08T10:00:00.000Z');
    expect(cacheSnapshotRequestSchema.safeParse({ requestedBy: 'bob', retainDays: 0 }).success).toBe(false);
  });

  it('requires requestedBy', () => {
    expect(cacheSnapshotRequestSchema.safeParse({}).success).toBe(false);
  });
});

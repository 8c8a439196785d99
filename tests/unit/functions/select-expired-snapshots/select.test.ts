import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { toRecord } from '../../../../functions/select-expired-snapshots/listing.js';
import {
  boundOwnerRunChecks,
  type CacheSnapshotRecord,
  cacheOwnerRunChecks,
  copySource,
  dbOwnerRunChecks,
  drCopyName,
  isExpiredAutomationCacheSnapshot,
  isExpiredAutomationSnapshot,
  isSelectableSnapshot,
  type SnapshotRecord,
  selectExpiredCacheSnapshots,
  selectExpiredSnapshots,
} from '../../../../functions/select-expired-snapshots/select.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../../shared/tags.js';
import { fixturePath } from '../../../support/fixtures.js';

const fixture = JSON.parse(
  readFileSync(fixturePath('rds-describe-db-snapshots-manual-available.awscli-example.json'), 'utf8'),
).DBSnapshots[0];
const NOW = new Date('2025-01-15T02:30:00Z');
const DAY = 86_400_000;
const envTag = (env: string): Tag => ({ Key: TAG_KEYS.environment, Value: env });
const executionTag = (name: string): Tag => ({ Key: TAG_KEYS.execution, Value: name });
/** The tags every snapshot prod's automation makes carries (managed-by, environment, execution), and `extra`. */
const ours = (extra: Tag[] = []): Tag[] => [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  envTag('prod'),
  executionTag('nightly-1'),
  ...extra,
];
/** prod's managed-by and environment tags without the execution tag every delete grant requires. */
const withoutExecution = (extra: Tag[] = []): Tag[] => ours(extra).filter((t) => t.Key !== TAG_KEYS.execution);
const INSTANCE = 'interactions-prod-postgres';
/** The prod source region's policy. */
const P = { environment: 'prod', region: 'source', instanceId: INSTANCE, retentionDays: 7 } as const;
/** The prod DR region's policy. */
const PDR = { ...P, region: 'dr' } as const;
const expires = (d: Date): Tag => ({ Key: TAG_KEYS.expiresAt, Value: d.toISOString() });

function record(over: Partial<SnapshotRecord>): SnapshotRecord {
  return {
    ...toRecord({ ...fixture, SnapshotCreateTime: new Date(fixture.SnapshotCreateTime) }),
    instanceId: INSTANCE,
    ...over,
  };
}

describe('selectExpiredSnapshots', () => {
  it('reads the fixture as a manual, available snapshot without tags, and never selects it', () => {
    const r = record({});
    expect(r).toMatchObject({ identifier: 'mydbsnapshot', type: 'manual', status: 'available', tags: [] });
    expect(selectExpiredSnapshots([r], NOW, P)).toEqual([]);
  });

  it('selects an automation snapshot whose expires-at is past', () => {
    const r = record({ tags: ours([expires(new Date(NOW.getTime() - 1000))]) });
    expect(selectExpiredSnapshots([r], NOW, P)).toEqual([
      {
        identifier: 'mydbsnapshot',
        arn: r.arn,
        reason: 'expires-at',
        expiredAt: new Date(NOW.getTime() - 1000).toISOString(),
        expiresAtTag: new Date(NOW.getTime() - 1000).toISOString(),
        execution: 'nightly-1',
      },
    ]);
  });

  it('keeps one whose expires-at is now or later', () => {
    expect(selectExpiredSnapshots([record({ tags: ours([expires(NOW)]) })], NOW, P)).toEqual([]);
  });

  it('uses the retention for automation snapshots without expires-at', () => {
    const old = record({ tags: ours(), createdAt: new Date(NOW.getTime() - 8 * DAY) });
    const young = record({ identifier: 'young', tags: ours(), createdAt: new Date(NOW.getTime() - 6 * DAY) });
    expect(selectExpiredSnapshots([old, young], NOW, P).map((s) => [s.identifier, s.reason, s.expiresAtTag])).toEqual([
      ['mydbsnapshot', 'age', ''],
    ]);
  });

  it('never selects a snapshot with an unparseable expires-at', () => {
    const r = record({ tags: ours([{ Key: TAG_KEYS.expiresAt, Value: 'soon' }]), createdAt: new Date(0) });
    expect(selectExpiredSnapshots([r], NOW, P)).toEqual([]);
  });

  it('caps one run at maxPerRun, oldest expiry first', () => {
    const list = [3, 1, 2].map((d) =>
      record({ identifier: `s${d}`, tags: ours([expires(new Date(NOW.getTime() - d * DAY))]) }),
    );
    expect(selectExpiredSnapshots(list, NOW, { ...P, maxPerRun: 2 }).map((s) => s.identifier)).toEqual(['s3', 's2']);
  });

  it.each([
    [
      'of another environment',
      { tags: [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }, envTag('dev'), expires(new Date(0))] },
    ],
    [
      'without the environment tag (made before it existed, or by hand)',
      { tags: [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }, expires(new Date(0))] },
    ],
    [
      'of another instance, though tagged prod',
      { instanceId: 'interactions-dev-postgres', tags: ours([expires(new Date(0))]) },
    ],
    ['without an instance', { instanceId: undefined, tags: ours([expires(new Date(0))]) }],
    [
      'managed-by and prod-tagged but without an execution tag (IAM would deny its delete)',
      { tags: withoutExecution([expires(new Date(0))]) },
    ],
    ['with an empty execution tag', { tags: [...withoutExecution([expires(new Date(0))]), executionTag('')] }],
  ])('never selects a source-region snapshot %s', (_why, over: Partial<SnapshotRecord>) => {
    expect(selectExpiredSnapshots([record(over)], NOW, P)).toEqual([]);
  });

  it("selects in the DR region only the environment's own copies", () => {
    const tags = ours([expires(new Date(0))]);
    const own = record({ identifier: 'interactions-prod-dr-2025-01-01-05-10', tags });
    const staging = record({
      identifier: 'interactions-staging-dr-2025-01-01-05-10',
      tags: [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }, envTag('staging'), expires(new Date(0))],
    });
    const stagingNamedLikeProd = record({ identifier: 'interactions-prod-dr-x', tags: staging.tags });
    const prodNotACopy = record({ identifier: 'interactions-prod-pre-upgrade', tags });
    const withoutExecutionTag = record({
      identifier: 'interactions-prod-dr-no-execution',
      tags: withoutExecution([expires(new Date(0))]),
    });
    expect(
      selectExpiredSnapshots([own, staging, stagingNamedLikeProd, prodNotACopy, withoutExecutionTag], NOW, PDR).map(
        (s) => s.identifier,
      ),
    ).toEqual(['interactions-prod-dr-2025-01-01-05-10']);
  });

  it('rejects a non-positive retention', () => {
    expect(() => selectExpiredSnapshots([], NOW, { ...P, retentionDays: 0 })).toThrow(RangeError);
  });

  const tagArb: fc.Arbitrary<Tag> = fc.oneof(
    fc.constant({ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }),
    fc.constantFrom('prod', 'staging', 'dev', '').map(envTag),
    fc.oneof(fc.constant(''), fc.string()).map(executionTag),
    fc.record({ Key: fc.constant(TAG_KEYS.managedBy), Value: fc.string() }),
    fc.record({
      Key: fc.constant(TAG_KEYS.expiresAt),
      Value: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
    }),
    fc.record({ Key: fc.string(), Value: fc.string() }),
  );
  /** Statuses of owning runs, by execution name (the ours() execution among them). */
  const ownerRunsArb: fc.Arbitrary<Map<string, string>> = fc
    .dictionary(
      fc.oneof(fc.constant('nightly-1'), fc.string()),
      fc.constantFrom('FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'RUNNING', 'ABSENT'),
    )
    .map((statuses) => new Map(Object.entries(statuses)));
  const snapshotArb: fc.Arbitrary<SnapshotRecord> = fc.record({
    identifier: fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom('prod', 'staging', 'dev').chain((env) => fc.string().map((s) => `interactions-${env}-dr-${s}`)),
    ),
    arn: fc.string(),
    instanceId: fc.oneof(
      fc.constantFrom(INSTANCE, 'interactions-staging-postgres', 'interactions-dev-postgres', undefined),
      fc.string(),
    ),
    type: fc.constantFrom('manual', 'automated', 'shared', 'public', 'awsbackup'),
    status: fc.constantFrom('available', 'creating', 'copying', 'deleting', 'failed'),
    createdAt: fc.option(fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01') }), { nil: undefined }),
    tags: fc.array(tagArb, { maxLength: 4 }),
  });

  it('never selects before its expiry a snapshot whose run SUCCEEDED, is RUNNING or is unknown (property)', () => {
    fc.assert(
      fc.property(
        fc.array(snapshotArb, { maxLength: 30 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.dictionary(
          fc.oneof(fc.constant('nightly-1'), fc.string()),
          fc.constantFrom('SUCCEEDED', 'RUNNING', 'PENDING_REDRIVE', 'ABSENT'),
        ),
        (snapshots, now, retentionDays, statuses) => {
          const ownerRuns = new Map(Object.entries(statuses));
          const policy = { ...P, retentionDays, maxPerRun: 1000, ownerRuns };
          const selected = selectExpiredSnapshots(snapshots, now, policy);
          expect(selected.filter((s) => s.reason === 'failed-run')).toEqual([]);
          expect(selected).toEqual(selectExpiredSnapshots(snapshots, now, { ...P, retentionDays, maxPerRun: 1000 }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never selects what the automation may not delete (no execution tag included), nor another environment's or instance's snapshot; every selection is expired (property)", () => {
    fc.assert(
      fc.property(
        fc.array(snapshotArb, { maxLength: 30 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('source', 'dr') as fc.Arbitrary<'source' | 'dr'>,
        ownerRunsArb,
        (snapshots, now, retentionDays, region, ownerRuns) => {
          const policy = { ...P, region, retentionDays, maxPerRun: 1000, ownerRuns };
          const selected = selectExpiredSnapshots(snapshots, now, policy);
          for (const s of selected) {
            const source = snapshots.find((x) => x.identifier === s.identifier && x.arn === s.arn);
            expect(source).toBeDefined();
            if (source === undefined) continue;
            const managedBy = source.tags.find((t) => t.Key === TAG_KEYS.managedBy)?.Value;
            expect(managedBy).toBe(MANAGED_BY);
            // The first environment tag decides, as it does for managed-by.
            expect(source.tags.find((t) => t.Key === TAG_KEYS.environment)?.Value).toBe('prod');
            expect(source.tags.find((t) => t.Key === TAG_KEYS.execution)?.Value ?? '').not.toBe('');
            if (region === 'source') expect(source.instanceId).toBe(INSTANCE);
            else expect(source.identifier.startsWith('interactions-prod-dr-')).toBe(true);
            expect(source.type).toBe('manual');
            expect(source.status).toBe('available');
            if (s.reason === 'failed-run') {
              // Before its expiry only as the leftover of a run that ended without succeeding.
              expect(['FAILED', 'TIMED_OUT', 'ABORTED']).toContain(ownerRuns.get(s.execution));
              expect(isSelectableSnapshot(source, policy)).toBe(true);
            } else {
              expect(new Date(s.expiredAt).getTime()).toBeLessThan(now.getTime());
              expect(isExpiredAutomationSnapshot(source, now, policy)).toBe(true);
            }
          }
          // Completeness: every expired deletable snapshot is selected.
          const deletable = snapshots.filter((x) => isExpiredAutomationSnapshot(x, now, policy));
          expect(selected.filter((x) => x.reason !== 'failed-run')).toHaveLength(deletable.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never selects a selectable snapshot once it is another environment's or instance's (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('staging', 'dev', '', 'PROD', 'prod '),
        fc.constantFrom('interactions-staging-postgres', 'interactions-dev-postgres', 'x', undefined),
        (otherEnv, otherInstance) => {
          const tags = ours([expires(new Date(0))]);
          const mine = record({ identifier: 'interactions-prod-dr-1', tags });
          expect(selectExpiredSnapshots([mine], NOW, P)).toHaveLength(1);
          expect(selectExpiredSnapshots([mine], NOW, PDR)).toHaveLength(1);
          const retagged = record({
            identifier: 'interactions-prod-dr-1',
            tags: tags.map((t) => (t.Key === TAG_KEYS.environment ? envTag(otherEnv) : t)),
          });
          expect(selectExpiredSnapshots([retagged], NOW, P)).toEqual([]);
          expect(selectExpiredSnapshots([retagged], NOW, PDR)).toEqual([]);
          expect(selectExpiredSnapshots([{ ...mine, instanceId: otherInstance }], NOW, P)).toEqual([]);
          const otherCopy = { ...mine, identifier: `interactions-${otherEnv || 'dev'}-dr-1` };
          expect(selectExpiredSnapshots([otherCopy], NOW, PDR)).toEqual([]);
        },
      ),
    );
  });
});

describe('selectExpiredCacheSnapshots', () => {
  const PREFIX = 'interactions-prod-';
  const policy = { environment: 'prod', retentionDays: 7, namePrefix: PREFIX } as const;
  function cache(over: Partial<CacheSnapshotRecord>): CacheSnapshotRecord {
    return {
      name: `${PREFIX}nightly-1`,
      arn: 'arn:aws:elasticache:us-east-1:123456789012:snapshot:interactions-prod-nightly-1',
      source: 'manual',
      status: 'available',
      createdAt: new Date(NOW.getTime() - DAY),
      tags: ours([expires(new Date(NOW.getTime() - 1000))]),
      ...over,
    };
  }

  it('selects an expired automation cache snapshot, in the DB selection shape', () => {
    const c = cache({});
    expect(selectExpiredCacheSnapshots([c], NOW, policy)).toEqual([
      {
        identifier: c.name,
        arn: c.arn,
        reason: 'expires-at',
        expiredAt: new Date(NOW.getTime() - 1000).toISOString(),
        expiresAtTag: new Date(NOW.getTime() - 1000).toISOString(),
        execution: 'nightly-1',
      },
    ]);
  });

  it('falls back to the retention when there is no expires-at, and keeps what is not expired', () => {
    const old = cache({ name: `${PREFIX}old`, tags: ours(), createdAt: new Date(NOW.getTime() - 8 * DAY) });
    const young = cache({ name: `${PREFIX}young`, tags: ours(), createdAt: new Date(NOW.getTime() - 6 * DAY) });
    const undated = cache({ name: `${PREFIX}undated`, tags: ours(), createdAt: undefined });
    const future = cache({ name: `${PREFIX}future`, tags: ours([expires(NOW)]) });
    expect(selectExpiredCacheSnapshots([old, young, undated, future], NOW, policy).map((s) => s.identifier)).toEqual([
      `${PREFIX}old`,
    ]);
  });

  it.each([
    ['of another name prefix', { name: 'interactions-staging-nightly-1' }],
    ['named like an automatic one', { name: 'automatic.interactions-prod-2025-01-14-05-10' }],
    ['automatic', { source: 'automated' }],
    ['still being created', { status: 'creating' }],
    ['not tagged as ours', { tags: [expires(new Date(0))] }],
    [
      'tagged as another environment',
      { tags: [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }, envTag('staging'), expires(new Date(0))] },
    ],
    ['without the environment tag', { tags: [{ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }, expires(new Date(0))] }],
    [
      'managed-by and prod-tagged but without an execution tag (IAM would deny its delete)',
      { tags: withoutExecution([expires(new Date(0))]) },
    ],
    ['tagged with an unparseable expiry', { tags: ours([{ Key: TAG_KEYS.expiresAt, Value: 'soon' }]) }],
  ])('never selects one %s', (_why, over) => {
    expect(selectExpiredCacheSnapshots([cache(over)], NOW, policy)).toEqual([]);
  });

  it('rejects a non-positive retention and an empty prefix', () => {
    expect(() => selectExpiredCacheSnapshots([], NOW, { ...policy, retentionDays: 0 })).toThrow(RangeError);
    expect(() => selectExpiredCacheSnapshots([cache({})], NOW, { ...policy, namePrefix: '' })).toThrow(RangeError);
  });

  const tagArb: fc.Arbitrary<Tag> = fc.oneof(
    fc.constant({ Key: TAG_KEYS.managedBy, Value: MANAGED_BY }),
    fc.constantFrom('prod', 'staging', 'dev', '').map(envTag),
    fc.oneof(fc.constant(''), fc.string()).map(executionTag),
    fc.record({ Key: fc.constant(TAG_KEYS.managedBy), Value: fc.string() }),
    fc.record({
      Key: fc.constant(TAG_KEYS.expiresAt),
      Value: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
    }),
    fc.record({ Key: fc.string(), Value: fc.string() }),
  );
  const cacheArb: fc.Arbitrary<CacheSnapshotRecord> = fc.record({
    name: fc.oneof(
      fc.string({ minLength: 1 }).map((s) => `${PREFIX}${s}`),
      fc.string({ minLength: 1 }),
      fc.string({ minLength: 1 }).map((s) => `automatic.${PREFIX}${s}`),
    ),
    arn: fc.string(),
    source: fc.constantFrom('manual', 'automated', 'unknown'),
    status: fc.constantFrom('available', 'creating', 'copying', 'exporting', 'restoring', 'deleting'),
    createdAt: fc.option(fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01') }), { nil: undefined }),
    tags: fc.array(tagArb, { maxLength: 4 }),
  });

  it("never selects an unowned, other environment's, execution-less, automatic, unprefixed or unavailable cache snapshot; everything selected is expired (property)", () => {
    fc.assert(
      fc.property(
        fc.array(cacheArb, { maxLength: 30 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        (snapshots, now, retentionDays) => {
          const p = { environment: 'prod', retentionDays, namePrefix: PREFIX, maxPerRun: 1000 } as const;
          const selected = selectExpiredCacheSnapshots(snapshots, now, p);
          for (const s of selected) {
            const source = snapshots.find((x) => x.name === s.identifier && x.arn === s.arn);
            expect(source).toBeDefined();
            if (source === undefined) continue;
            expect(source.tags.find((t) => t.Key === TAG_KEYS.managedBy)?.Value).toBe(MANAGED_BY);
            expect(source.tags.find((t) => t.Key === TAG_KEYS.environment)?.Value).toBe('prod');
            expect(source.tags.find((t) => t.Key === TAG_KEYS.execution)?.Value ?? '').not.toBe('');
            expect(source.source).toBe('manual');
            expect(source.status).toBe('available');
            expect(source.name.startsWith(PREFIX)).toBe(true);
            expect(new Date(s.expiredAt).getTime()).toBeLessThan(now.getTime());
            const tag = source.tags.find((t) => t.Key === TAG_KEYS.expiresAt)?.Value;
            if (tag !== undefined) expect(new Date(tag).getTime()).toBeLessThan(now.getTime());
            else expect((source.createdAt?.getTime() ?? Number.NaN) + retentionDays * DAY).toBeLessThan(now.getTime());
          }
          const deletable = snapshots.filter((x) => isExpiredAutomationCacheSnapshot(x, now, p));
          expect(selected).toHaveLength(deletable.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('copySource and drCopyName', () => {
  const auto = (id: string, hoursAgo: number, status = 'available') =>
    record({
      identifier: id,
      type: 'automated',
      status,
      instanceId: 'interactions-prod-postgres',
      createdAt: new Date(NOW.getTime() - hoursAgo * 3_600_000),
    });
  it('takes the newest available automated snapshot of the instance', () => {
    const list = [
      auto('rds:a', 30),
      auto('rds:b', 5),
      auto('rds:c', 1, 'creating'),
      record({ instanceId: 'other', type: 'automated' }),
    ];
    expect(copySource(list, 'interactions-prod-postgres')?.identifier).toBe('rds:b');
  });
  it('falls back to the newest available manual snapshot', () => {
    const manual = record({ identifier: 'm', instanceId: 'interactions-prod-postgres' });
    expect(copySource([manual], 'interactions-prod-postgres')?.identifier).toBe('m');
    expect(copySource([], 'interactions-prod-postgres')).toBeUndefined();
  });
  it('names the copy from the source, so a re-run finds it already there', () => {
    expect(drCopyName('prod', 'rds:interactions-prod-postgres-2025-01-14-05-10', 'interactions-prod-postgres')).toBe(
      'interactions-prod-dr-2025-01-14-05-10',
    );
    expect(drCopyName('dev', 'Pre_Migration--X', 'interactions-dev-postgres')).toBe(
      'interactions-dev-dr-pre-migration-x',
    );
  });
});

describe('leftovers of failed runs', () => {
  const FAR = expires(new Date(NOW.getTime() + 3000 * DAY));
  const leftover = (execution: string, over: Partial<SnapshotRecord> = {}) =>
    record({
      identifier: `before-migration-${execution}`,
      tags: [...ours([FAR]).filter((t) => t.Key !== TAG_KEYS.execution), executionTag(execution)],
      ...over,
    });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])(
    'selects one far from expiry whose run ended %s, reason failed-run',
    (status) => {
      const r = leftover('cli-1');
      const selected = selectExpiredSnapshots([r], NOW, { ...P, ownerRuns: new Map([['cli-1', status]]) });
      expect(selected).toEqual([
        {
          identifier: 'before-migration-cli-1',
          arn: r.arn,
          reason: 'failed-run',
          expiredAt: NOW.toISOString(),
          expiresAtTag: FAR.Value,
          execution: 'cli-1',
        },
      ]);
    },
  );

  it("never selects a failed run's snapshot that is not ours, still creating, or another environment's", () => {
    const runs = new Map([['cli-1', 'FAILED']]);
    const creating = leftover('cli-1', { status: 'creating' });
    const mine = leftover('cli-1');
    expect(selectExpiredSnapshots([mine], NOW, { ...P, ownerRuns: runs })).toHaveLength(1);
    const staging = {
      ...mine,
      tags: mine.tags.map((t) => (t.Key === TAG_KEYS.environment ? envTag('staging') : t)),
    };
    const foreign = leftover('cli-1', { instanceId: 'interactions-staging-postgres' });
    expect(selectExpiredSnapshots([creating, staging, foreign], NOW, { ...P, ownerRuns: runs })).toEqual([]);
  });

  it('lists the not-yet-expired snapshots of ours for a lookup (source region only), not the expired ones', () => {
    const expired = record({ identifier: 'old', tags: ours([expires(new Date(NOW.getTime() - 1000))]) });
    const fresh = leftover('cli-2');
    const invalidName = leftover('not a run name');
    expect(dbOwnerRunChecks([expired, fresh, invalidName], NOW, P)).toEqual([
      { kind: 'db', execution: 'cli-2', createdAt: fresh.createdAt },
    ]);
    expect(dbOwnerRunChecks([fresh], NOW, PDR)).toEqual([]);
  });

  it('lists cache snapshots of ours for a lookup', () => {
    const c: CacheSnapshotRecord = {
      name: 'interactions-prod-cli-3',
      arn: 'arn:aws:elasticache:us-east-1:123456789012:snapshot:interactions-prod-cli-3',
      source: 'manual',
      status: 'available',
      createdAt: NOW,
      tags: [...ours([FAR]).filter((t) => t.Key !== TAG_KEYS.execution), executionTag('cli-3')],
    };
    const policy = { environment: 'prod', retentionDays: 7, namePrefix: 'interactions-prod-' } as const;
    expect(cacheOwnerRunChecks([c], NOW, policy)).toEqual([{ kind: 'cache', execution: 'cli-3', createdAt: NOW }]);
    expect(cacheOwnerRunChecks([{ ...c, name: 'hand-made' }], NOW, policy)).toEqual([]);
  });

  it('bounds the lookups, newest first, one per owning run', () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
    const checks = [
      { kind: 'db', execution: 'a', createdAt: at(30) },
      { kind: 'db', execution: 'b', createdAt: at(10) },
      { kind: 'db', execution: 'b', createdAt: at(5) },
      { kind: 'cache', execution: 'b', createdAt: at(20) },
      { kind: 'db', execution: 'c', createdAt: undefined },
    ] as const;
    expect(boundOwnerRunChecks(checks, 3).map((c) => `${c.kind}:${c.execution}`)).toEqual(['db:b', 'cache:b', 'db:a']);
  });
});

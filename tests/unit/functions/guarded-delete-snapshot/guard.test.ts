import fc from 'fast-check';
import { deleteOwnedSnapshot, type SnapshotStore } from '../../../../functions/guarded-delete-snapshot/guard.js';
import { TagGuardError } from '../../../../shared/errors.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../../shared/tags.js';

/** An in-memory store that records deletes. */
function store(
  snapshot: { status: string; tags: readonly Tag[] } | undefined,
  deleteResult: 'deleted' | 'busy' = 'deleted',
) {
  const deleted: string[] = [];
  const s: SnapshotStore = {
    describe: async () => snapshot,
    delete: async (name) => {
      deleted.push(name);
      return deleteResult;
    },
  };
  return { s, deleted };
}

const own = [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  { Key: TAG_KEYS.execution, Value: 'exec-1' },
  { Key: TAG_KEYS.environment, Value: 'prod' },
];

describe('deleteOwnedSnapshot', () => {
  it('deletes an available snapshot carrying this execution tags', async () => {
    const { s, deleted } = store({ status: 'available', tags: own });
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).resolves.toEqual({
      snapshotName: 'snap',
      outcome: 'deleted',
      status: 'available',
    });
    expect(deleted).toEqual(['snap']);
  });

  it('deletes a failed snapshot of this execution', async () => {
    const { s, deleted } = store({ status: 'failed', tags: own });
    await deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod');
    expect(deleted).toEqual(['snap']);
  });

  it('reports absent when there is nothing to delete', async () => {
    const { s, deleted } = store(undefined);
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).resolves.toMatchObject({ outcome: 'absent' });
    expect(deleted).toEqual([]);
  });

  it('leaves a snapshot still being created to the sweeper', async () => {
    const { s, deleted } = store({ status: 'creating', tags: own });
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).resolves.toMatchObject({
      outcome: 'left-for-sweeper',
    });
    expect(deleted).toEqual([]);
  });

  it('leaves the snapshot to the sweeper when the service refuses the delete for its state', async () => {
    const { s } = store({ status: 'available', tags: own }, 'busy');
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).resolves.toMatchObject({
      outcome: 'left-for-sweeper',
    });
  });

  it('fails with TagGuardError for a snapshot of another execution, deleting nothing', async () => {
    const { s, deleted } = store({
      status: 'available',
      tags: [own[0]!, { Key: TAG_KEYS.execution, Value: 'exec-2' }],
    });
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).rejects.toBeInstanceOf(TagGuardError);
    expect(deleted).toEqual([]);
  });

  it.each([
    ['of another environment with the same execution name', 'staging'],
    ['without the environment tag', undefined],
  ])('fails with TagGuardError for a snapshot %s, deleting nothing', async (_why, env) => {
    const tags = [own[0]!, own[1]!, ...(env === undefined ? [] : [{ Key: TAG_KEYS.environment, Value: env }])];
    const { s, deleted } = store({ status: 'available', tags });
    await expect(deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod')).rejects.toThrow(/interactions:environment/);
    expect(deleted).toEqual([]);
  });

  it('never deletes a snapshot whose tags do not name this execution (property)', async () => {
    const key = fc.oneof(
      fc.constantFrom<string>(TAG_KEYS.managedBy, TAG_KEYS.execution, TAG_KEYS.expiresAt, TAG_KEYS.environment),
      fc.string(),
    );
    const value = fc.oneof(
      fc.constantFrom(MANAGED_BY, 'exec-1', 'exec-10', 'EXEC-1', '', 'prod', 'staging'),
      fc.string(),
    );
    const tags = fc.array(
      fc.record({ Key: fc.option(key, { nil: undefined }), Value: fc.option(value, { nil: undefined }) }),
      {
        maxLength: 8,
      },
    );
    const status = fc.constantFrom('available', 'failed', 'creating', 'deleting');
    await fc.assert(
      fc.asyncProperty(tags, status, async (tagList, st) => {
        const ownedByExec1 =
          tagList.find((t) => t.Key === TAG_KEYS.managedBy)?.Value === MANAGED_BY &&
          tagList.find((t) => t.Key === TAG_KEYS.execution)?.Value === 'exec-1' &&
          tagList.find((t) => t.Key === TAG_KEYS.environment)?.Value === 'prod';
        const { s, deleted } = store({ status: st, tags: tagList });
        const outcome = await deleteOwnedSnapshot(s, 'snap', 'exec-1', 'prod').then(
          () => 'ran',
          (error: unknown) => (error instanceof TagGuardError ? 'refused' : 'other'),
        );
        if (!ownedByExec1) {
          expect(outcome).toBe('refused');
          expect(deleted).toEqual([]);
        } else {
          expect(outcome).toBe('ran');
        }
      }),
      { numRuns: 500 },
    );
  });
});

import {
  deleteGuarded,
  describeForGuard,
  type RegionalSnapshotStore,
} from '../../../../functions/operate-regional-snapshots/operations.js';
import { TagGuardError } from '../../../../shared/errors.js';
import { MANAGED_BY, TAG_KEYS, type Tag } from '../../../../shared/tags.js';

function store(snapshot: { status: string; type: string; tags: Tag[] } | undefined) {
  const deleted: string[] = [];
  const s: RegionalSnapshotStore = {
    describe: async () => snapshot,
    copy: async () => ({ outcome: 'started', status: 'pending' }),
    delete: async (id) => {
      deleted.push(id);
    },
  };
  return { s, deleted };
}
const ours = [
  { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
  { Key: TAG_KEYS.expiresAt, Value: '2025-01-01T00:00:00.000Z' },
];

describe('describeForGuard', () => {
  it('flattens the tags the guard Choice compares', async () => {
    await expect(describeForGuard(store({ status: 'available', type: 'manual', tags: ours }).s, 'x')).resolves.toEqual({
      status: 'available',
      type: 'manual',
      managedBy: MANAGED_BY,
      expiresAt: '2025-01-01T00:00:00.000Z',
    });
  });
  it('gives empty strings for absent tags and status absent for a missing snapshot', async () => {
    await expect(
      describeForGuard(store({ status: 'available', type: 'manual', tags: [] }).s, 'x'),
    ).resolves.toMatchObject({ managedBy: '', expiresAt: '' });
    await expect(describeForGuard(store(undefined).s, 'x')).resolves.toEqual({
      status: 'absent',
      type: '',
      managedBy: '',
      expiresAt: '',
    });
  });
});

describe('deleteGuarded', () => {
  it('deletes a manual, available automation snapshot', async () => {
    const { s, deleted } = store({ status: 'available', type: 'manual', tags: ours });
    await expect(deleteGuarded(s, 'x')).resolves.toEqual({ identifier: 'x', outcome: 'deleted' });
    expect(deleted).toEqual(['x']);
  });
  it.each([
    ['not tagged as ours', { status: 'available', type: 'manual', tags: [] }],
    ['automated', { status: 'available', type: 'automated', tags: ours }],
    ['not available', { status: 'copying', type: 'manual', tags: ours }],
  ])('fails when the snapshot is %s, deleting nothing', async (_why, snapshot) => {
    const { s, deleted } = store(snapshot);
    await expect(deleteGuarded(s, 'x')).rejects.toBeInstanceOf(TagGuardError);
    expect(deleted).toEqual([]);
  });
  it('reports absent when already gone', async () => {
    await expect(deleteGuarded(store(undefined).s, 'x')).resolves.toEqual({ identifier: 'x', outcome: 'absent' });
  });
});

/** What the snapshot adapters return, the same for DB and cache snapshots. */
import type { Tag } from '../tags.js';

/** A snapshot reduced to what the guards read. */
export interface DescribedSnapshot {
  /** Status as the service reports it (`available`, `creating`, `deleting`, ...). */
  readonly status: string;
  /** DB snapshot's SnapshotType or cache snapshot's SnapshotSource: `manual` for both kinds the automation makes. */
  readonly type: string;
  readonly tags: readonly Tag[];
}

/** How a delete call ended: gone now, already gone, or refused because of the snapshot's state. */
export type SnapshotDeletion = 'deleted' | 'absent' | 'busy';

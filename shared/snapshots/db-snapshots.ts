/**
 * Manual RDS DB snapshots through the SDK: the describe and delete calls several functions make
 * (the cleanup guard, the housekeeping's regional operations), with the "not found" and "wrong
 * state" faults turned into results instead of errors.
 */
import { DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { errorName } from '../errors.js';
import type { DescribedSnapshot, SnapshotDeletion } from './types.js';

/** The DB snapshot named `identifier` (tags included: DescribeDBSnapshots returns them), or undefined when there is none. */
export async function describeDbSnapshot(rds: RDSClient, identifier: string): Promise<DescribedSnapshot | undefined> {
  try {
    const { DBSnapshots = [] } = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
    const snapshot = DBSnapshots[0];
    if (snapshot === undefined) return undefined;
    return {
      status: snapshot.Status ?? 'unknown',
      type: snapshot.SnapshotType ?? 'unknown',
      tags: snapshot.TagList ?? [],
    };
  } catch (error) {
    if (errorName(error) === 'DBSnapshotNotFoundFault') return undefined;
    throw error;
  }
}

/** Deletes the DB snapshot: `absent` when it is already gone, `busy` when its state forbids deleting now. */
export async function deleteDbSnapshot(rds: RDSClient, identifier: string): Promise<SnapshotDeletion> {
  try {
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
    return 'deleted';
  } catch (error) {
    if (errorName(error) === 'DBSnapshotNotFoundFault') return 'absent';
    if (errorName(error) === 'InvalidDBSnapshotStateFault') return 'busy';
    throw error;
  }
}

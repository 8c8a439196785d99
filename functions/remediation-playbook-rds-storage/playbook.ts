/**
 * RDS storage > 85%: grow allocated storage by at least 10% (RDS refuses less) within the
 * configured cap, only when the described instance allows a storage modification now (status
 * `available`, no storage change pending: after a change RDS spends hours in
 * `storage-optimization`, during which another is refused). When storage autoscaling is already
 * set (MaxAllocatedStorage above the allocation), RDS grows the storage itself: confirm, change nothing.
 */
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import { ResourceFailedError } from '../../shared/errors.js';
import { names } from '../../shared/naming.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import * as z from '../../shared/zod.js';

/** RDS's smallest storage increase. */
const MIN_GROWTH_PERCENT = 10;

/** Limits the stack passes: the growth step (at least 10%) and the cap no growth may pass. */
export const policySchema = z.object({
  growthPercent: z
    .number()
    .check(z.gte(MIN_GROWTH_PERCENT, `must be at least ${MIN_GROWTH_PERCENT} (RDS's minimum increase)`)),
  maxAllocatedStorageGiB: z.number().check(z.int(), z.positive()),
});
export type RdsStoragePolicy = z.infer<typeof policySchema>;

/** What the playbook reads about the instance. */
export interface StorageFacts {
  readonly instance: string;
  readonly status: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling's ceiling; undefined when autoscaling is off. */
  readonly maxAllocatedStorageGiB: number | undefined;
  readonly pendingAllocatedStorageGiB: number | undefined;
}

/** Statuses from which the instance will not get to the asked-for storage by waiting. */
const FAILED_STATUSES = new Set([
  'failed',
  'incompatible-parameters',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'storage-full',
  'deleting',
]);

function seen(facts: StorageFacts): Record<string, unknown> {
  return {
    instance: facts.instance,
    status: facts.status,
    allocatedStorageGiB: facts.allocatedStorageGiB,
    maxAllocatedStorageGiB: facts.maxAllocatedStorageGiB ?? null,
    pendingAllocatedStorageGiB: facts.pendingAllocatedStorageGiB ?? null,
  };
}

/** The RDS storage playbook. */
export const rdsStorage: Playbook<StorageFacts, RdsStoragePolicy, { rds: () => RDSClient }> = {
  id: 'rds-storage',
  target: ({ environment }) => names.databaseInstance(environment),
  async gather(target, clients) {
    const described = await clients.rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target }));
    const instance = described.DBInstances?.[0];
    if (instance?.AllocatedStorage === undefined) {
      throw new ResourceFailedError(`RDS instance ${target} was not described with its allocated storage`);
    }
    return {
      instance: target,
      status: instance.DBInstanceStatus ?? 'unknown',
      allocatedStorageGiB: instance.AllocatedStorage,
      maxAllocatedStorageGiB: instance.MaxAllocatedStorage,
      pendingAllocatedStorageGiB: instance.PendingModifiedValues?.AllocatedStorage,
    };
  },
  plan(facts, policy) {
    const base = { target: facts.instance, seen: seen(facts), expectation: {} };
    if (facts.maxAllocatedStorageGiB !== undefined && facts.maxAllocatedStorageGiB > facts.allocatedStorageGiB) {
      return {
        ...base,
        decided: `Storage autoscaling is set on ${facts.instance} (up to ${facts.maxAllocatedStorageGiB} GiB): RDS grows the storage itself, nothing changed.`,
        actions: [],
      };
    }
    if (facts.status !== 'available' || facts.pendingAllocatedStorageGiB !== undefined) {
      const pending =
        facts.pendingAllocatedStorageGiB === undefined ? '' : `, ${facts.pendingAllocatedStorageGiB} GiB pending`;
      return {
        ...base,
        decided: `${facts.instance} is ${facts.status}${pending}: RDS accepts no storage modification now, nothing changed (the next alarm after the cooldown tries again).`,
        actions: [],
      };
    }
    const minimum = Math.ceil((facts.allocatedStorageGiB * (100 + MIN_GROWTH_PERCENT)) / 100);
    const wanted = Math.min(
      policy.maxAllocatedStorageGiB,
      Math.ceil((facts.allocatedStorageGiB * (100 + policy.growthPercent)) / 100),
    );
    if (wanted < minimum) {
      return {
        ...base,
        decided: `Growing ${facts.instance} by ${MIN_GROWTH_PERCENT}% (to ${minimum} GiB) would pass the cap of ${policy.maxAllocatedStorageGiB} GiB: nothing changed, a person must raise the cap or free space.`,
        actions: [],
      };
    }
    return {
      ...base,
      decided: `Growing ${facts.instance} from ${facts.allocatedStorageGiB} to ${wanted} GiB (cap ${policy.maxAllocatedStorageGiB} GiB).`,
      actions: [
        {
          kind: 'rds:grow-storage',
          target: facts.instance,
          description: `Grow the allocated storage of ${facts.instance} from ${facts.allocatedStorageGiB} to ${wanted} GiB, applied immediately`,
          parameters: { DBInstanceIdentifier: facts.instance, AllocatedStorage: wanted, ApplyImmediately: true },
        },
      ],
      expectation: { allocatedStorageGiB: wanted },
    };
  },
  async execute(actions, clients) {
    for (const action of actions) {
      const { DBInstanceIdentifier, AllocatedStorage } = action.parameters as {
        DBInstanceIdentifier: string;
        AllocatedStorage: number;
      };
      await clients
        .rds()
        .send(new ModifyDBInstanceCommand({ DBInstanceIdentifier, AllocatedStorage, ApplyImmediately: true }));
    }
  },
  verify(facts, expectation) {
    const wanted = Number(expectation.allocatedStorageGiB);
    if (FAILED_STATUSES.has(facts.status)) {
      return { status: 'failed', detail: `${facts.instance} is ${facts.status}`, seen: seen(facts) };
    }
    // storage-optimization comes after the new size is in place: the space is already usable.
    if (facts.allocatedStorageGiB >= wanted && facts.pendingAllocatedStorageGiB === undefined) {
      return {
        status: 'recovered',
        detail: `${facts.instance} has ${facts.allocatedStorageGiB} GiB allocated (${facts.status})`,
        seen: seen(facts),
      };
    }
    return {
      status: 'pending',
      detail: `${facts.instance} is ${facts.status} with ${facts.allocatedStorageGiB} GiB, ${wanted} GiB asked for`,
      seen: seen(facts),
    };
  },
};

/**
 * What the drill leftover sweep finds and guards: the temporary resources a drill creates (restored
 * DB instances, restored cache replication groups, ECS tasks, security groups) that this
 * environment's automation tagged, whose `interactions:expires-at` has passed. A drill deletes its
 * own on every path; what is found here escaped that (a drill cut short by a timeout or an outage),
 * so each is reported.
 *
 * A resource qualifies only with all of: `interactions:managed-by` = the automation, this
 * environment's `interactions:environment`, a non-empty `interactions:execution` (every delete grant
 * requires it) and a parseable `interactions:expires-at` in the past. Anything else, the platform's
 * own instance, replication group, service tasks and security groups included, is never listed.
 * Snapshots are not leftovers: the snapshot housekeeping owns their retention.
 */

import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, type ECSClient, paginateListTasks, type Task } from '@aws-sdk/client-ecs';
import {
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
  paginateDescribeReplicationGroups,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import {
  type DBInstance,
  DescribeDBInstancesCommand,
  paginateDescribeDBInstances,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { Environment } from '../../shared/naming.js';
import {
  expiresAtFromTags,
  hasExecutionTag,
  isManagedByEnvironment,
  MANAGED_BY,
  TAG_KEYS,
  type Tag,
  tagValue,
} from '../../shared/tags.js';

/** The kinds of temporary resource a drill creates, in the order the sweep deletes them. */
export const LEFTOVER_KINDS = ['db-instance', 'cache-replication-group', 'ecs-task', 'security-group'] as const;
export type LeftoverKind = (typeof LEFTOVER_KINDS)[number];

/** One expired leftover, as the Map's item: what the guard compares the describe with. */
export interface Leftover {
  readonly kind: LeftoverKind;
  /** DB instance or replication group id, task ARN, security group id. */
  readonly identifier: string;
  /** The `interactions:execution` tag: the drill run that created it. */
  readonly execution: string;
  /** The `interactions:expires-at` tag as written. */
  readonly expiresAtTag: string;
}

/** The guard facts of one resource, as flat strings (`''` when a tag is absent). */
export interface LeftoverGuard {
  readonly managedBy: string;
  readonly environment: string;
  readonly execution: string;
  /** The kind: the guard Choice compares it with the kind of the Map. */
  readonly type: LeftoverKind;
  /** `deletable`, `absent` (gone or going), or the service's status that forbids a delete now. */
  readonly status: string;
  readonly expiresAt: string;
}

/** The clients the sweep uses; the handler passes the real ones, tests mocked ones. */
export interface LeftoverClients {
  readonly rds: RDSClient;
  readonly elastiCache: ElastiCacheClient;
  readonly ecs: ECSClient;
  readonly ec2: EC2Client;
}

/** Where the sweep looks: the environment, and the ECS cluster drill tasks run in. */
export interface SweepScope {
  readonly environment: Environment;
  readonly cluster: string;
}

/**
 * DB instance states DeleteDBInstance accepts. Others (creating, modifying, backing-up, ...) are
 * transitions: the leftover is reported and the next sweep tries again.
 */
const DELETABLE_DB_STATES = new Set([
  'available',
  'failed',
  'stopped',
  'storage-full',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'inaccessible-encryption-credentials',
  'restore-error',
]);
/** Replication group states DeleteReplicationGroup accepts. */
const DELETABLE_CACHE_STATES = new Set(['available', 'create-failed']);
/** ECS task states past which there is nothing to stop. */
const STOPPED_TASK_STATES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED']);

/** Every expired leftover of the environment, by kind, each list sorted by identifier. */
export async function findLeftovers(
  clients: LeftoverClients,
  scope: SweepScope,
  now: Date,
): Promise<Record<LeftoverKind, Leftover[]>> {
  const [instances, groups, tasks, groupsOfEc2] = await Promise.all([
    findDbInstances(clients.rds, scope, now),
    findReplicationGroups(clients.elastiCache, scope, now),
    findTasks(clients.ecs, scope, now),
    findSecurityGroups(clients.ec2, scope, now),
  ]);
  return {
    'db-instance': instances,
    'cache-replication-group': groups,
    'ecs-task': tasks,
    'security-group': groupsOfEc2,
  };
}

/** The leftover record of a resource with `tags`, or undefined when it is not an expired one of `scope`. */
export function asExpiredLeftover(
  kind: LeftoverKind,
  identifier: string,
  tags: readonly Tag[] | undefined,
  environment: Environment,
  now: Date,
): Leftover | undefined {
  if (!isManagedByEnvironment(tags, environment) || !hasExecutionTag(tags)) return undefined;
  const expiresAt = expiresAtFromTags(tags);
  if (expiresAt === undefined || expiresAt.getTime() > now.getTime()) return undefined;
  return {
    kind,
    identifier,
    execution: tagValue(tags, TAG_KEYS.execution) ?? '',
    expiresAtTag: tagValue(tags, TAG_KEYS.expiresAt) ?? '',
  };
}

async function findDbInstances(rds: RDSClient, scope: SweepScope, now: Date): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for await (const page of paginateDescribeDBInstances({ client: rds }, {})) {
    for (const instance of page.DBInstances ?? []) {
      if (instance.DBInstanceStatus === 'deleting') continue;
      const leftover = asExpiredLeftover(
        'db-instance',
        instance.DBInstanceIdentifier ?? '',
        instance.TagList,
        scope.environment,
        now,
      );
      if (leftover) found.push(leftover);
    }
  }
  return sorted(found);
}

async function findReplicationGroups(
  elastiCache: ElastiCacheClient,
  scope: SweepScope,
  now: Date,
): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for await (const page of paginateDescribeReplicationGroups({ client: elastiCache }, {})) {
    for (const group of page.ReplicationGroups ?? []) {
      if (group.Status === 'deleting' || group.ARN === undefined) continue;
      // DescribeReplicationGroups returns no tags: one ListTagsForResource per group (a handful per account).
      const tags = await replicationGroupTags(elastiCache, group);
      const leftover = asExpiredLeftover(
        'cache-replication-group',
        group.ReplicationGroupId ?? '',
        tags,
        scope.environment,
        now,
      );
      if (leftover) found.push(leftover);
    }
  }
  return sorted(found);
}

async function replicationGroupTags(elastiCache: ElastiCacheClient, group: ReplicationGroup): Promise<Tag[]> {
  const result = await elastiCache.send(new ListTagsForResourceCommand({ ResourceName: group.ARN }));
  return result.TagList ?? [];
}

async function findTasks(ecs: ECSClient, scope: SweepScope, now: Date): Promise<Leftover[]> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListTasks({ client: ecs }, { cluster: scope.cluster, desiredStatus: 'RUNNING' })) {
      arns.push(...(page.taskArns ?? []));
    }
  } catch (error) {
    // No cluster (an environment torn down, or not deployed yet) means no drill task either.
    if ((error as { name?: string }).name === 'ClusterNotFoundException') return [];
    throw error;
  }
  const found: Leftover[] = [];
  for (const task of await describeTasks(ecs, scope.cluster, arns)) {
    const leftover = asExpiredLeftover('ecs-task', task.taskArn ?? '', ecsTags(task), scope.environment, now);
    if (leftover) found.push(leftover);
  }
  return sorted(found);
}

/** DescribeTasks takes at most 100 tasks per call. */
async function describeTasks(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let start = 0; start < arns.length; start += 100) {
    const result = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + 100), include: ['TAGS'] }),
    );
    tasks.push(...(result.tasks ?? []));
  }
  return tasks;
}

/** ECS spells tag members in lowercase. */
function ecsTags(task: Task): Tag[] {
  return (task.tags ?? []).map((tag) => ({ Key: tag.key, Value: tag.value }));
}

async function findSecurityGroups(ec2: EC2Client, scope: SweepScope, now: Date): Promise<Leftover[]> {
  const found: Leftover[] = [];
  const filters = [
    { Name: `tag:${TAG_KEYS.managedBy}`, Values: [MANAGED_BY] },
    { Name: `tag:${TAG_KEYS.environment}`, Values: [scope.environment] },
  ];
  for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, { Filters: filters })) {
    for (const group of page.SecurityGroups ?? []) {
      const leftover = asExpiredLeftover('security-group', group.GroupId ?? '', group.Tags, scope.environment, now);
      if (leftover) found.push(leftover);
    }
  }
  return sorted(found);
}

function sorted(leftovers: Leftover[]): Leftover[] {
  return leftovers.sort((a, b) => a.identifier.localeCompare(b.identifier));
}

/** The guard facts of one resource; `absent` when it no longer exists or is already going away. */
export async function describeLeftover(
  clients: LeftoverClients,
  scope: SweepScope,
  kind: LeftoverKind,
  identifier: string,
): Promise<LeftoverGuard> {
  switch (kind) {
    case 'db-instance':
      return describeDbInstance(clients.rds, identifier);
    case 'cache-replication-group':
      return describeReplicationGroup(clients.elastiCache, identifier);
    case 'ecs-task':
      return describeTask(clients.ecs, scope.cluster, identifier);
    case 'security-group':
      return describeSecurityGroup(clients.ec2, identifier);
  }
}

function guard(type: LeftoverKind, status: string, tags: readonly Tag[] | undefined): LeftoverGuard {
  return {
    managedBy: tagValue(tags, TAG_KEYS.managedBy) ?? '',
    environment: tagValue(tags, TAG_KEYS.environment) ?? '',
    execution: tagValue(tags, TAG_KEYS.execution) ?? '',
    type,
    status,
    expiresAt: tagValue(tags, TAG_KEYS.expiresAt) ?? '',
  };
}

const absent = (type: LeftoverKind): LeftoverGuard => guard(type, 'absent', []);

async function describeDbInstance(rds: RDSClient, identifier: string): Promise<LeftoverGuard> {
  let instance: DBInstance | undefined;
  try {
    instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'DBInstanceNotFoundFault') return absent('db-instance');
    throw error;
  }
  if (!instance || instance.DBInstanceStatus === 'deleting') return absent('db-instance');
  // A drill's instance never has deletion protection; one that has it was changed by someone, and
  // the sweep never modifies a resource to delete it.
  const status = instance.DeletionProtection
    ? 'deletion-protected'
    : DELETABLE_DB_STATES.has(instance.DBInstanceStatus ?? '')
      ? 'deletable'
      : (instance.DBInstanceStatus ?? 'unknown');
  return guard('db-instance', status, instance.TagList);
}

async function describeReplicationGroup(elastiCache: ElastiCacheClient, identifier: string): Promise<LeftoverGuard> {
  let group: ReplicationGroup | undefined;
  try {
    group = (await elastiCache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: identifier })))
      .ReplicationGroups?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'ReplicationGroupNotFoundFault') return absent('cache-replication-group');
    throw error;
  }
  if (!group || group.Status === 'deleting' || group.ARN === undefined) return absent('cache-replication-group');
  const status = DELETABLE_CACHE_STATES.has(group.Status ?? '') ? 'deletable' : (group.Status ?? 'unknown');
  return guard('cache-replication-group', status, await replicationGroupTags(elastiCache, group));
}

async function describeTask(ecs: ECSClient, cluster: string, identifier: string): Promise<LeftoverGuard> {
  const [task] = await describeTasks(ecs, cluster, [identifier]);
  if (!task || STOPPED_TASK_STATES.has(task.lastStatus ?? '') || task.desiredStatus === 'STOPPED')
    return absent('ecs-task');
  return guard('ecs-task', 'deletable', ecsTags(task));
}

async function describeSecurityGroup(ec2: EC2Client, identifier: string): Promise<LeftoverGuard> {
  try {
    const [group] =
      (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [identifier] }))).SecurityGroups ?? [];
    return group ? guard('security-group', 'deletable', group.Tags) : absent('security-group');
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidGroup.NotFound') return absent('security-group');
    throw error;
  }
}

/** The outcome of a security group delete, as GuardedDeletion's `outcomeFromResult` reads it. */
export interface SecurityGroupDeletion {
  readonly outcome: 'deleted' | 'absent' | 'busy';
  readonly reason: string;
}

/**
 * Deletes a security group the guard Choice allowed. EC2 refuses while a network interface (the
 * restored instance, a task) still uses it: that is `busy`, and the next sweep deletes it once the
 * resource using it is gone.
 */
export async function deleteSecurityGroup(ec2: EC2Client, identifier: string): Promise<SecurityGroupDeletion> {
  try {
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: identifier }));
    return { outcome: 'deleted', reason: `security group ${identifier} deleted` };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'InvalidGroup.NotFound')
      return { outcome: 'absent', reason: `security group ${identifier} no longer exists` };
    if (name === 'DependencyViolation') {
      return {
        outcome: 'busy',
        reason: `security group ${identifier} is still in use (DependencyViolation); the next sweep retries`,
      };
    }
    throw error;
  }
}

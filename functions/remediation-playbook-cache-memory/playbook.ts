/**
 * ElastiCache memory (the 75%, 85% and 90% alarms): report memory used, evictions and key
 * statistics of the alarmed node and the group's state. It scales the node type only where the
 * environment's config names a larger one (`scaleToNodeType`) and the group is `available`;
 * otherwise it changes nothing.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { ResourceFailedError } from '../../shared/errors.js';
import { names } from '../../shared/naming.js';
import { type MetricSummary, readMetrics } from '../../shared/playbooks/metrics.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import * as z from '../../shared/zod.js';

/** Limits the stack passes: the node type to scale to; absent where config allows no scaling. */
export const policySchema = z.object({
  scaleToNodeType: z.optional(z.string().check(z.regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be a cache node type'))),
});
export type CacheMemoryPolicy = z.infer<typeof policySchema>;

/** What the playbook reads. */
export interface CacheFacts {
  readonly replicationGroup: string;
  readonly status: string;
  readonly nodeType: string | undefined;
  /** The node the alarm names (`<group>-00N`), or every member when the name names none. */
  readonly nodes: readonly string[];
  readonly memoryPercent: MetricSummary;
  readonly evictions: MetricSummary;
  readonly keys: MetricSummary;
  readonly expiredKeys: MetricSummary;
}

type Clients = { elastiCache: () => ElastiCacheClient; cloudWatch: () => CloudWatchClient };

/** The member cluster an alarm such as `interactions-prod-cache-memory-critical-002` watches. */
function nodeOfAlarm(group: string, alarmName: string): string | undefined {
  const ordinal = /-cache-memory(?:-warning|-critical)?-(\d{3})$/.exec(alarmName)?.[1];
  return ordinal === undefined ? undefined : `${group}-${ordinal}`;
}

function seen(facts: CacheFacts): Record<string, unknown> {
  return {
    replicationGroup: facts.replicationGroup,
    status: facts.status,
    nodeType: facts.nodeType ?? null,
    nodes: facts.nodes,
    memoryPercent: facts.memoryPercent,
    evictions: facts.evictions,
    keys: facts.keys,
    expiredKeys: facts.expiredKeys,
  };
}

/** The cache memory playbook. */
export const cacheMemory: Playbook<CacheFacts, CacheMemoryPolicy, Clients> = {
  id: 'cache-memory',
  target: ({ environment }) => names.cacheReplicationGroup(environment),
  async gather(target, clients, { alarm, now }) {
    const described = await clients
      .elastiCache()
      .send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: target }));
    const group = described.ReplicationGroups?.[0];
    if (group === undefined) throw new ResourceFailedError(`Replication group ${target} was not found`);
    const alarmed = nodeOfAlarm(target, alarm.name);
    const nodes = alarmed === undefined ? (group.MemberClusters ?? []) : [alarmed];
    const node = nodes[0];
    if (node === undefined) throw new ResourceFailedError(`Replication group ${target} has no member cluster to read`);
    const metric = (id: string, metricName: string, statistic: 'Maximum' | 'Sum') => ({
      id,
      namespace: 'AWS/ElastiCache',
      metricName,
      dimensions: { CacheClusterId: node },
      statistic,
    });
    const metrics = await readMetrics(
      clients.cloudWatch(),
      [
        metric('memory', 'DatabaseMemoryUsagePercentage', 'Maximum'),
        metric('evictions', 'Evictions', 'Sum'),
        metric('keys', 'CurrItems', 'Maximum'),
        metric('expired', 'Reclaimed', 'Sum'),
      ],
      now,
      30,
    );
    const none = { latest: null, max: null };
    return {
      replicationGroup: target,
      status: group.Status ?? 'unknown',
      nodeType: group.CacheNodeType,
      nodes,
      memoryPercent: metrics.memory ?? none,
      evictions: metrics.evictions ?? none,
      keys: metrics.keys ?? none,
      expiredKeys: metrics.expired ?? none,
    };
  },
  plan(facts, policy) {
    const base = { target: facts.replicationGroup, seen: seen(facts), expectation: {} };
    const memory = facts.memoryPercent.latest === null ? 'unknown' : `${facts.memoryPercent.latest.toFixed(1)}%`;
    const report = `Memory ${memory}, ${facts.evictions.max ?? 0} evictions/min at most, ${facts.keys.latest ?? 'unknown'} keys.`;
    if (policy.scaleToNodeType === undefined) {
      return { ...base, decided: `${report} Config allows no cache scaling here: nothing changed.`, actions: [] };
    }
    if (facts.nodeType === policy.scaleToNodeType) {
      return {
        ...base,
        decided: `${report} Already on ${policy.scaleToNodeType}, the configured size: nothing changed.`,
        actions: [],
      };
    }
    if (facts.status !== 'available') {
      return { ...base, decided: `${report} The group is ${facts.status}: no modification now.`, actions: [] };
    }
    return {
      ...base,
      decided: `${report} Scaling ${facts.replicationGroup} to ${policy.scaleToNodeType}, as config allows.`,
      actions: [
        {
          kind: 'elasticache:scale-up',
          target: facts.replicationGroup,
          description: `Change the node type of ${facts.replicationGroup} from ${facts.nodeType ?? 'unknown'} to ${policy.scaleToNodeType}, applied immediately (online)`,
          parameters: {
            ReplicationGroupId: facts.replicationGroup,
            CacheNodeType: policy.scaleToNodeType,
            ApplyImmediately: true,
          },
        },
      ],
      expectation: { nodeType: policy.scaleToNodeType },
    };
  },
  async execute(actions, clients) {
    for (const action of actions) {
      const { ReplicationGroupId, CacheNodeType } = action.parameters as {
        ReplicationGroupId: string;
        CacheNodeType: string;
      };
      await clients
        .elastiCache()
        .send(new ModifyReplicationGroupCommand({ ReplicationGroupId, CacheNodeType, ApplyImmediately: true }));
    }
  },
  verify(facts, expectation) {
    if (facts.status === 'available' && facts.nodeType === expectation.nodeType) {
      return { status: 'recovered', detail: `${facts.replicationGroup} runs ${facts.nodeType}`, seen: seen(facts) };
    }
    if (facts.status === 'modifying') {
      return { status: 'pending', detail: `${facts.replicationGroup} is modifying`, seen: seen(facts) };
    }
    return {
      status: 'failed',
      detail: `${facts.replicationGroup} is ${facts.status} on ${facts.nodeType ?? 'unknown'}`,
      seen: seen(facts),
    };
  },
};

/** Metrics the alarms and the dashboards both read, built in one place so they cannot drift. */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as rds from 'aws-cdk-lib/aws-rds';

const BYTES_PER_GIB = 1024 ** 3;

/**
 * Member cluster ids of a cluster-mode-disabled replication group: `<id>-001`, `<id>-002`, ...
 * ElastiCache publishes node metrics under these ids.
 */
export function cacheNodeIds(replicationGroupId: string, nodeCount: number): string[] {
  if (!Number.isInteger(nodeCount) || nodeCount < 1) {
    throw new RangeError(`cacheNodeCount must be a positive integer, got ${nodeCount}`);
  }
  return Array.from({ length: nodeCount }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, '0')}`);
}

/** A node-level ElastiCache metric of one member cluster. */
export function cacheNodeMetric(metricName: string, cacheClusterId: string, statistic = 'Average'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ElastiCache',
    metricName,
    dimensionsMap: { CacheClusterId: cacheClusterId },
    statistic,
  });
}

/**
 * Storage used as a percentage of the allocated size. RDS only publishes the free bytes; the
 * lowest free value of each period is the worst case.
 */
export function storageUsedPercent(database: rds.IDatabaseInstance, allocatedStorageGiB: number) {
  if (!(allocatedStorageGiB > 0)) {
    throw new RangeError(`databaseAllocatedStorageGiB must be positive, got ${allocatedStorageGiB}`);
  }
  return new cloudwatch.MathExpression({
    expression: `100 - 100 * free / (${allocatedStorageGiB} * ${BYTES_PER_GIB})`,
    usingMetrics: { free: database.metricFreeStorageSpace({ statistic: 'Minimum' }) },
    label: 'Storage used %',
  });
}

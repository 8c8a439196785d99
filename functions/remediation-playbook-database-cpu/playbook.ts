/**
 * Database CPU > 80%: diagnostics only. Reads the statements that load the database most
 * (Performance Insights, grouped by tokenized SQL), the connection count and CPU, and puts them in
 * the notification. It never changes anything: killing queries or resizing the instance is a
 * decision for a person.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeDimensionKeysCommand, type PIClient } from '@aws-sdk/client-pi';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { ResourceFailedError } from '../../shared/errors.js';
import { names } from '../../shared/naming.js';
import { type MetricSummary, readMetrics } from '../../shared/playbooks/metrics.js';
import type { Playbook } from '../../shared/playbooks/playbook.js';
import * as z from '../../shared/zod.js';

/** Limits the stack passes: how many statements the notification lists (Performance Insights returns at most 10). */
export const policySchema = z.object({ topStatements: z.number().check(z.int(), z.positive(), z.lte(10)) });
export type DatabaseCpuPolicy = z.infer<typeof policySchema>;

/** One statement of Performance Insights' top list. */
export interface TopStatement {
  readonly statement: string;
  /** Average active sessions running it over the window. */
  readonly load: number;
}

/** What the playbook reads. */
export interface CpuFacts {
  readonly instance: string;
  readonly instanceClass: string | undefined;
  /** Null when Performance Insights is off (the notification says so). */
  readonly topStatements: TopStatement[] | null;
  readonly connections: MetricSummary;
  readonly cpuPercent: MetricSummary;
}

type Clients = { rds: () => RDSClient; pi: () => PIClient; cloudWatch: () => CloudWatchClient };

/** The window read for diagnostics; Performance Insights and CloudWatch both use it. */
const WINDOW_MINUTES = 30;

/** The database CPU playbook. */
export const databaseCpu: Playbook<CpuFacts, DatabaseCpuPolicy, Clients> = {
  id: 'database-cpu',
  target: ({ environment }) => names.databaseInstance(environment),
  async gather(target, clients, { now }) {
    const described = await clients.rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target }));
    const instance = described.DBInstances?.[0];
    if (instance === undefined) throw new ResourceFailedError(`RDS instance ${target} was not found`);
    const start = new Date(now.getTime() - WINDOW_MINUTES * 60_000);
    const top = async (): Promise<TopStatement[] | null> => {
      if (!instance.PerformanceInsightsEnabled || instance.DbiResourceId === undefined) return null;
      const keys = await clients.pi().send(
        new DescribeDimensionKeysCommand({
          ServiceType: 'RDS',
          Identifier: instance.DbiResourceId,
          StartTime: start,
          EndTime: now,
          Metric: 'db.load.avg',
          GroupBy: { Group: 'db.sql_tokenized', Dimensions: ['db.sql_tokenized.statement'], Limit: 10 },
        }),
      );
      return (keys.Keys ?? []).map((key) => ({
        statement: key.Dimensions?.['db.sql_tokenized.statement'] ?? '(unknown statement)',
        load: key.Total ?? 0,
      }));
    };
    const dimensions = { DBInstanceIdentifier: target };
    const [topStatements, metrics] = await Promise.all([
      top(),
      readMetrics(
        clients.cloudWatch(),
        [
          {
            id: 'connections',
            namespace: 'AWS/RDS',
            metricName: 'DatabaseConnections',
            dimensions,
            statistic: 'Maximum',
          },
          { id: 'cpu', namespace: 'AWS/RDS', metricName: 'CPUUtilization', dimensions, statistic: 'Average' },
        ],
        now,
        WINDOW_MINUTES,
      ),
    ]);
    return {
      instance: target,
      instanceClass: instance.DBInstanceClass,
      topStatements,
      connections: metrics.connections ?? { latest: null, max: null },
      cpuPercent: metrics.cpu ?? { latest: null, max: null },
    };
  },
  plan(facts, policy) {
    const statements = facts.topStatements === null ? null : facts.topStatements.slice(0, policy.topStatements);
    const heaviest = statements?.[0];
    const lead =
      statements === null
        ? 'Performance Insights is off on this instance: no top statements.'
        : heaviest === undefined
          ? 'Performance Insights recorded no statement load in the window.'
          : `Heaviest statement: ${heaviest.load.toFixed(2)} average active sessions.`;
    return {
      target: facts.instance,
      seen: {
        instance: facts.instance,
        instanceClass: facts.instanceClass ?? null,
        cpuPercent: facts.cpuPercent,
        connections: facts.connections,
        topStatements: statements,
      },
      decided: `Diagnostics only, nothing changed. ${lead}`,
      actions: [],
      expectation: {},
    };
  },
  execute: async () => {},
  verify: (facts) => ({
    status: 'recovered',
    detail: 'Diagnostics only: nothing to verify',
    seen: { instance: facts.instance },
  }),
};

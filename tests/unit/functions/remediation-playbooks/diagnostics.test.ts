import '../../../support/lambda-env.js';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { DescribeDimensionKeysCommand, PIClient } from '@aws-sdk/client-pi';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler as cacheHandler } from '../../../../functions/remediation-playbook-cache-memory/handler.js';
import { createHandler as cpuHandler } from '../../../../functions/remediation-playbook-database-cpu/handler.js';
import { createHandler as securityHandler } from '../../../../functions/remediation-playbook-security-notify/handler.js';
import { context, env, invocation, now } from './support.js';

const rdsMock = mockClient(RDSClient);
const piMock = mockClient(PIClient);
const cwMock = mockClient(CloudWatchClient);
const cacheMock = mockClient(ElastiCacheClient);
const clients = {
  rds: () => new RDSClient({ region: 'us-east-1' }),
  pi: () => new PIClient({ region: 'us-east-1' }),
  cloudWatch: () => new CloudWatchClient({ region: 'us-east-1' }),
  elastiCache: () => new ElastiCacheClient({ region: 'us-east-1' }),
};

beforeEach(() => {
  for (const mock of [rdsMock, piMock, cwMock, cacheMock]) mock.reset();
  cwMock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: { Id: string }[] }) => ({
    MetricDataResults: input.MetricDataQueries.map((q, i) => ({ Id: q.Id, Values: [10 * (i + 1), 5] })),
  }));
});

describe('database CPU playbook', () => {
  const handler = cpuHandler({ env, clients, clock: () => now });

  it('puts the top statements and connections in its result and changes nothing', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DbiResourceId: 'db-ABC', PerformanceInsightsEnabled: true, DBInstanceClass: 'db.t3.large' }],
    });
    piMock.on(DescribeDimensionKeysCommand).resolves({
      Keys: [
        {
          Dimensions: { 'db.sql_tokenized.statement': 'SELECT * FROM interactions WHERE customer_id = ?' },
          Total: 3.5,
        },
        { Dimensions: { 'db.sql_tokenized.statement': 'UPDATE sessions SET seen = ?' }, Total: 1.25 },
      ],
    });

    // Act
    const result = await handler(invocation('act', 'database-cpu', { topStatements: 1 }), context);

    // Assess
    expect(piMock.commandCalls(DescribeDimensionKeysCommand)[0]?.args[0].input).toMatchObject({
      ServiceType: 'RDS',
      Identifier: 'db-ABC',
      Metric: 'db.load.avg',
      GroupBy: { Group: 'db.sql_tokenized' },
    });
    expect(result).toMatchObject({
      actions: [],
      verify: false,
      seen: {
        topStatements: [{ statement: 'SELECT * FROM interactions WHERE customer_id = ?', load: 3.5 }],
        connections: { latest: 10, max: 10 },
      },
      decided: expect.stringMatching(/Diagnostics only, nothing changed. Heaviest statement: 3.50/),
    });
  });

  it('says Performance Insights is off instead of failing', async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ PerformanceInsightsEnabled: false }] });

    const result = await handler(invocation('act', 'database-cpu', { topStatements: 5 }), context);

    expect(piMock.calls()).toHaveLength(0);
    expect(result).toMatchObject({
      seen: { topStatements: null },
      decided: expect.stringMatching(/Performance Insights is off/),
    });
  });
});

describe('cache memory playbook', () => {
  const handler = cacheHandler({ env, clients, clock: () => now });
  const group = (status: string, nodeType: string) =>
    cacheMock.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        { Status: status, CacheNodeType: nodeType, MemberClusters: ['interactions-prod-001', 'interactions-prod-002'] },
      ],
    });

  it('reports memory, evictions and keys of the alarmed node and changes nothing where config allows no scaling', async () => {
    group('available', 'cache.m5.large');

    const result = await handler(invocation('act', 'cache-memory-critical-002', {}), context);

    const queries = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual([
      'DatabaseMemoryUsagePercentage',
      'Evictions',
      'CurrItems',
      'Reclaimed',
    ]);
    expect(queries[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'CacheClusterId', Value: 'interactions-prod-002' },
    ]);
    expect(cacheMock.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
    expect(result).toMatchObject({
      actions: [],
      decided: expect.stringMatching(/Memory 10.0%.*allows no cache scaling/),
    });
  });

  it('scales to the configured node type when config allows it', async () => {
    group('available', 'cache.m5.large');

    const result = await handler(
      invocation('act', 'cache-memory-001', { scaleToNodeType: 'cache.m5.xlarge' }),
      context,
    );

    expect(cacheMock.commandCalls(ModifyReplicationGroupCommand)[0]?.args[0].input).toEqual({
      ReplicationGroupId: 'interactions-prod',
      CacheNodeType: 'cache.m5.xlarge',
      ApplyImmediately: true,
    });
    expect(result).toMatchObject({ verify: true, expectation: { nodeType: 'cache.m5.xlarge' } });
  });

  it('does not modify a group that is not available', async () => {
    group('modifying', 'cache.m5.large');

    await handler(invocation('act', 'cache-memory-001', { scaleToNodeType: 'cache.m5.xlarge' }), context);

    expect(cacheMock.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
  });
});

describe('security-notify playbook', () => {
  const handler = securityHandler({ env, clients, clock: () => now });

  it('collects the signal metric and names the saved query, never acting', async () => {
    const result = await handler(invocation('act', 'security-elevation-attempts', {}), context);

    const query = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0];
    expect(query?.MetricStat?.Metric).toEqual({
      Namespace: 'Interactions/Security/prod',
      MetricName: 'ElevationAttempts',
      Dimensions: [],
    });
    expect(result).toMatchObject({
      actions: [],
      verify: false,
      seen: { savedQuery: 'interactions-prod/security/elevation-attempts' },
    });
  });

  it('refuses an alarm that is not a security signal', async () => {
    await expect(handler(invocation('act', 'database-cpu', {}), context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(cwMock.calls()).toHaveLength(0);
  });
});

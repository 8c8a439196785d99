import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { Cache } from '../../infra/constructs/cache.js';
import { Network } from '../../infra/constructs/network.js';
import { testApp } from '../support/cdk-app.js';
import { type DataStack, dataStack, resourcesOfType } from './support-data-stack.js';
import { unacknowledgedFindings } from './support-nag.js';
import { securityGroupRules, sgLogicalId } from './support-security-groups.js';

/** The seed's "ElastiCache Setup" table, written out independently of the config files. */
const SEED: Record<
  EnvironmentName,
  { nodeType: string; nodes: number; multiAz: boolean; failover: boolean; inTransit: boolean }
> = {
  dev: { nodeType: 'cache.t3.small', nodes: 1, multiAz: false, failover: false, inTransit: false },
  staging: { nodeType: 'cache.t3.medium', nodes: 2, multiAz: true, failover: true, inTransit: true },
  prod: { nodeType: 'cache.m5.large', nodes: 2, multiAz: true, failover: true, inTransit: true },
};

const id = (d: DataStack, construct: IConstruct) =>
  d.stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);

function acknowledged(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, '')))
    .sort();
}

function replicationGroup(d: DataStack): Record<string, unknown> {
  const groups = resourcesOfType(d.template, 'AWS::ElastiCache::ReplicationGroup');
  expect(groups).toHaveLength(1);
  return groups[0]?.[1] ?? {};
}

describe.each(ENVIRONMENT_NAMES)('Cache in %s', (envName) => {
  let d: DataStack;
  beforeAll(() => {
    // GIVEN the environment's config WHEN network, database and cache are synthesized together
    d = dataStack(envName);
  });

  test("the replication group matches the seed's ElastiCache table", () => {
    const seed = SEED[envName];
    d.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ReplicationGroupId: `interactions-${envName}`,
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: seed.nodeType,
      NumCacheClusters: seed.nodes,
      MultiAZEnabled: seed.multiAz,
      AutomaticFailoverEnabled: seed.failover,
      Port: 6379,
      AutoMinorVersionUpgrade: true,
    });
    expect(d.cache.replicationGroupId).toBe(`interactions-${envName}`);
    expect(d.cache.port).toBe(6379);
    expect(d.stack.resolve(d.cache.primaryEndpointAddress)).toEqual({
      'Fn::GetAtt': [id(d, d.cache.replicationGroup), 'PrimaryEndPoint.Address'],
    });
  });

  test('data at rest is encrypted with a rotating customer managed key', () => {
    const key = id(d, d.cache.encryptionKey);
    d.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    d.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/interactions-${envName}-redis`,
      TargetKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    const keyResource = d.template.findResources('AWS::KMS::Key')[key] as { Properties: Record<string, unknown> };
    expect(keyResource.Properties.EnableKeyRotation).toBe(true);
  });

  if (SEED[envName].inTransit) {
    test('TLS is required and AUTH uses a generated, KMS-encrypted secret', () => {
      const group = replicationGroup(d);
      expect(group.TransitEncryptionEnabled).toBe(true);
      expect(group.TransitEncryptionMode).toBe('required');
      const secret = d.cache.authToken;
      expect(secret).toBeDefined();
      const secretId = id(d, secret as IConstruct);
      expect(group.AuthToken).toEqual({
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
      });
      d.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `/interactions/${envName}/redis-auth-token`,
        KmsKeyId: { 'Fn::GetAtt': [id(d, d.cache.encryptionKey), 'Arn'] },
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      });
    });
  } else {
    test('no transit encryption and no authentication (the seed: at-rest only in development)', () => {
      const group = replicationGroup(d);
      expect(group.TransitEncryptionEnabled).toBe(false);
      expect(group.TransitEncryptionMode).toBeUndefined();
      expect(group.AuthToken).toBeUndefined();
      expect(d.cache.authToken).toBeUndefined();
      d.template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { Name: Match.stringLikeRegexp('redis') }, 0);
    });
  }

  test('nodes sit in the private-data subnets behind the cache security group', () => {
    const dataSubnets = d.network.vpc
      .selectSubnets({ subnetGroupName: 'private-data' })
      .subnets.map((s) => ({ Ref: id(d, s) }));
    const subnetGroups = resourcesOfType(d.template, 'AWS::ElastiCache::SubnetGroup');
    expect(subnetGroups).toHaveLength(1);
    expect(subnetGroups[0]?.[1].SubnetIds).toEqual(dataSubnets);
    const group = replicationGroup(d);
    expect(group.CacheSubnetGroupName).toEqual({ Ref: subnetGroups[0]?.[0] });
    const cacheSg = sgLogicalId(d.stack, d.network.cacheSecurityGroup);
    expect(group.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [cacheSg, 'GroupId'] }]);
    expect(securityGroupRules(d.template, cacheSg)).toEqual({
      ingress: [`tcp 6379 from sg:${sgLogicalId(d.stack, d.network.serviceSecurityGroup)}`],
      egress: ['none'],
    });
  });

  test('the parameter group (redis7) evicts volatile keys LRU, and nothing else', () => {
    const groups = resourcesOfType(d.template, 'AWS::ElastiCache::ParameterGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0]?.[1].CacheParameterGroupFamily).toBe('redis7');
    expect(groups[0]?.[1].Properties).toEqual({ 'maxmemory-policy': 'volatile-lru' });
    expect(replicationGroup(d).CacheParameterGroupName).toEqual({ Ref: groups[0]?.[0] });
  });

  test('snapshots follow the config', () => {
    const config = loadConfig(envName).cache;
    const group = replicationGroup(d);
    expect(group.SnapshotRetentionLimit).toBe(config.snapshotRetentionDays);
    expect(group.SnapshotRetentionLimit).toBeGreaterThan(0);
    expect(group.SnapshotWindow).toBe('02:00-03:00');
  });

  test('slow and engine logs go as JSON to /aws/elasticache/interactions-<env>, kept 14 days', () => {
    const logGroupId = id(d, d.cache.logGroup);
    d.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/elasticache/interactions-${envName}`,
      RetentionInDays: 14,
    });
    expect(replicationGroup(d).LogDeliveryConfigurations).toEqual(
      ['slow-log', 'engine-log'].map((logType) => ({
        LogType: logType,
        LogFormat: 'json',
        DestinationType: 'cloudwatch-logs',
        DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: logGroupId } } },
      })),
    );
  });

  test('the fixed-name log group goes with dev, elsewhere is kept except after a rolled-back create', () => {
    d.template.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ LogGroupName: `/aws/elasticache/interactions-${envName}` }),
      ...(envName === 'dev'
        ? { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }
        : { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' }),
    });
  });

  test('cdk-nag: nothing unacknowledged under the cache, acknowledgements only where the seed decides', () => {
    expect(unacknowledgedFindings(d.stack).filter((f) => f.includes('/Cache/'))).toEqual([]);
    const expected =
      envName === 'dev'
        ? ['AwsSolutions-AEC3', 'AwsSolutions-AEC4', 'AwsSolutions-AEC5', 'AwsSolutions-AEC6']
        : ['AwsSolutions-AEC5'];
    expect(acknowledged(d.cache.replicationGroup)).toEqual(expected);
    expect(acknowledged(d.cache)).toEqual([]);
    if (d.cache.authToken) expect(acknowledged(d.cache.authToken)).toEqual(['AwsSolutions-SMG4']);
  });
});

describe('Cache differences between environments', () => {
  test('dev: one node, no Multi-AZ, no failover, no TLS; staging and prod: two nodes with all of them', () => {
    const group = (env: EnvironmentName) =>
      resourcesOfType(dataStack(env).template, 'AWS::ElastiCache::ReplicationGroup')[0]?.[1] ?? {};
    const row = (env: EnvironmentName) => {
      const g = group(env);
      return [
        g.CacheNodeType,
        g.NumCacheClusters,
        g.MultiAZEnabled,
        g.AutomaticFailoverEnabled,
        g.TransitEncryptionEnabled,
      ];
    };
    expect(ENVIRONMENT_NAMES.map(row)).toEqual([
      ['cache.t3.small', 1, false, false, false],
      ['cache.t3.medium', 2, true, true, true],
      ['cache.m5.large', 2, true, true, true],
    ]);
  });
});

describe('Cache validation', () => {
  const build = (overrides: Partial<ReturnType<typeof loadConfig>['cache']>) => {
    const stack = new Stack(testApp(), 'Invalid');
    const config = loadConfig('staging');
    const network = new Network(stack, 'Network', { envName: 'staging', config: config.network, appPorts: [3000] });
    return new Cache(stack, 'Cache', {
      envName: 'staging',
      config: { ...config.cache, ...overrides },
      vpc: network.vpc,
      securityGroup: network.cacheSecurityGroup,
    });
  };

  test('fails when at-rest encryption is off', () => {
    expect(() => build({ atRestEncryption: false })).toThrow(/atRestEncryption/);
  });

  test('fails when automatic failover has a single node', () => {
    expect(() => build({ numNodes: 1 })).toThrow(/automaticFailover/);
  });
});

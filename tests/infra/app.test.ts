/**
 * The whole app, as `cdk synth` builds it: every environment's stacks, their names and regions,
 * zero unacknowledged cdk-nag findings, and the environments differing exactly where the seed says.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addEnvironment, type EnvironmentStacks } from '../../infra/app.js';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const app = testApp();
const stacks = Object.fromEntries(
  ENVIRONMENT_NAMES.map((env) => [env, addEnvironment(app, loadConfig(env))]),
) as Record<EnvironmentName, EnvironmentStacks>;
const templates = Object.fromEntries(
  ENVIRONMENT_NAMES.map((env) => [env, Template.fromStack(stacks[env].platform).toJSON()]),
) as Record<EnvironmentName, { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }>;

/** The properties of the only resource of `type` in an environment's platform template. */
function only(env: EnvironmentName, type: string): Record<string, unknown> {
  const found = Object.values(templates[env].Resources).filter((r) => r.Type === type);
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}

/** Keys whose values differ between two property bags, after writing the env name as `<env>`. */
function differingKeys(a: Record<string, unknown>, aEnv: string, b: Record<string, unknown>, bEnv: string): string[] {
  // Logical ids carry a hash of the stack path, so references are compared by kind only.
  const norm = (value: unknown, env: string) =>
    JSON.stringify(value ?? null)
      .replaceAll(env, '<env>')
      .replace(/"Ref":"[^"]+"/g, '"Ref":"<id>"');
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => norm(a[key], aEnv) !== norm(b[key], bEnv))
    .sort();
}

describe('the app', () => {
  it.each(ENVIRONMENT_NAMES)('names the %s stacks interactions-<env>-<part>', (env) => {
    const { platform, edge, automation, dr } = stacks[env];
    const appStacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
    // Dev has no DR region, so no DR key stack; staging and prod copy to us-west-2.
    expect(appStacks.map((s) => s.stackName).filter((name) => name.startsWith(`interactions-${env}-`))).toEqual([
      `interactions-${env}-platform`,
      `interactions-${env}-edge`,
      `interactions-${env}-automation`,
      ...(env === 'dev' ? [] : [`interactions-${env}-dr`]),
    ]);
    expect([platform, edge, automation, dr].map((s?: Stack) => s?.region)).toEqual([
      'us-east-1',
      'us-east-1',
      'us-east-1',
      env === 'dev' ? undefined : 'us-west-2',
    ]);
    expect(platform.terminationProtection).toBe(env === 'prod');
  });

  const parts = ['platform', 'edge', 'automation', 'dr'] as const;
  it.each(
    ENVIRONMENT_NAMES.flatMap((env) =>
      parts
        .filter((part) => stacks[env][part] !== undefined)
        .map((part): [EnvironmentName, (typeof parts)[number]] => [env, part]),
    ),
  )('has no unacknowledged cdk-nag findings in %s %s', (env, part) => {
    const stack = stacks[env][part];
    expect(stack).toBeDefined();
    if (stack !== undefined) expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('environments differ exactly where the seed says', () => {
  it('RDS: staging and prod differ in size, storage type, retention and window only', () => {
    expect(
      differingKeys(only('staging', 'AWS::RDS::DBInstance'), 'staging', only('prod', 'AWS::RDS::DBInstance'), 'prod'),
    ).toEqual([
      'AllocatedStorage',
      'BackupRetentionPeriod',
      'DBInstanceClass',
      'PreferredMaintenanceWindow',
      'StorageType',
    ]);
  });

  it('RDS: dev additionally is single-AZ and has no deletion protection', () => {
    const keys = differingKeys(
      only('dev', 'AWS::RDS::DBInstance'),
      'dev',
      only('staging', 'AWS::RDS::DBInstance'),
      'staging',
    );
    expect(keys).toEqual(
      expect.arrayContaining([
        'AllocatedStorage',
        'BackupRetentionPeriod',
        'DBInstanceClass',
        'DeletionProtection',
        'MultiAZ',
      ]),
    );
    expect(keys).not.toContain('StorageEncrypted');
    expect(keys).not.toContain('DBParameterGroupName');
  });

  it('ElastiCache: staging and prod differ in node type only (and snapshot retention)', () => {
    const keys = differingKeys(
      only('staging', 'AWS::ElastiCache::ReplicationGroup'),
      'staging',
      only('prod', 'AWS::ElastiCache::ReplicationGroup'),
      'prod',
    );
    expect(keys).toEqual(['CacheNodeType', 'SnapshotRetentionLimit']);
  });

  it('ElastiCache: dev has one node, no failover and no in-transit encryption', () => {
    const dev = only('dev', 'AWS::ElastiCache::ReplicationGroup');
    expect(dev).toMatchObject({
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: false,
    });
    expect(dev.AuthToken).toBeUndefined();
  });

  it('parameter groups are identical in every environment', () => {
    const params = ENVIRONMENT_NAMES.map((env) => JSON.stringify(only(env, 'AWS::RDS::DBParameterGroup').Parameters));
    expect(new Set(params).size).toBe(1);
  });
});

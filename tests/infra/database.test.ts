import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { Database } from '../../infra/constructs/database.js';
import { Network } from '../../infra/constructs/network.js';
import { testApp } from '../support/cdk-app.js';
import { type DataStack, dataStack, resourcesOfType } from './support-data-stack.js';
import { unacknowledgedFindings } from './support-nag.js';
import { securityGroupRules, sgLogicalId } from './support-security-groups.js';

/** The seed's "RDS Configuration" table, written out independently of the config files. */
const SEED: Record<
  EnvironmentName,
  {
    instanceClass: string;
    storageGiB: string;
    storageType: string;
    multiAz: boolean;
    retentionDays: number;
    maintenance: string;
  }
> = {
  dev: {
    instanceClass: 'db.t3.small',
    storageGiB: '20',
    storageType: 'gp2',
    multiAz: false,
    retentionDays: 7,
    maintenance: 'sun:03:00-sun:04:00',
  },
  staging: {
    instanceClass: 'db.t3.medium',
    storageGiB: '50',
    storageType: 'gp2',
    multiAz: true,
    retentionDays: 14,
    maintenance: 'sun:04:00-sun:05:00',
  },
  prod: {
    instanceClass: 'db.t3.large',
    storageGiB: '100',
    storageType: 'gp3',
    multiAz: true,
    retentionDays: 30,
    maintenance: 'sun:05:00-sun:06:00',
  },
};

const id = (d: DataStack, construct: IConstruct) => d.stack.getLogicalId(construct.node.defaultChild as CfnElement);

function acknowledged(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, '')))
    .sort();
}

describe.each(ENVIRONMENT_NAMES)('Database in %s', (envName) => {
  let d: DataStack;
  beforeAll(() => {
    // GIVEN the environment's config WHEN network, database and cache are synthesized together
    d = dataStack(envName);
  });

  test("the instance matches the seed's RDS table", () => {
    const seed = SEED[envName];
    d.template.resourceCountIs('AWS::RDS::DBInstance', 1);
    d.template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: `interactions-${envName}-postgres`,
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^15\\.\\d+$'),
      DBInstanceClass: seed.instanceClass,
      AllocatedStorage: seed.storageGiB,
      StorageType: seed.storageType,
      MultiAZ: seed.multiAz,
      BackupRetentionPeriod: seed.retentionDays,
      PreferredBackupWindow: '01:00-02:00',
      PreferredMaintenanceWindow: seed.maintenance,
      DBName: 'interactions',
      Port: '5432',
    });
    expect(d.database.instanceIdentifier).toBe(`interactions-${envName}-postgres`);
  });

  test('storage and Performance Insights are encrypted with a rotating customer managed key', () => {
    const key = id(d, d.database.encryptionKey);
    d.template.hasResourceProperties('AWS::RDS::DBInstance', {
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    d.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    d.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/interactions-${envName}-rds`,
      TargetKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
  });

  test('IAM auth, tag copying, minor upgrades, private placement and the current CA are on', () => {
    d.template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnableIAMDatabaseAuthentication: true,
      CopyTagsToSnapshot: true,
      AutoMinorVersionUpgrade: true,
      PubliclyAccessible: false,
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      VPCSecurityGroups: [{ 'Fn::GetAtt': [sgLogicalId(d.stack, d.network.databaseSecurityGroup), 'GroupId'] }],
    });
  });

  test('the instance sits in the private-data subnets', () => {
    const dataSubnets = d.network.vpc
      .selectSubnets({ subnetGroupName: 'private-data' })
      .subnets.map((s) => ({ Ref: id(d, s) }));
    expect(dataSubnets).toHaveLength(2);
    d.template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: dataSubnets });
  });

  test('deletion protection and removal follow the environment', () => {
    const protectedEnv = envName !== 'dev';
    d.template.hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({ DeletionProtection: protectedEnv }),
      DeletionPolicy: protectedEnv ? 'Snapshot' : 'Delete',
      UpdateReplacePolicy: protectedEnv ? 'Snapshot' : 'Delete',
    });
    d.template.hasResource('AWS::KMS::Key', { DeletionPolicy: protectedEnv ? 'Retain' : 'Delete' });
  });

  test("the parameter group carries the seed's settings and TLS enforcement, exactly the config's", () => {
    d.template.resourceCountIs('AWS::RDS::DBParameterGroup', 1);
    const [[groupId, group] = ['', {}]] = resourcesOfType(d.template, 'AWS::RDS::DBParameterGroup');
    expect(group.Family).toBe('postgres15');
    // The seed's values and TLS enforcement; other tuning may be added in config (asserted below).
    expect(group.Parameters).toMatchObject({
      max_connections: '200',
      shared_buffers: '{DBInstanceClassMemory/32768}',
      effective_cache_size: '{DBInstanceClassMemory*3/32768}',
      work_mem: '65536',
      maintenance_work_mem: '262144',
      autovacuum: '1',
      'rds.force_ssl': '1',
      ssl_min_protocol_version: 'TLSv1.2',
    });
    expect(group.Parameters).toEqual(loadConfig(envName).database.parameters);
    d.template.hasResourceProperties('AWS::RDS::DBInstance', { DBParameterGroupName: { Ref: groupId } });
  });

  test('postgresql and upgrade logs go to CloudWatch groups kept 14 days, created before the instance', () => {
    d.template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    const instance = Object.values(d.template.findResources('AWS::RDS::DBInstance'))[0] as { DependsOn?: string[] };
    for (const type of ['postgresql', 'upgrade']) {
      const groups = resourcesOfType(d.template, 'AWS::Logs::LogGroup').filter(
        ([, p]) => p.LogGroupName === `/aws/rds/instance/interactions-${envName}-postgres/${type}`,
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]?.[1].RetentionInDays).toBe(14);
      expect(instance.DependsOn).toContain(groups[0]?.[0]);
    }
  });

  test('the fixed-name log groups go with dev, elsewhere are kept except after a rolled-back create', () => {
    for (const type of ['postgresql', 'upgrade']) {
      d.template.hasResource('AWS::Logs::LogGroup', {
        Properties: Match.objectLike({ LogGroupName: `/aws/rds/instance/interactions-${envName}-postgres/${type}` }),
        ...(envName === 'dev'
          ? { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }
          : { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' }),
      });
    }
  });

  test('credentials: the named secret, KMS-encrypted, user dbadmin, rotated every 30 days', () => {
    const key = id(d, d.database.encryptionKey);
    d.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `/interactions/${envName}/db-credentials`,
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"dbadmin"}' }),
    });
    d.template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    d.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('the single-user rotation function runs in the app subnets with its own narrow security group', () => {
    const appSubnets = d.network.vpc.selectSubnets({ subnetGroupName: 'private-app' }).subnets.map((s) => id(d, s));
    const apps = resourcesOfType(d.template, 'AWS::Serverless::Application');
    expect(apps).toHaveLength(1);
    const parameters = apps[0]?.[1].Parameters as Record<string, unknown>;
    expect(parameters.vpcSubnetIds).toEqual({
      'Fn::Join': ['', [{ Ref: appSubnets[0] }, ',', { Ref: appSubnets[1] }]],
    });
    expect(parameters.kmsKeyArn).toEqual({ 'Fn::GetAtt': [id(d, d.database.encryptionKey), 'Arn'] });

    const [rotationSg] = resourcesOfType(d.template, 'AWS::EC2::SecurityGroup').filter(([, p]) =>
      String(p.GroupDescription).startsWith('Credential rotation'),
    );
    const rotation = rotationSg?.[0] ?? '';
    const rds = sgLogicalId(d.stack, d.network.databaseSecurityGroup);
    const ecs = sgLogicalId(d.stack, d.network.serviceSecurityGroup);
    const endpointPort = JSON.stringify({ 'Fn::GetAtt': [id(d, d.database.instance), 'Endpoint.Port'] });
    expect(securityGroupRules(d.template, rotation)).toEqual({
      ingress: [],
      egress: [`tcp ${endpointPort} to sg:${rds}`, 'tcp 443 to 0.0.0.0/0'].sort(),
    });
    // The database admits the services and the rotation function, nothing else; it sends nothing.
    expect(securityGroupRules(d.template, rds)).toEqual({
      ingress: [`tcp ${endpointPort} from sg:${rotation}`, `tcp 5432 from sg:${ecs}`].sort(),
      egress: ['none'],
    });
  });

  test('cdk-nag: the whole data stack has no unacknowledged finding', () => {
    expect(unacknowledgedFindings(d.stack)).toEqual([]);
  });

  test('cdk-nag acknowledgements are on the instance only and only where the seed decides', () => {
    const expected =
      envName === 'dev' ? ['AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS3'] : ['AwsSolutions-RDS11'];
    expect(acknowledged(d.database.instance)).toEqual(expected);
    expect(acknowledged(d.database)).toEqual([]);
    expect(acknowledged(d.database.encryptionKey)).toEqual([]);
  });
});

describe('Database differences between environments', () => {
  test('only dev is single-AZ, unprotected and disposable; only prod uses gp3', () => {
    const instance = (env: EnvironmentName) =>
      resourcesOfType(dataStack(env).template, 'AWS::RDS::DBInstance')[0]?.[1] as Record<string, unknown>;
    expect(ENVIRONMENT_NAMES.map((env) => instance(env).MultiAZ)).toEqual([false, true, true]);
    expect(ENVIRONMENT_NAMES.map((env) => instance(env).DeletionProtection)).toEqual([false, true, true]);
    expect(ENVIRONMENT_NAMES.map((env) => instance(env).StorageType)).toEqual(['gp2', 'gp2', 'gp3']);
    expect(ENVIRONMENT_NAMES.map((env) => instance(env).DBInstanceClass)).toEqual([
      'db.t3.small',
      'db.t3.medium',
      'db.t3.large',
    ]);
  });
});

describe('Database validation', () => {
  test('fails when the config asks for another major version', () => {
    const stack = new Stack(testApp(), 'Invalid');
    const config = loadConfig('dev');
    const network = new Network(stack, 'Network', { envName: 'dev', config: config.network, appPorts: [3000] });
    const database = { ...config.database, engineMajorVersion: '16' as unknown as '15' };
    expect(
      () =>
        new Database(stack, 'Database', {
          envName: 'dev',
          config: database,
          vpc: network.vpc,
          securityGroup: network.databaseSecurityGroup,
        }),
    ).toThrow(/engineMajorVersion/);
  });

  test('a dev config with deletion protection keeps a final snapshot', () => {
    const stack = new Stack(testApp(), 'ProtectedDev');
    const config = loadConfig('dev');
    const network = new Network(stack, 'Network', { envName: 'dev', config: config.network, appPorts: [3000] });
    new Database(stack, 'Database', {
      envName: 'dev',
      config: { ...config.database, deletionProtection: true },
      vpc: network.vpc,
      securityGroup: network.databaseSecurityGroup,
    });
    Template.fromStack(stack).hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
  });
});

/**
 * The seed's RDS PostgreSQL 15 instance: its "RDS Configuration" table and parameter group,
 * KMS encryption, Secrets Manager credentials with rotation, logs exported to CloudWatch.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { DatabaseConfig, EnvironmentName } from '../config/index.js';
import { POSTGRES_PORT, SUBNET_GROUPS } from './network.js';

/**
 * The engine version deployed. A concrete minor keeps the template reproducible; RDS applies
 * newer minors in the maintenance window (autoMinorVersionUpgrade), as the seed's quarterly
 * minor updates require, and CloudFormation leaves them alone until this value changes.
 */
export const POSTGRES_ENGINE_VERSION = rds.PostgresEngineVersion.VER_15_17;

/** Log types PostgreSQL exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** Properties of {@link Database}. */
export interface DatabaseProps {
  /** Environment the database belongs to; names the instance `interactions-<env>-postgres`. */
  readonly envName: EnvironmentName;
  /** The environment's row of the seed's RDS table and its parameter group. */
  readonly config: DatabaseConfig;
  /** VPC with `private-data` (the instance) and `private-app` (the rotation function) subnets. */
  readonly vpc: ec2.IVpc;
  /** Security group of the instance; callers decide who may connect. */
  readonly securityGroup: ec2.ISecurityGroup;
}

/** The platform's PostgreSQL database with its credentials and encryption key. */
export class Database extends Construct {
  /** The RDS instance. */
  readonly instance: rds.DatabaseInstance;
  /** Master credentials (`username`, `password`, `host`, ...), rotated on the config's schedule. */
  readonly secret: secretsmanager.ISecret;
  /** Customer managed key of storage, snapshots, Performance Insights and the secret. */
  readonly encryptionKey: kms.Key;
  /** The instance's physical identifier, `interactions-<env>-postgres`. */
  readonly instanceIdentifier: string;
  /** The instance's parameter group: the recovery drills restore their copies with it. */
  readonly parameterGroup: rds.IParameterGroup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { envName, config, vpc, securityGroup } = props;
    if (config.engineMajorVersion !== '15') {
      throw new Error(`Database: config.engineMajorVersion must be '15', got '${config.engineMajorVersion}'`);
    }
    this.instanceIdentifier = names.databaseInstance(envName);
    // Only an unprotected dev database may vanish with its stack; elsewhere a final snapshot stays.
    const disposable = envName === 'dev' && !config.deletionProtection;

    this.encryptionKey = new kms.Key(this, 'EncryptionKey', {
      alias: `alias/interactions-${envName}-rds`,
      description: `Encrypts the interactions ${envName} PostgreSQL storage, snapshots and credentials`,
      enableKeyRotation: true,
      // Snapshots outlive the instance and are unreadable without their key.
      removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const engine = rds.DatabaseInstanceEngine.postgres({ version: POSTGRES_ENGINE_VERSION });
    const parameterGroup = new rds.ParameterGroup(this, 'ParameterGroup', {
      engine,
      description: `interactions ${envName} PostgreSQL 15 parameters`,
      parameters: { ...config.parameters },
    });
    this.parameterGroup = parameterGroup;

    // Created before the instance so that RDS writes into groups with the seed's retention
    // instead of creating never-expiring ones (and without CDK's log-retention Lambda).
    const logGroups = POSTGRES_LOG_EXPORTS.map(
      (type) =>
        new logs.LogGroup(this, `LogGroup-${type}`, {
          logGroupName: `/aws/rds/instance/${this.instanceIdentifier}/${type}`,
          retention: config.logRetentionDays as logs.RetentionDays,
          // Fixed name: kept with the final snapshot, but not after a rolled-back first create.
          removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        }),
    );

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier: this.instanceIdentifier,
      engine,
      instanceType: new ec2.InstanceType(config.instanceClass),
      port: POSTGRES_PORT,
      databaseName: config.databaseName,
      credentials: rds.Credentials.fromGeneratedSecret(config.masterUsername, {
        secretName: config.credentialsSecretName,
        encryptionKey: this.encryptionKey,
      }),
      vpc,
      vpcSubnets: { subnetGroupName: SUBNET_GROUPS.data },
      securityGroups: [securityGroup],
      publiclyAccessible: false,
      allocatedStorage: config.allocatedStorageGiB,
      storageType: config.storageType === 'gp3' ? rds.StorageType.GP3 : rds.StorageType.GP2,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      multiAz: config.multiAz,
      backupRetention: Duration.days(config.backupRetentionDays),
      preferredBackupWindow: config.preferredBackupWindow,
      preferredMaintenanceWindow: config.preferredMaintenanceWindow,
      autoMinorVersionUpgrade: true,
      deletionProtection: config.deletionProtection,
      removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT,
      copyTagsToSnapshot: true,
      iamAuthentication: true,
      enablePerformanceInsights: config.performanceInsights,
      performanceInsightEncryptionKey: config.performanceInsights ? this.encryptionKey : undefined,
      cloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      parameterGroup,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
    });
    for (const logGroup of logGroups) this.instance.node.addDependency(logGroup);

    const secret = this.instance.secret;
    if (!secret) throw new Error('Database: the instance has no generated secret');
    this.secret = secret;

    // The rotation function runs in the app tier: it needs the Secrets Manager API (HTTPS via
    // NAT), which the isolated data subnets cannot reach, and the data tier's NACL admits it.
    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc,
      description: `Credential rotation of interactions-${envName}-postgres`,
      allowAllOutbound: false,
    });
    rotationSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager via NAT');
    this.instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(config.credentialsRotationDays),
      vpcSubnets: { subnetGroupName: SUBNET_GROUPS.app },
      securityGroup: rotationSecurityGroup,
    });

    this.acknowledgeFindings(config);
  }

  /** Findings the seed decides, acknowledged on the instance only. */
  private acknowledgeFindings(config: DatabaseConfig): void {
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason:
        'The seed fixes PostgreSQL on 5432 (connection strings, local setup, runbooks); only the ECS and automation security groups may reach it',
    });
    if (!config.multiAz) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS3',
        reason: "The seed's environment strategy runs this environment (dev) single-AZ; staging and prod are Multi-AZ",
      });
    }
    if (!config.deletionProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: 'Development databases are disposable; staging and prod keep deletion protection',
      });
    }
  }
}

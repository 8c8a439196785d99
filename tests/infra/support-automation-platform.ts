/** A stand-in for PlatformStack exposing the references the automation stack takes, for its infra tests. */
import { type App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { EnvironmentName } from '../../infra/config/index.js';
import type { Severity } from '../../infra/config/types.js';
import type { FailoverPlatformRefs } from '../../workflows/failover-drill/platform.js';

/** The platform stack's severity topics, VPC and database, with the environment's physical names. */
export class FakePlatform extends Stack {
  readonly monitoring: { topics: Record<Severity, sns.ITopic> };
  readonly database: { instance: rds.IDatabaseInstance; encryptionKey: kms.IKey };
  readonly network: { vpc: ec2.IVpc };
  /** The failover drill's references: alarms by ARN, the secret by name, endpoints as plain names. */
  readonly failover: FailoverPlatformRefs;
  constructor(app: App, envName: EnvironmentName) {
    super(app, 'FakePlatform');
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true });
    const topic = (severity: Severity) =>
      new sns.Topic(this, `Alerts${severity}`, {
        topicName: `interactions-${envName}-alerts-${severity}`,
        masterKey: key,
      });
    this.monitoring = { topics: { high: topic('high'), medium: topic('medium'), low: topic('low') } };
    this.network = { vpc: new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0 }) };
    this.database = {
      instance: rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Db', {
        instanceIdentifier: `interactions-${envName}-postgres`,
        instanceEndpointAddress: 'db.example.internal',
        port: 5432,
        securityGroups: [],
      }),
      encryptionKey: new kms.Key(this, 'DbKey', { enableKeyRotation: true }),
    };
    const alarm = (name: string) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        name,
        `arn:aws:cloudwatch:us-east-1:123456789012:alarm:interactions-${envName}-${name}`,
      );
    this.failover = {
      monitoring: { alarms: { apiErrorRatePercent: [alarm('api-error-rate')], alb5xxPercent: [alarm('alb-5xx')] } },
      database: {
        instance: this.database.instance,
        secret: secretsmanager.Secret.fromSecretNameV2(this, 'DbSecret', `/interactions/${envName}/db-credentials`),
      },
      network: {
        vpc: this.network.vpc,
        databaseSecurityGroup: new ec2.SecurityGroup(this, 'DbSg', { vpc: this.network.vpc }),
        cacheSecurityGroup: new ec2.SecurityGroup(this, 'CacheSg', { vpc: this.network.vpc }),
      },
      cache: {
        replicationGroupId: `interactions-${envName}`,
        primaryEndpointAddress: 'cache.example.internal',
        port: 6379,
      },
      compute: { loadBalancer: { loadBalancerDnsName: 'alb.example.internal' } },
    };
  }
}

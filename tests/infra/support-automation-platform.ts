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
import { SUBNET_GROUPS } from '../../infra/constructs/network.js';
import type { FailoverPlatformRefs } from '../../workflows/failover-drill/platform.js';

/** The platform stack's severity topics, VPC and database, with the environment's physical names. */
export class FakePlatform extends Stack {
  readonly monitoring: { topics: Record<Severity, sns.ITopic> };
  readonly database: {
    instance: rds.IDatabaseInstance;
    encryptionKey: kms.IKey;
    secret: secretsmanager.ISecret;
    parameterGroup: rds.IParameterGroup;
  };
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
    // The platform's subnet tiers, which the drills select by name.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC },
        { name: SUBNET_GROUPS.app, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    this.network = { vpc };
    const databaseKey = new kms.Key(this, 'DbKey', { enableKeyRotation: true });
    this.database = {
      instance: rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Db', {
        instanceIdentifier: `interactions-${envName}-postgres`,
        instanceEndpointAddress: 'db.example.internal',
        port: 5432,
        securityGroups: [],
      }),
      encryptionKey: databaseKey,
      secret: new secretsmanager.Secret(this, 'DbSecret', {
        secretName: `/interactions/${envName}/db-credentials`,
        encryptionKey: databaseKey,
      }),
      parameterGroup: rds.ParameterGroup.fromParameterGroupName(this, 'DbParameters', `interactions-${envName}-pg`),
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
        secret: this.database.secret,
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

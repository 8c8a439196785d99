/** A stand-in for PlatformStack exposing the references the automation stack takes, for its infra tests. */
import { type App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { EnvironmentName } from '../../infra/config/index.js';
import type { Severity } from '../../infra/config/types.js';

/** The platform stack's severity topics, VPC and database, with the environment's physical names. */
export class FakePlatform extends Stack {
  readonly monitoring: { topics: Record<Severity, sns.ITopic> };
  readonly database: { instance: rds.IDatabaseInstance; encryptionKey: kms.IKey };
  readonly network: { vpc: ec2.IVpc };
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
  }
}

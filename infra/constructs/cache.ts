/**
 * The seed's ElastiCache Redis: its "ElastiCache Setup" table (node type, nodes, Multi-AZ,
 * failover, encryption), `volatile-lru` eviction, snapshots and logs in CloudWatch.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { CacheConfig, EnvironmentName } from '../config/index.js';
import { REDIS_PORT, SUBNET_GROUPS } from './network.js';
import { fixedNameRemovalPolicy } from './removal.js';

/** Parameter group family of Redis 7.x. */
export const REDIS_PARAMETER_GROUP_FAMILY = 'redis7';

/** Properties of {@link Cache}. */
export interface CacheProps {
  /** Environment the cache belongs to; names the replication group `interactions-<env>`. */
  readonly envName: EnvironmentName;
  /** The environment's row of the seed's ElastiCache table. */
  readonly config: CacheConfig;
  /** VPC whose `private-data` subnets hold the nodes. */
  readonly vpc: ec2.IVpc;
  /** Security group of the nodes; callers decide who may connect. */
  readonly securityGroup: ec2.ISecurityGroup;
}

/** The platform's Redis replication group (cluster mode disabled: one primary, replicas). */
export class Cache extends Construct {
  /** The replication group. */
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Its physical id, `interactions-<env>`. */
  readonly replicationGroupId: string;
  /** Address of the primary endpoint (follows failover). */
  readonly primaryEndpointAddress: string;
  /** Port clients connect to. */
  readonly port: number;
  /** Redis AUTH token; present only where transit encryption is on (the seed: none in dev). */
  readonly authToken?: secretsmanager.ISecret;
  /** Customer managed key of the data at rest, snapshots and the AUTH token. */
  readonly encryptionKey: kms.Key;
  /** Log group receiving the slow log and the engine log. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { envName, config, vpc, securityGroup } = props;
    if (!config.atRestEncryption) {
      throw new Error('Cache: config.atRestEncryption must be true (the seed encrypts cache data at rest everywhere)');
    }
    if (config.automaticFailover && config.numNodes < 2) {
      throw new Error(`Cache: config.automaticFailover needs config.numNodes >= 2, got ${config.numNodes}`);
    }
    this.replicationGroupId = names.cacheReplicationGroup(envName);
    this.port = REDIS_PORT;
    const disposable = envName === 'dev';

    this.encryptionKey = new kms.Key(this, 'EncryptionKey', {
      alias: `alias/interactions-${envName}-redis`,
      description: `Encrypts the interactions ${envName} Redis data, snapshots and AUTH token`,
      enableKeyRotation: true,
      removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    if (config.transitEncryption) {
      this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
        secretName: `/interactions/${envName}/redis-auth-token`,
        description: `Redis AUTH token of ${this.replicationGroupId}`,
        encryptionKey: this.encryptionKey,
        // Redis AUTH accepts 16-128 printable characters without spaces, '"', '/' or '@'.
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      });
    }

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      cacheSubnetGroupName: `${this.replicationGroupId}-redis`,
      description: `Private data subnets of ${this.replicationGroupId}`,
      subnetIds: vpc.selectSubnets({ subnetGroupName: SUBNET_GROUPS.data }).subnetIds,
    });

    const parameterGroup = new elasticache.CfnParameterGroup(this, 'ParameterGroup', {
      cacheParameterGroupFamily: REDIS_PARAMETER_GROUP_FAMILY,
      description: `${this.replicationGroupId} Redis 7 parameters`,
      // The seed: evict only keys that carry a TTL, least recently used first.
      properties: { 'maxmemory-policy': config.maxmemoryPolicy },
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: names.cacheLogGroup(envName),
      retention: config.logRetentionDays as logs.RetentionDays,
      // Fixed name: a rolled-back first create must not leave it behind (see removal.ts).
      removalPolicy: fixedNameRemovalPolicy(envName),
    });
    const logDelivery = (logType: 'slow-log' | 'engine-log') => ({
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: this.logGroup.logGroupName } },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: this.replicationGroupId,
      replicationGroupDescription: `interactions ${envName} Redis cache`,
      engine: 'redis',
      engineVersion: config.engineVersion,
      cacheNodeType: config.nodeType,
      numCacheClusters: config.numNodes,
      multiAzEnabled: config.multiAz,
      automaticFailoverEnabled: config.automaticFailover,
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      transitEncryptionEnabled: config.transitEncryption,
      transitEncryptionMode: config.transitEncryption ? 'required' : undefined,
      authToken: this.authToken?.secretValue.unsafeUnwrap(),
      port: REDIS_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      cacheParameterGroupName: parameterGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: config.snapshotRetentionDays,
      snapshotWindow: config.snapshotWindow,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [logDelivery('slow-log'), logDelivery('engine-log')],
    });
    this.replicationGroup.node.addDependency(this.logGroup);
    this.primaryEndpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;

    this.acknowledgeFindings(config);
  }

  /** Findings the seed decides, acknowledged on the construct concerned only. */
  private acknowledgeFindings(config: CacheConfig): void {
    Validations.of(this.replicationGroup).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        'The seed fixes Redis on 6379 (application settings, local setup); only the ECS and automation security groups may reach it',
    });
    if (!config.transitEncryption) {
      const reason =
        "The seed's development cache is encrypted at rest only, with no authentication; staging and prod use TLS and AUTH";
      Validations.of(this.replicationGroup).acknowledge(
        { id: 'AwsSolutions-AEC3', reason },
        { id: 'AwsSolutions-AEC6', reason },
      );
    }
    if (!config.multiAz) {
      Validations.of(this.replicationGroup).acknowledge({
        id: 'AwsSolutions-AEC4',
        reason: "The seed's development cache is a single node without Multi-AZ; staging and prod are Multi-AZ",
      });
    }
    if (this.authToken) {
      Validations.of(this.authToken).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'No managed rotation exists for ElastiCache AUTH tokens: rotating needs ModifyReplicationGroup with the ROTATE/SET strategy while clients switch over, a planned operation',
      });
    }
  }
}

/**
 * `interactions-<env>-platform`: the seed's core platform in one environment. Each part is a
 * construct of its own; this stack only wires them together and attaches the regional WAF.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { EnvironmentConfig } from '../config/index.js';
import { AppParameters } from '../constructs/app-parameters.js';
import { Cache } from '../constructs/cache.js';
import { Compute } from '../constructs/compute.js';
import { Database } from '../constructs/database.js';
import { Monitoring } from '../constructs/monitoring.js';
import { Network } from '../constructs/network.js';
import { fixedNameRemovalPolicy } from '../constructs/removal.js';
import { pgauditParameters, SecurityMonitoring } from '../constructs/security-monitoring.js';
import { ShieldProtection } from '../constructs/shield-protection.js';
import { WebAcl } from '../constructs/web-acl.js';

export interface PlatformStackProps extends StackProps {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
}

export class PlatformStack extends Stack {
  readonly network: Network;
  readonly database: Database;
  readonly cache: Cache;
  readonly compute: Compute;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const envName = config.name;
    const strategy = config.compute.deploymentStrategy;

    this.network = new Network(this, 'Network', {
      envName,
      config: config.network,
      appPorts: [config.compute.frontendPort, config.compute.backendPort],
      testListenerPort: strategy.type === 'blue-green' ? strategy.testListenerPort : undefined,
    });

    this.database = new Database(this, 'Database', {
      envName,
      // pgaudit (security monitoring) is loaded through the parameter group.
      config: {
        ...config.database,
        parameters: { ...config.database.parameters, ...pgauditParameters(config.securityMonitoring) },
      },
      vpc: this.network.vpc,
      securityGroup: this.network.databaseSecurityGroup,
    });

    this.cache = new Cache(this, 'Cache', {
      envName,
      config: config.cache,
      vpc: this.network.vpc,
      securityGroup: this.network.cacheSecurityGroup,
    });

    this.compute = new Compute(this, 'Compute', {
      envName,
      config: config.compute,
      vpc: this.network.vpc,
      albSecurityGroup: this.network.albSecurityGroup,
      serviceSecurityGroup: this.network.serviceSecurityGroup,
      databaseSecret: this.database.secret,
      databaseEndpoint: this.database.instance.dbInstanceEndpointAddress,
      cacheEndpoint: this.cache.primaryEndpointAddress,
      cachePort: this.cache.port,
      cacheAuthToken: this.cache.authToken,
      cacheTransitEncryption: config.cache.transitEncryption,
      assetsBucketName: config.cdn.bucketName,
    });

    const webAcl = new WebAcl(this, 'RegionalWebAcl', {
      name: `interactions-${envName}-alb`,
      scope: 'REGIONAL',
      rateLimitPer5Minutes: config.security.wafRateLimitPer5Minutes,
      // A retained, fixed-name log group would block the next deploy of a torn-down dev.
      logRemovalPolicy: fixedNameRemovalPolicy(envName),
    });
    new wafv2.CfnWebACLAssociation(this, 'AlbWebAclAssociation', {
      resourceArn: this.compute.loadBalancer.loadBalancerArn,
      webAclArn: webAcl.webAclArn,
    });
    // Shield Standard covers the ALB already, at no cost; Advanced is opt-in and paid.
    if (config.security.shieldAdvanced) {
      new ShieldProtection(this, 'AlbShieldProtection', {
        name: `interactions-${envName}-alb`,
        resourceArn: this.compute.loadBalancer.loadBalancerArn,
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      envName,
      config: config.monitoring,
      database: this.database.instance,
      databaseAllocatedStorageGiB: config.database.allocatedStorageGiB,
      databaseMaxConnections: Number(config.database.parameters.max_connections),
      cacheReplicationGroupId: this.cache.replicationGroupId,
      cacheNodeCount: config.cache.numNodes,
      loadBalancer: this.compute.loadBalancer,
      targetGroups: { frontend: this.compute.frontendTargetGroup, backend: this.compute.backendTargetGroup },
      alternateTargetGroups: this.compute.alternateTargetGroups,
      services: { frontend: this.compute.frontendService, backend: this.compute.backendService },
    });

    // The backend's and the database's log groups are created by their constructs, by these names.
    const security = new SecurityMonitoring(this, 'SecurityMonitoring', {
      envName,
      config: config.securityMonitoring,
      topics: this.monitoring.topics,
      logGroups: {
        backend: logs.LogGroup.fromLogGroupName(this, 'BackendLogs', names.ecsLogGroup(envName, 'backend')),
        'vpc-flow-logs': this.network.flowLogGroup,
        postgresql: logs.LogGroup.fromLogGroupName(
          this,
          'PostgresLogs',
          names.rdsLogGroup(this.database.instanceIdentifier),
        ),
      },
    });
    security.node.addDependency(this.compute, this.database);

    new AppParameters(this, 'AppParameters', {
      envName,
      cache: config.cache,
      compute: config.compute,
      cdn: config.cdn,
    });
  }
}

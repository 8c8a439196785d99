/**
 * The seed's network: one VPC over two AZs with public, private-app and private-data subnets,
 * the four security groups of its "Network Security" table, a network ACL per subnet tier and
 * VPC flow logs.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EnvironmentName, NetworkConfig } from '../config/index.js';

/** PostgreSQL's port: the seed fixes it (local setup, connection strings, runbooks). */
export const POSTGRES_PORT = 5432;
/** Redis's port: the seed fixes it. */
export const REDIS_PORT = 6379;
/** Ports clients and NAT gateways use as source ports; return traffic comes back to them. */
const EPHEMERAL = ec2.AclTraffic.tcpPortRange(1024, 65535);
const ANYWHERE = '0.0.0.0/0';

/** Subnet group names; constructs select subnets by these names. */
export const SUBNET_GROUPS = {
  public: 'public',
  app: 'private-app',
  data: 'private-data',
} as const;

/** Properties of {@link Network}. */
export interface NetworkProps {
  /** Environment the network belongs to; names the VPC `interactions-<env>`. */
  readonly envName: EnvironmentName;
  /** CIDR, AZs, NAT gateways and flow log retention of the environment. */
  readonly config: NetworkConfig;
  /** Container ports the ALB forwards to (frontend and backend). */
  readonly appPorts: readonly number[];
  /**
   * Port of the ALB's blue/green test listener. The deployment probes in the app subnets call it
   * through the ALB's public DNS name (out through NAT), so the app tier's network ACL lets TCP on
   * this port out to anywhere.
   * @default no test listener (rolling deployments): the app tier sends nothing out on it
   */
  readonly testListenerPort?: number;
}

/** The VPC and the security groups every other part of the platform is placed in. */
export class Network extends Construct {
  /** The environment's VPC. */
  readonly vpc: ec2.Vpc;
  /** The application load balancer's group: 80/443 from the internet, out to the services only. */
  readonly albSecurityGroup: ec2.SecurityGroup;
  /** The ECS tasks' group (frontend and backend share it): in from the ALB only. */
  readonly serviceSecurityGroup: ec2.SecurityGroup;
  /** The RDS instance's group: 5432 from the services only. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** The Redis replication group's group: 6379 from the services only. */
  readonly cacheSecurityGroup: ec2.SecurityGroup;
  /** The flow log's log group (all traffic of the VPC). */
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { envName, config, appPorts, testListenerPort } = props;
    if (appPorts.length === 0) throw new Error('Network: appPorts must name at least one container port');
    if (
      testListenerPort !== undefined &&
      (!Number.isInteger(testListenerPort) || testListenerPort < 1 || testListenerPort > 65535)
    ) {
      throw new Error(`Network: testListenerPort must be a TCP port in 1-65535 (got ${testListenerPort})`);
    }
    if (config.availabilityZones.length === 0) throw new Error('Network: config.availabilityZones must not be empty');

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: `interactions-${envName}`,
      ipAddresses: ec2.IpAddresses.cidr(config.vpcCidr),
      // Explicit AZs: synth needs no context lookup and therefore no credentials.
      availabilityZones: [...config.availabilityZones],
      natGateways: config.natGateways,
      natGatewaySubnets: { subnetGroupName: SUBNET_GROUPS.public },
      // The default group would allow all traffic between its members; nothing may use it.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: SUBNET_GROUPS.app, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      logGroupName: `/aws/vpc/interactions-${envName}/flow-logs`,
      retention: config.flowLogRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.albSecurityGroup = this.securityGroup('AlbSecurityGroup', `interactions-${envName}-alb`, 'ALB');
    this.serviceSecurityGroup = this.securityGroup('ServiceSecurityGroup', `interactions-${envName}-ecs`, 'ECS tasks');
    this.databaseSecurityGroup = this.securityGroup('DatabaseSecurityGroup', `interactions-${envName}-rds`, 'RDS');
    this.cacheSecurityGroup = this.securityGroup('CacheSecurityGroup', `interactions-${envName}-redis`, 'Redis');

    // ALB: in on 80/443 from the internet, out only to the tasks on their container ports.
    this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet (redirected)');
    this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    for (const port of appPorts) {
      this.albSecurityGroup.addEgressRule(this.serviceSecurityGroup, ec2.Port.tcp(port), `To ECS tasks on ${port}`);
      this.serviceSecurityGroup.addIngressRule(this.albSecurityGroup, ec2.Port.tcp(port), `From the ALB on ${port}`);
    }

    // ECS: out to the data tier on its ports only.
    this.serviceSecurityGroup.addEgressRule(this.databaseSecurityGroup, ec2.Port.tcp(POSTGRES_PORT), 'To RDS');
    this.serviceSecurityGroup.addEgressRule(this.cacheSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'To Redis');
    // Tasks pull images from ECR and call AWS APIs (Secrets Manager, SSM, CloudWatch Logs, S3)
    // through the NAT gateways; all of those are HTTPS endpoints on public addresses.
    this.serviceSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs and ECR through NAT',
    );

    // RDS and Redis: in from the tasks on their port only; no outbound rule at all.
    this.allowDataAccessFrom(this.serviceSecurityGroup, 'ECS tasks');

    const acls = this.addNetworkAcls(envName, config.vpcCidr, appPorts, testListenerPort);
    this.acknowledgeFindings(acls);
  }

  /**
   * Lets `peer` reach PostgreSQL (5432) and Redis (6379), e.g. the automation's probe functions.
   * The peer must sit in the private-app subnets: the data tier's network ACL admits only those.
   */
  allowDataAccessFrom(peer: ec2.ISecurityGroup, description: string): void {
    // Through `connections` so that a peer without allowAllOutbound also gets the matching egress.
    this.databaseSecurityGroup.connections.allowFrom(
      peer,
      ec2.Port.tcp(POSTGRES_PORT),
      `PostgreSQL from ${description}`,
    );
    this.cacheSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(REDIS_PORT), `Redis from ${description}`);
  }

  private securityGroup(id: string, name: string, what: string): ec2.SecurityGroup {
    return new ec2.SecurityGroup(this, id, {
      vpc: this.vpc,
      securityGroupName: name,
      description: `${what} of interactions (${name})`,
      // Every permitted flow is an explicit rule below; nothing leaves by default.
      allowAllOutbound: false,
    });
  }

  /**
   * Subnet-level defence in depth under the security groups. Network ACLs are stateless, so each
   * tier also admits the return traffic of the flows it starts (TCP ephemeral ports). They do not
   * filter the Amazon DNS resolver or instance metadata, so those need no rule.
   */
  private addNetworkAcls(
    envName: EnvironmentName,
    vpcCidr: string,
    appPorts: readonly number[],
    testListenerPort: number | undefined,
  ): ec2.NetworkAcl[] {
    const cidrs = (group: string): string[] =>
      this.vpc.selectSubnets({ subnetGroupName: group }).subnets.map((subnet) => subnet.ipv4CidrBlock);
    const appCidrs = cidrs(SUBNET_GROUPS.app);
    const dataCidrs = cidrs(SUBNET_GROUPS.data);

    // Public tier: the ALB (80/443 from clients) and the NAT gateways (HTTPS out for the app tier).
    const publicAcl = this.acl('PublicNetworkAcl', envName, SUBNET_GROUPS.public);
    let rule = 100;
    for (const port of [80, 443]) {
      publicAcl.addEntry(`InTcp${port}`, {
        ruleNumber: rule++,
        cidr: ec2.AclCidr.ipv4(ANYWHERE),
        traffic: ec2.AclTraffic.tcpPort(port),
        direction: ec2.TrafficDirection.INGRESS,
      });
    }
    // Replies from the internet to the NAT gateways and from the tasks to the ALB.
    publicAcl.addEntry('InEphemeral', {
      ruleNumber: rule++,
      cidr: ec2.AclCidr.ipv4(ANYWHERE),
      traffic: EPHEMERAL,
      direction: ec2.TrafficDirection.INGRESS,
    });
    // Out: HTTPS from the NAT gateways, replies to clients and the ALB's connections to the tasks
    // (the container ports lie in the ephemeral range).
    publicAcl.addEntry('OutTcp443', {
      ruleNumber: 100,
      cidr: ec2.AclCidr.ipv4(ANYWHERE),
      traffic: ec2.AclTraffic.tcpPort(443),
      direction: ec2.TrafficDirection.EGRESS,
    });
    publicAcl.addEntry('OutEphemeral', {
      ruleNumber: 110,
      cidr: ec2.AclCidr.ipv4(ANYWHERE),
      traffic: EPHEMERAL,
      direction: ec2.TrafficDirection.EGRESS,
    });

    // App tier: container ports from inside the VPC (the ALB), replies from anywhere (NAT keeps
    // the remote address as source), HTTPS out through NAT, and the data ports inside the VPC.
    const appAcl = this.acl('AppNetworkAcl', envName, SUBNET_GROUPS.app);
    rule = 100;
    for (const port of appPorts) {
      appAcl.addEntry(`InTcp${port}`, {
        ruleNumber: rule++,
        cidr: ec2.AclCidr.ipv4(vpcCidr),
        traffic: ec2.AclTraffic.tcpPort(port),
        direction: ec2.TrafficDirection.INGRESS,
      });
    }
    appAcl.addEntry('InEphemeral', {
      ruleNumber: rule++,
      cidr: ec2.AclCidr.ipv4(ANYWHERE),
      traffic: EPHEMERAL,
      direction: ec2.TrafficDirection.INGRESS,
    });
    rule = 100;
    for (const [name, port] of [
      ['OutTcp443', 443],
      ['OutPostgres', POSTGRES_PORT],
      ['OutRedis', REDIS_PORT],
    ] as const) {
      appAcl.addEntry(name, {
        ruleNumber: rule++,
        cidr: ec2.AclCidr.ipv4(port === 443 ? ANYWHERE : vpcCidr),
        traffic: ec2.AclTraffic.tcpPort(port),
        direction: ec2.TrafficDirection.EGRESS,
      });
    }
    appAcl.addEntry('OutEphemeral', {
      ruleNumber: rule++,
      cidr: ec2.AclCidr.ipv4(vpcCidr),
      traffic: EPHEMERAL,
      direction: ec2.TrafficDirection.EGRESS,
    });
    if (testListenerPort !== undefined) {
      // Blue/green: the deployment probes call the ALB's test listener by its public DNS name, so the
      // request leaves for the ALB's public address (through NAT), which no VPC CIDR covers.
      appAcl.addEntry('OutTcpTestListener', {
        ruleNumber: rule++,
        cidr: ec2.AclCidr.ipv4(ANYWHERE),
        traffic: ec2.AclTraffic.tcpPort(testListenerPort),
        direction: ec2.TrafficDirection.EGRESS,
      });
    }

    // Data tier: only the app subnets reach the databases; nothing here starts a connection out,
    // except Redis replicas syncing from their primary inside the data tier (ephemeral range).
    const dataAcl = this.acl('DataNetworkAcl', envName, SUBNET_GROUPS.data);
    rule = 100;
    appCidrs.forEach((cidr, index) => {
      for (const [name, port] of [
        ['Postgres', POSTGRES_PORT],
        ['Redis', REDIS_PORT],
      ] as const) {
        dataAcl.addEntry(`In${name}FromApp${index + 1}`, {
          ruleNumber: rule++,
          cidr: ec2.AclCidr.ipv4(cidr),
          traffic: ec2.AclTraffic.tcpPort(port),
          direction: ec2.TrafficDirection.INGRESS,
        });
      }
    });
    dataCidrs.forEach((cidr, index) => {
      dataAcl.addEntry(`InEphemeralFromData${index + 1}`, {
        ruleNumber: rule++,
        cidr: ec2.AclCidr.ipv4(cidr),
        traffic: EPHEMERAL,
        direction: ec2.TrafficDirection.INGRESS,
      });
    });
    rule = 100;
    [...appCidrs.map((cidr) => ['App', cidr] as const), ...dataCidrs.map((cidr) => ['Data', cidr] as const)].forEach(
      ([tier, cidr], index) => {
        dataAcl.addEntry(`OutEphemeralTo${tier}${index + 1}`, {
          ruleNumber: rule++,
          cidr: ec2.AclCidr.ipv4(cidr),
          traffic: EPHEMERAL,
          direction: ec2.TrafficDirection.EGRESS,
        });
      },
    );
    return [publicAcl, appAcl, dataAcl];
  }

  private acl(id: string, envName: EnvironmentName, subnetGroupName: string): ec2.NetworkAcl {
    return new ec2.NetworkAcl(this, id, {
      vpc: this.vpc,
      networkAclName: `interactions-${envName}-${subnetGroupName}`,
      subnetSelection: { subnetGroupName },
    });
  }

  /** Findings that the seed's own design decides, acknowledged on the construct concerned. */
  private acknowledgeFindings(acls: readonly ec2.NetworkAcl[]): void {
    Validations.of(this.albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        "The seed's ALB is internet-facing: inbound 80/443 from anywhere is its purpose; WAF and Shield protect it",
    });
    for (const acl of acls) {
      Validations.of(acl).acknowledge({
        id: 'AwsSolutions-VPC3',
        reason: "The seed's Network Security table requires NACLs as subnet-level controls beneath the security groups",
      });
    }
  }
}

import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { Network } from '../../infra/constructs/network.js';
import { testApp } from '../support/cdk-app.js';
import { resourcesOfType } from './support-data-stack.js';
import { unacknowledgedFindings } from './support-nag.js';
import { securityGroupRules, sgLogicalId } from './support-security-groups.js';

interface Built {
  stack: Stack;
  network: Network;
  template: Template;
}
const built = new Map<EnvironmentName, Built>();
function networkStack(envName: EnvironmentName): Built {
  const existing = built.get(envName);
  if (existing) return existing;
  const config = loadConfig(envName);
  const strategy = config.compute.deploymentStrategy;
  const stack = new Stack(testApp(), `Network-${envName}`);
  const network = new Network(stack, 'Network', {
    envName,
    config: config.network,
    appPorts: [config.compute.frontendPort, config.compute.backendPort],
    testListenerPort: strategy.type === 'blue-green' ? strategy.testListenerPort : undefined,
  });
  const result = { stack, network, template: Template.fromStack(stack) };
  built.set(envName, result);
  return result;
}

/** Subnets of one group as `[logicalId, properties]`, in AZ order. */
function subnets(template: Template, group: string): Array<[string, Record<string, unknown>]> {
  return resourcesOfType(template, 'AWS::EC2::Subnet')
    .filter(([, p]) =>
      (p.Tags as Array<{ Key: string; Value: string }>).some(
        (t) => t.Key === 'aws-cdk:subnet-name' && t.Value === group,
      ),
    )
    .sort(([, a], [, b]) => String(a.AvailabilityZone).localeCompare(String(b.AvailabilityZone)));
}

/** Entries of the NACL associated with `group`'s subnets, as sorted strings. */
function aclEntries(template: Template, group: string): { ingress: string[]; egress: string[]; subnets: string[] } {
  const subnetIds = subnets(template, group).map(([id]) => id);
  const associations = resourcesOfType(template, 'AWS::EC2::SubnetNetworkAclAssociation').filter(([, p]) =>
    subnetIds.includes((p.SubnetId as { Ref: string }).Ref),
  );
  const aclIds = new Set(associations.map(([, p]) => (p.NetworkAclId as { Ref: string }).Ref));
  if (aclIds.size !== 1) throw new Error(`expected one NACL for ${group}, got ${aclIds.size}`);
  const [aclId] = [...aclIds];
  const entries = resourcesOfType(template, 'AWS::EC2::NetworkAclEntry').filter(
    ([, p]) => (p.NetworkAclId as { Ref: string }).Ref === aclId,
  );
  const show = (p: Record<string, unknown>) => {
    const range = p.PortRange as { From: number; To: number };
    const portText = range.From === range.To ? `${range.From}` : `${range.From}-${range.To}`;
    return `${p.RuleAction} tcp ${portText} ${p.CidrBlock}`;
  };
  for (const [, p] of entries) expect(p.Protocol).toBe(6);
  return {
    ingress: entries
      .filter(([, p]) => p.Egress === false)
      .map(([, p]) => show(p))
      .sort(),
    egress: entries
      .filter(([, p]) => p.Egress === true)
      .map(([, p]) => show(p))
      .sort(),
    subnets: associations.map(([, p]) => (p.SubnetId as { Ref: string }).Ref).sort(),
  };
}

function acknowledged(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, '')))
    .sort();
}

const EXPECTED_NAT_GATEWAYS: Record<EnvironmentName, number> = { dev: 1, staging: 2, prod: 2 };
const EXPECTED_FLOW_LOG_DAYS: Record<EnvironmentName, number> = { dev: 14, staging: 30, prod: 90 };
/** The blue/green probes reach the ALB's test listener through its public DNS name (via NAT); dev rolls. */
const EXPECTED_TEST_LISTENER_EGRESS: Record<EnvironmentName, string | undefined> = {
  dev: undefined,
  staging: 'allow tcp 8080 0.0.0.0/0',
  prod: 'allow tcp 8080 0.0.0.0/0',
};
const APP_CIDRS = ['10.0.16.0/20', '10.0.32.0/20'];
const DATA_CIDRS = ['10.0.48.0/24', '10.0.49.0/24'];

describe.each(ENVIRONMENT_NAMES)('Network in %s', (envName) => {
  let b: Built;
  beforeAll(() => {
    // GIVEN the environment's config WHEN the network is synthesized
    b = networkStack(envName);
  });

  test('the VPC is interactions-<env> on 10.0.0.0/16 with DNS', () => {
    b.template.resourceCountIs('AWS::EC2::VPC', 1);
    b.template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.0.0.0/16',
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
      Tags: Match.arrayWith([{ Key: 'Name', Value: `interactions-${envName}` }]),
    });
  });

  test('three subnet tiers span us-east-1a and us-east-1b, none maps public IPs', () => {
    b.template.resourceCountIs('AWS::EC2::Subnet', 6);
    const layout = (group: string) => subnets(b.template, group).map(([, p]) => [p.AvailabilityZone, p.CidrBlock]);
    expect(layout('public')).toEqual([
      ['us-east-1a', '10.0.0.0/24'],
      ['us-east-1b', '10.0.1.0/24'],
    ]);
    expect(layout('private-app')).toEqual([
      ['us-east-1a', APP_CIDRS[0]],
      ['us-east-1b', APP_CIDRS[1]],
    ]);
    expect(layout('private-data')).toEqual([
      ['us-east-1a', DATA_CIDRS[0]],
      ['us-east-1b', DATA_CIDRS[1]],
    ]);
    for (const [, p] of resourcesOfType(b.template, 'AWS::EC2::Subnet')) expect(p.MapPublicIpOnLaunch).toBe(false);
  });

  test(`NAT gateways: ${EXPECTED_NAT_GATEWAYS[envName]}, in public subnets; app subnets route through them, data subnets have no default route`, () => {
    b.template.resourceCountIs('AWS::EC2::NatGateway', EXPECTED_NAT_GATEWAYS[envName]);
    const publicIds = subnets(b.template, 'public').map(([id]) => id);
    for (const [, p] of resourcesOfType(b.template, 'AWS::EC2::NatGateway')) {
      expect(publicIds).toContain((p.SubnetId as { Ref: string }).Ref);
    }
    const routeTableOf = (subnetId: string) =>
      resourcesOfType(b.template, 'AWS::EC2::SubnetRouteTableAssociation').find(
        ([, p]) => (p.SubnetId as { Ref: string }).Ref === subnetId,
      )?.[1].RouteTableId as { Ref: string };
    const routes = resourcesOfType(b.template, 'AWS::EC2::Route');
    const defaultRoutes = (subnetId: string) =>
      routes.filter(
        ([, p]) =>
          (p.RouteTableId as { Ref: string }).Ref === routeTableOf(subnetId).Ref &&
          p.DestinationCidrBlock === '0.0.0.0/0',
      );
    for (const [id] of subnets(b.template, 'private-app')) {
      const found = defaultRoutes(id);
      expect(found).toHaveLength(1);
      expect(found[0]?.[1].NatGatewayId).toBeDefined();
    }
    for (const [id] of subnets(b.template, 'private-data')) expect(defaultRoutes(id)).toHaveLength(0);
    for (const [id] of subnets(b.template, 'public')) expect(defaultRoutes(id)[0]?.[1].GatewayId).toBeDefined();
  });

  test(`flow logs capture ALL traffic into a log group kept ${EXPECTED_FLOW_LOG_DAYS[envName]} days`, () => {
    b.template.resourceCountIs('AWS::EC2::FlowLog', 1);
    b.template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: b.stack.getLogicalId(b.network.flowLogGroup.node.defaultChild as never) },
    });
    b.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/vpc/interactions-${envName}/flow-logs`,
      RetentionInDays: EXPECTED_FLOW_LOG_DAYS[envName],
    });
  });

  test('the flow log role may write only to its log group', () => {
    const policies = resourcesOfType(b.template, 'AWS::IAM::Policy');
    expect(policies).toHaveLength(1);
    const document = policies[0]?.[1].PolicyDocument as { Statement: Array<Record<string, unknown>> } | undefined;
    const statements = document?.Statement;
    expect(statements).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [b.stack.getLogicalId(b.network.flowLogGroup.node.defaultChild as never), 'Arn'] },
      },
    ]);
  });

  test('security groups carry exactly the seed rules', () => {
    const { stack, network, template } = b;
    const alb = sgLogicalId(stack, network.albSecurityGroup);
    const ecs = sgLogicalId(stack, network.serviceSecurityGroup);
    const rds = sgLogicalId(stack, network.databaseSecurityGroup);
    const redis = sgLogicalId(stack, network.cacheSecurityGroup);
    b.template.resourceCountIs('AWS::EC2::SecurityGroup', 4);

    expect(securityGroupRules(template, alb)).toEqual({
      ingress: ['tcp 443 from 0.0.0.0/0', 'tcp 80 from 0.0.0.0/0'],
      egress: [`tcp 3000 to sg:${ecs}`, `tcp 5000 to sg:${ecs}`],
    });
    expect(securityGroupRules(template, ecs)).toEqual({
      ingress: [`tcp 3000 from sg:${alb}`, `tcp 5000 from sg:${alb}`],
      egress: ['tcp 443 to 0.0.0.0/0', `tcp 5432 to sg:${rds}`, `tcp 6379 to sg:${redis}`],
    });
    expect(securityGroupRules(template, rds)).toEqual({ ingress: [`tcp 5432 from sg:${ecs}`], egress: ['none'] });
    expect(securityGroupRules(template, redis)).toEqual({ ingress: [`tcp 6379 from sg:${ecs}`], egress: ['none'] });
  });

  test('the security groups have the environment in their names', () => {
    for (const suffix of ['alb', 'ecs', 'rds', 'redis']) {
      b.template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupName: `interactions-${envName}-${suffix}` });
    }
  });

  test('public NACL: 80/443 and replies in; HTTPS and replies out', () => {
    const acl = aclEntries(b.template, 'public');
    expect(acl.subnets).toHaveLength(2);
    expect(acl.ingress).toEqual([
      'allow tcp 1024-65535 0.0.0.0/0',
      'allow tcp 443 0.0.0.0/0',
      'allow tcp 80 0.0.0.0/0',
    ]);
    expect(acl.egress).toEqual(['allow tcp 1024-65535 0.0.0.0/0', 'allow tcp 443 0.0.0.0/0']);
  });

  test('app NACL: container ports from the VPC only; out HTTPS, data ports and replies inside the VPC, and the test listener port where blue/green', () => {
    const acl = aclEntries(b.template, 'private-app');
    expect(acl.subnets).toHaveLength(2);
    expect(acl.ingress).toEqual([
      'allow tcp 1024-65535 0.0.0.0/0',
      'allow tcp 3000 10.0.0.0/16',
      'allow tcp 5000 10.0.0.0/16',
    ]);
    expect(acl.egress).toEqual(
      [
        'allow tcp 1024-65535 10.0.0.0/16',
        'allow tcp 443 0.0.0.0/0',
        'allow tcp 5432 10.0.0.0/16',
        'allow tcp 6379 10.0.0.0/16',
        ...(EXPECTED_TEST_LISTENER_EGRESS[envName] ? [EXPECTED_TEST_LISTENER_EGRESS[envName]] : []),
      ].sort(),
    );
  });

  test('data NACL: 5432/6379 only from the app subnets, replies only to the app and data subnets', () => {
    const acl = aclEntries(b.template, 'private-data');
    expect(acl.subnets).toHaveLength(2);
    expect(acl.ingress).toEqual(
      [
        ...APP_CIDRS.flatMap((cidr) => [`allow tcp 5432 ${cidr}`, `allow tcp 6379 ${cidr}`]),
        ...DATA_CIDRS.map((cidr) => `allow tcp 1024-65535 ${cidr}`),
      ].sort(),
    );
    expect(acl.egress).toEqual([...APP_CIDRS, ...DATA_CIDRS].map((cidr) => `allow tcp 1024-65535 ${cidr}`).sort());
    // Nothing from the public subnets or the internet reaches the data tier.
    expect([...acl.ingress, ...acl.egress].some((e) => e.includes('0.0.0.0/0') || e.includes('10.0.0.'))).toBe(false);
  });

  test('NACL rule numbers are unique per NACL and direction', () => {
    const seen = new Set<string>();
    for (const [, p] of resourcesOfType(b.template, 'AWS::EC2::NetworkAclEntry')) {
      const key = `${JSON.stringify(p.NetworkAclId)} ${p.Egress} ${p.RuleNumber}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  test('cdk-nag: no unacknowledged finding; only the ALB (EC23) and the NACLs (VPC3) carry acknowledgements', () => {
    expect(unacknowledgedFindings(b.stack)).toEqual([]);
    expect(acknowledged(b.network.albSecurityGroup)).toEqual(['AwsSolutions-EC23']);
    expect(acknowledged(b.network.serviceSecurityGroup)).toEqual([]);
    expect(acknowledged(b.network.databaseSecurityGroup)).toEqual([]);
    expect(acknowledged(b.network.vpc)).toEqual([]);
    expect(acknowledged(b.network)).toEqual([]);
  });
});

describe('Network differences between environments', () => {
  test('dev saves a NAT gateway; staging and prod have one per AZ; flow logs are kept longer further up', () => {
    // GIVEN the three environments WHEN synthesized THEN only NATs and flow log retention differ
    const nat = (env: EnvironmentName) =>
      Object.keys(networkStack(env).template.findResources('AWS::EC2::NatGateway')).length;
    expect(ENVIRONMENT_NAMES.map(nat)).toEqual([1, 2, 2]);
    const retention = (env: EnvironmentName) =>
      resourcesOfType(networkStack(env).template, 'AWS::Logs::LogGroup')[0]?.[1].RetentionInDays;
    expect(ENVIRONMENT_NAMES.map(retention)).toEqual([14, 30, 90]);
  });
});

describe('Network.allowDataAccessFrom', () => {
  test('opens 5432 on the database group and 6379 on the cache group to the peer, and nothing else', () => {
    // GIVEN a network and a probe security group
    const stack = new Stack(testApp(), 'Probe');
    const config = loadConfig('prod');
    const network = new Network(stack, 'Network', { envName: 'prod', config: config.network, appPorts: [3000, 5000] });
    const probe = new ec2.SecurityGroup(stack, 'Probe', { vpc: network.vpc, allowAllOutbound: false });
    // WHEN the probe is granted data access
    network.allowDataAccessFrom(probe, 'automation probes');
    // THEN the data groups admit it on their port only
    const template = Template.fromStack(stack);
    const probeId = sgLogicalId(stack, probe);
    const ecs = sgLogicalId(stack, network.serviceSecurityGroup);
    expect(securityGroupRules(template, sgLogicalId(stack, network.databaseSecurityGroup)).ingress).toEqual(
      [`tcp 5432 from sg:${probeId}`, `tcp 5432 from sg:${ecs}`].sort(),
    );
    expect(securityGroupRules(template, sgLogicalId(stack, network.cacheSecurityGroup)).ingress).toEqual(
      [`tcp 6379 from sg:${probeId}`, `tcp 6379 from sg:${ecs}`].sort(),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      Description: 'PostgreSQL from automation probes',
      SourceSecurityGroupId: { 'Fn::GetAtt': [probeId, 'GroupId'] },
    });
    // A peer that allows no outbound by default gets exactly the matching egress.
    expect(securityGroupRules(template, probeId).egress).toEqual([
      `tcp 5432 to sg:${sgLogicalId(stack, network.databaseSecurityGroup)}`,
      `tcp 6379 to sg:${sgLogicalId(stack, network.cacheSecurityGroup)}`,
    ]);
  });
});

describe('Network validation', () => {
  test('fails when appPorts is empty', () => {
    const stack = new Stack(testApp(), 'Invalid');
    expect(
      () => new Network(stack, 'Network', { envName: 'dev', config: loadConfig('dev').network, appPorts: [] }),
    ).toThrow(/appPorts/);
  });

  test('fails when testListenerPort is not a TCP port', () => {
    const stack = new Stack(testApp(), 'InvalidTestListener');
    const config = loadConfig('staging');
    expect(
      () =>
        new Network(stack, 'Network', {
          envName: 'staging',
          config: config.network,
          appPorts: [config.compute.frontendPort, config.compute.backendPort],
          testListenerPort: 70000,
        }),
    ).toThrow(/testListenerPort must be a TCP port in 1-65535 \(got 70000\)/);
  });
});

/**
 * Reads a security group's complete rule set from a template, inline and standalone rules alike,
 * as sorted strings such as `tcp 443 from 0.0.0.0/0` or `tcp 5432 to sg:<logicalId>`, so tests can
 * compare the whole set exactly. CDK's "no outbound" placeholder rule reads `none`.
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';

type Props = Record<string, unknown>;

/** The logical id of a security group construct in its stack. */
export function sgLogicalId(stack: Stack, group: ec2.ISecurityGroup): string {
  return stack.getLogicalId(group.node.defaultChild as CfnElement);
}

function peer(rule: Props, direction: 'from' | 'to'): string {
  const ref = (direction === 'from' ? rule.SourceSecurityGroupId : rule.DestinationSecurityGroupId) as
    | { 'Fn::GetAtt'?: [string, string] }
    | undefined;
  if (ref?.['Fn::GetAtt']) return `sg:${ref['Fn::GetAtt'][0]}`;
  if (typeof rule.CidrIp === 'string') return rule.CidrIp;
  if (typeof rule.CidrIpv6 === 'string') return rule.CidrIpv6;
  return JSON.stringify(ref ?? rule);
}

function ports(rule: Props): string {
  const from = typeof rule.FromPort === 'number' ? rule.FromPort : JSON.stringify(rule.FromPort);
  const to = typeof rule.ToPort === 'number' ? rule.ToPort : JSON.stringify(rule.ToPort);
  return from === to ? `${from}` : `${from}-${to}`;
}

function describe(rule: Props, direction: 'from' | 'to'): string {
  if (rule.CidrIp === '255.255.255.255/32' && rule.IpProtocol === 'icmp') return 'none';
  const protocol = rule.IpProtocol === '-1' ? 'all' : String(rule.IpProtocol);
  return `${protocol} ${ports(rule)} ${direction} ${peer(rule, direction)}`;
}

function belongsTo(rule: Props, logicalId: string): boolean {
  const group = rule.GroupId as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return group?.['Fn::GetAtt']?.[0] === logicalId;
}

/** Every ingress and egress rule of the security group `logicalId`. */
export function securityGroupRules(template: Template, logicalId: string): { ingress: string[]; egress: string[] } {
  const group = template.findResources('AWS::EC2::SecurityGroup')[logicalId] as { Properties: Props } | undefined;
  if (!group) throw new Error(`no security group ${logicalId}`);
  const inline = (key: string) => (group.Properties[key] as Props[] | undefined) ?? [];
  const standalone = (type: string) =>
    Object.values(template.findResources(type))
      .map((r) => (r as { Properties: Props }).Properties)
      .filter((p) => belongsTo(p, logicalId));
  const ingress = [...inline('SecurityGroupIngress'), ...standalone('AWS::EC2::SecurityGroupIngress')];
  const egress = [...inline('SecurityGroupEgress'), ...standalone('AWS::EC2::SecurityGroupEgress')];
  return {
    ingress: ingress.map((r) => describe(r, 'from')).sort(),
    egress: egress.map((r) => describe(r, 'to')).sort(),
  };
}

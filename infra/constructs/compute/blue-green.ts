/**
 * The pieces of ECS native blue/green that are not a service's own: the alarms that roll a deployment
 * back, the ECS infrastructure role for load balancers, and the test listener's opening to the VPC.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type Environment, names } from '../../../shared/naming.js';
import type { Component } from './app-service.js';

/** The AWS managed policy ECS blue/green needs on its infrastructure role for load balancers. */
export const ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY = 'AmazonECSInfrastructureRolePolicyForLoadBalancers';

/**
 * The seed's alarms that roll a deployment of `component` back while it runs and during its bake time:
 * the API error rate (backend only), the ALB 5xx rate and the service's healthy tasks. By name, as the
 * monitoring construct names them (`interactions-<env>-<alarm>`): the alarms watch the service, so a
 * reference would be a dependency cycle.
 */
export function deploymentAlarmNames(envName: Environment, component: Component): string[] {
  const alarms = [
    ...(component === 'backend' ? ['api-error-rate'] : []),
    'alb-5xx-rate',
    `ecs-${component}-healthy-tasks`,
  ];
  return alarms.map((alarm) => `${names.prefix(envName)}-${alarm}`);
}

/**
 * The role ECS assumes to register green's targets and move the listener rules' weights, with the
 * managed policy ECS requires (what aws-cdk-lib's AlternateTarget would create per service; one is
 * shared here so the acknowledgement is made once).
 */
export function blueGreenInfrastructureRole(scope: Construct, id: string, envName: Environment): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    description: `ECS blue/green of ${names.cluster(envName)}: registers targets and moves listener rule weights`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY)],
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY}]`,
    reason:
      'ECS native blue/green requires this AWS managed policy on its infrastructure role for load balancers (aws-cdk-lib attaches the same to the role AlternateTarget creates); AWS maintains it as ECS needs new load balancer actions',
  });
  return role;
}

/**
 * Opens the test listener's port on the ALB's security group to the VPC and nothing else. The ALB is
 * internet-facing, so its DNS name resolves to public addresses even inside the VPC: a VPC Lambda's
 * request leaves through a NAT gateway and arrives from that gateway's Elastic IP, not from the VPC
 * CIDR. Both are admitted: the NAT addresses (this VPC's own egress) and the CIDR (private routes).
 * Returns the admitted CIDRs.
 */
export function openTestListenerToVpc(albSecurityGroup: ec2.ISecurityGroup, vpc: ec2.IVpc, port: number): string[] {
  const natAddresses = vpc.publicSubnets
    .map((subnet) => subnet.node.tryFindChild('EIP'))
    .filter((child): child is ec2.CfnEIP => child instanceof ec2.CfnEIP)
    .map((eip) => `${eip.attrPublicIp}/32`);
  const sources = [
    { cidr: vpc.vpcCidrBlock, description: 'VPC' },
    ...natAddresses.map((cidr, index) => ({ cidr, description: `NAT gateway ${index + 1} (VPC egress)` })),
  ];
  for (const { cidr, description } of sources) {
    albSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(cidr),
      ec2.Port.tcp(port),
      `Blue/green test listener from the ${description}: green on test traffic, never the internet`,
    );
  }
  return sources.map((source) => source.cidr);
}

/**
 * Where the drill's temporary instances live and who may reach them: a DB subnet group over the
 * platform's private data subnets and two security groups created once with the stack, not per
 * execution (nothing to clean up, nothing for IAM to let the workflow create): the instances admit
 * PostgreSQL from the verifier's group only and start no connection; the verifier reaches only them
 * and Secrets Manager (HTTPS, through the NAT gateway).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { POSTGRES_PORT } from '../../infra/constructs/network.js';

/** Props of drillNetwork. */
export interface DrillNetworkProps {
  /** The platform's VPC. */
  readonly vpc: ec2.IVpc;
  /** The private data subnets. */
  readonly dataSubnets: ec2.SubnetSelection;
  /** The state machine's name: names the subnet group (`<name>-data`) and describes the groups. */
  readonly name: string;
}

/** The groups and the subnet group of a drill. */
export interface DrillNetwork {
  readonly verifierSecurityGroup: ec2.SecurityGroup;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly subnetGroup: rds.SubnetGroup;
}

/** Creates the drill's network pieces in `scope` (see the module comment). */
export function drillNetwork(scope: Construct, props: DrillNetworkProps): DrillNetwork {
  const verifierSecurityGroup = new ec2.SecurityGroup(scope, 'VerifierSecurityGroup', {
    vpc: props.vpc,
    description: `${props.name} verifier: to the restored instances and Secrets Manager only`,
    allowAllOutbound: false,
  });
  // CloudFormation refuses an apostrophe in a group description.
  const instanceSecurityGroup = new ec2.SecurityGroup(scope, 'RestoredInstanceSecurityGroup', {
    vpc: props.vpc,
    description: `${props.name} temporary instances: PostgreSQL from the drill verifier only`,
    allowAllOutbound: false,
  });
  instanceSecurityGroup.addIngressRule(
    verifierSecurityGroup,
    ec2.Port.tcp(POSTGRES_PORT),
    'PostgreSQL from the drill verifier',
  );
  verifierSecurityGroup.addEgressRule(
    instanceSecurityGroup,
    ec2.Port.tcp(POSTGRES_PORT),
    'PostgreSQL to the restored instance',
  );
  verifierSecurityGroup.addEgressRule(
    ec2.Peer.anyIpv4(),
    ec2.Port.tcp(443),
    'HTTPS to Secrets Manager (through the NAT gateway)',
  );
  const subnetGroup = new rds.SubnetGroup(scope, 'SubnetGroup', {
    vpc: props.vpc,
    vpcSubnets: props.dataSubnets,
    description: `${props.name} temporary instances: the private data subnets`,
    subnetGroupName: `${props.name}-data`,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { verifierSecurityGroup, instanceSecurityGroup, subnetGroup };
}

/**
 * The recovery test as the automation stack wires it to the platform: the temporary instances'
 * subnet group is the platform's private data subnets, the verifier runs in the app subnets behind
 * the one group the instances admit, and every environment's drill runs on its own monthly schedule.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { SUBNET_GROUPS } from '../../infra/constructs/network.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { FakePlatform } from './support-automation-platform.js';

function build(envName: (typeof ENVIRONMENT_NAMES)[number]) {
  const app = new App();
  const platform = new FakePlatform(app, envName);
  const stack = new AutomationStack(app, `interactions-${envName}-automation`, {
    config: loadConfig(envName),
    platform,
  });
  return { platform, stack, template: Template.fromStack(stack) };
}

/** The platform subnets of a tier, as the automation stack's template references them (exports). */
function subnetRefs(platform: FakePlatform, stack: AutomationStack, tier: string): unknown[] {
  return platform.network.vpc.selectSubnets({ subnetGroupName: tier }).subnetIds.map((id) => stack.resolve(id));
}

describe('recovery test in the automation stack', () => {
  const { platform, stack, template } = build('prod');

  it('places the temporary instances in the private data subnets', () => {
    // Assess
    const groups = Object.values(template.findResources('AWS::RDS::DBSubnetGroup')) as {
      Properties: { SubnetIds: unknown[]; DBSubnetGroupName: string };
    }[];
    expect(groups).toHaveLength(1);
    expect(groups[0]?.Properties.DBSubnetGroupName).toBe('interactions-prod-recovery-test-data');
    expect(groups[0]?.Properties.SubnetIds).toEqual(subnetRefs(platform, stack, SUBNET_GROUPS.data));
  });

  it('runs the verifier in the app subnets (it reaches Secrets Manager through NAT)', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'interactions-prod-verify-restored-data',
      VpcConfig: { SubnetIds: subnetRefs(platform, stack, SUBNET_GROUPS.app), SecurityGroupIds: [Match.anyValue()] },
    });
  });

  it('admits PostgreSQL to the temporary instances from the verifier only, and lets them start nothing', () => {
    // Assess
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')) as {
      Properties: Record<string, unknown>;
    }[];
    const toInstances = ingress.filter((rule) =>
      JSON.stringify(rule.Properties.GroupId).includes('RecoveryTestRestoredInstanceSecurityGroup'),
    );
    expect(toInstances).toHaveLength(1);
    expect(JSON.stringify(toInstances[0]?.Properties.SourceSecurityGroupId)).toContain(
      'RecoveryTestVerifierSecurityGroup',
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('temporary instances: PostgreSQL from the drill'),
      // CDK's marker rule for "no outbound traffic".
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  it('draws the measured RTO and RPO against their objectives on the automation dashboard', () => {
    // Assess
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard);
    expect(body).toContain('## Recovery tests (monthly point-in-time drill)');
    expect(body).toContain('Recovery time (RTO) per drill, seconds');
    expect(body).toMatch(/RecoveryPointSeconds.*interactions-prod-evaluate-recovery-test/);
    // The objective lines: prod's 60-minute RTO and 5-minute RPO, in seconds.
    expect(body).toContain('\\"value\\":3600');
    expect(body).toContain('\\"value\\":300');
  });

  it.each(ENVIRONMENT_NAMES)('%s: runs the drill on its configured monthly schedule', (envName) => {
    // Act
    const built = envName === 'prod' ? template : build(envName).template;

    // Assess
    built.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: loadConfig(envName).drills.pitr.schedule,
      State: 'ENABLED',
    });
    built.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `interactions-${envName}-recovery-test`,
    });
  });
});

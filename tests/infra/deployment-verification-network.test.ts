/**
 * The deployment probes' network access as the automation stack wires it: the probes function runs in
 * the platform VPC with its own security group, out only where the probes go; with blue/green the
 * lifecycle hook's run calls the ALB's test listener through its public DNS name, so that port is open.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addEnvironment } from '../../infra/app.js';
import { ENVIRONMENT_NAMES, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { deploymentVerificationConfig } from '../../infra/stacks/workflow-config.js';
import { DeploymentVerificationWorkflow } from '../../workflows/deployment-verification/construct.js';
import { testApp } from '../support/cdk-app.js';
import { FakePlatform } from './support-automation-platform.js';
import { securityGroupRules } from './support-security-groups.js';

/** Egress of the probes function's security groups, as `tcp <port> to <peer>` strings. */
function probeEgress(envName: EnvironmentName): string[] {
  const app = testApp();
  const platform = new FakePlatform(app, envName);
  const stack = new AutomationStack(app, `interactions-${envName}-automation`, {
    config: loadConfig(envName),
    platform,
  });
  const template = Template.fromStack(stack);
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: `interactions-${envName}-run-deployment-probes` },
  });
  const [probes] = Object.values(functions) as Array<{
    Properties: { VpcConfig: { SecurityGroupIds: Array<{ 'Fn::GetAtt': [string, string] }> } };
  }>;
  if (probes === undefined) throw new Error(`no run-deployment-probes function in ${envName}`);
  const groups = probes.Properties.VpcConfig.SecurityGroupIds.map((ref) => ref['Fn::GetAtt'][0]);
  expect(groups).toHaveLength(1);
  // The VPC's CIDR comes from the platform stack's export: shown as `vpc`.
  return securityGroupRules(template, groups[0] as string).egress.map((rule) =>
    rule.replace(/ to \{"CidrIp":\{"Fn::ImportValue":"FakePlatform:[^"]*Vpc[^"]*CidrBlock[^"]*"\}.*$/, ' to vpc'),
  );
}

const ALWAYS = ['tcp 443 to 0.0.0.0/0', 'tcp 5432 to vpc', 'tcp 6379 to vpc'];
/** staging and prod deploy blue/green with the test listener on 8080; dev rolls. */
const EXPECTED_EGRESS: Record<EnvironmentName, string[]> = {
  dev: ALWAYS,
  staging: [...ALWAYS, 'tcp 8080 to 0.0.0.0/0'].sort(),
  prod: [...ALWAYS, 'tcp 8080 to 0.0.0.0/0'].sort(),
};

describe.each(ENVIRONMENT_NAMES)('run-deployment-probes network in %s', (envName) => {
  test('its own security group lets out only HTTPS, the data ports inside the VPC and, where blue/green, the test listener port', () => {
    // Act
    const egress = probeEgress(envName);

    // Assess
    expect(egress).toEqual(EXPECTED_EGRESS[envName]);
  });
});

describe('DeploymentVerificationWorkflow probe security group', () => {
  function build(testListenerPort: number): DeploymentVerificationWorkflow {
    const stack = new Stack(testApp(), 'Probes');
    return new DeploymentVerificationWorkflow(stack, 'DeploymentVerification', {
      ...deploymentVerificationConfig(loadConfig('staging')),
      envName: 'staging',
      notifyFunction: lambda.Function.fromFunctionName(stack, 'Notify', 'interactions-staging-notify-outcome'),
      functionLogGroup: new logs.LogGroup(stack, 'Tasks'),
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      testListenerPort,
    });
  }

  test('fails naming testListenerPort when it is not a TCP port', () => {
    expect(() => build(0)).toThrow(
      'DeploymentVerificationWorkflow: testListenerPort must be a TCP port in 1-65535 (got 0)',
    );
  });
});

describe('the data tier admits the deployment probes (the whole app, as cdk synth builds it)', () => {
  it.each(ENVIRONMENT_NAMES)('%s: PostgreSQL and Redis ingress from the probes group, by group', (envName) => {
    // Prepare
    const app = testApp();
    const stacks = addEnvironment(app, loadConfig(envName), {});

    // Act
    const ingress = [stacks.platform, stacks.automation].flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress')).map(
        (resource) => (resource as { Properties: { Description?: string; FromPort?: number } }).Properties,
      ),
    );

    // Assess
    expect(
      ingress
        .filter((rule) => rule.Description?.startsWith('Deployment probes to'))
        .map((rule) => [rule.Description, rule.FromPort]),
    ).toEqual([
      ['Deployment probes to PostgreSQL', 5432],
      ['Deployment probes to Redis', 6379],
    ]);
  });
});

/**
 * The full restore test as the automation stack wires it: one DB subnet group shared with the PITR
 * drill, the task and the smoke checks in the app subnets, four dedicated security groups that admit
 * only each other (nothing of the platform admits them), the quarterly schedule of each environment,
 * and a dead-man period of a quarter.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { testApp } from '../support/cdk-app.js';
import { FakePlatform } from './support-automation-platform.js';

function build(envName: (typeof ENVIRONMENT_NAMES)[number]) {
  const app = testApp();
  const platform = new FakePlatform(app, envName);
  const stack = new AutomationStack(app, `interactions-${envName}-automation`, {
    config: loadConfig(envName),
    platform,
  });
  return { stack, template: Template.fromStack(stack) };
}

type Rule = { Properties: Record<string, unknown> };

describe('full restore test in the automation stack', () => {
  const { stack, template } = build('prod');
  const groups = stack.workflows.fullRestoreTest.securityGroups;
  const id = (group: { securityGroupId: string }) => stack.resolve(group.securityGroupId);

  it('restores into the DB subnet group the PITR drill uses, not a second one', () => {
    // Assess
    expect(Object.keys(template.findResources('AWS::RDS::DBSubnetGroup'))).toHaveLength(1);
  });

  it('admits traffic to its groups only from each other: task from the smoke checks, copies from the task', () => {
    // Assess
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress') as Record<string, Rule>);
    const into = (group: { securityGroupId: string }) =>
      ingress
        .filter((rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(id(group)))
        .map((rule) => [rule.Properties.FromPort, rule.Properties.SourceSecurityGroupId]);
    expect(into(groups.task)).toEqual([[5000, id(groups.smokeChecks)]]);
    expect(into(groups.database)).toEqual([[5432, id(groups.task)]]);
    expect(into(groups.cache)).toEqual([[6379, id(groups.task)]]);
    // No ingress rule anywhere names the drill's task group as a source besides its own copies.
    const fromTask = ingress.filter(
      (rule) => JSON.stringify(rule.Properties.SourceSecurityGroupId) === JSON.stringify(id(groups.task)),
    );
    expect(fromTask).toHaveLength(2);
  });

  it('lets the smoke checks reach the task only, and nothing reach out from the copies', () => {
    // Assess
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: id(groups.smokeChecks),
      DestinationSecurityGroupId: id(groups.task),
      FromPort: 5000,
    });
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress') as Record<string, Rule>);
    const outOf = (group: { securityGroupId: string }) =>
      egress.filter((rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(id(group)));
    expect(outOf(groups.smokeChecks)).toHaveLength(1);
    expect(outOf(groups.database)).toHaveLength(0);
    expect(outOf(groups.cache)).toHaveLength(0);
  });

  it('is monitored with a dead-man period of a quarter', () => {
    // Assess
    const deadMan = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          MetricName: 'SecondsSinceLastSuccess',
          Dimensions: Match.arrayWith([{ Name: 'workflow', Value: 'full-restore-test' }]),
        },
      }) as Record<string, Rule>,
    );
    expect(deadMan).toHaveLength(1);
    // The period plus its slack: never before 92 days without a succeeded run.
    expect(deadMan[0]?.Properties.Threshold).toBeGreaterThan(92 * 86400);
  });

  it.each(ENVIRONMENT_NAMES)('runs quarterly in %s per its config', (envName) => {
    // Act
    const built = build(envName);

    // Assess
    built.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: loadConfig(envName).drills.fullRestore.schedule,
      State: 'ENABLED',
    });
  });
});

/**
 * The failover drill's synthesized resources (staging, as the automation stack configures it): the
 * FIS experiment templates (actions, targets, stop condition, logging, report), the FIS role's
 * least privilege, the six-monthly schedule, and cdk-nag with the project's safety rules.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../infra/config/index.js';
import { unacknowledgedFindings } from '../infra/support-nag.js';
import { synthesizeWorkflow } from '../support/testbed/workflows.js';

const { stack, construct } = synthesizeWorkflow('failover-drill', 'staging', {});
const template = Template.fromStack(stack);
const templates = Object.values(template.findResources('AWS::FIS::ExperimentTemplate')) as {
  Properties: Record<string, unknown>;
}[];
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
/** The statements of the policy whose logical id starts with `prefix`. */
function policyStatements(prefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  const found = Object.entries(policies).find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no IAM policy ${prefix}*`);
  return found[1].Properties.PolicyDocument.Statement;
}
const fisRoleStatements = (): Statement[] => policyStatements('FailoverDrillExperimentRole');

describe('failover drill FIS experiment templates', () => {
  it('has one template per AZ of the environment, each powering off the cache in its AZ', () => {
    // Assess
    const azs = loadConfig('staging').network.availabilityZones;
    expect(templates).toHaveLength(azs.length);
    const cacheAzs = templates.map(
      (t) =>
        (t.Properties.Targets as { Cache: { Parameters: { availabilityZoneIdentifier: string } } }).Cache.Parameters
          .availabilityZoneIdentifier,
    );
    expect(cacheAzs.sort()).toEqual([...azs].sort());
  });

  it('fails the database over with reboot-db-instances and forceFailover, targeting the instance by ARN', () => {
    for (const t of templates) {
      expect(t.Properties.Actions).toMatchObject({
        FailOverDatabase: {
          ActionId: 'aws:rds:reboot-db-instances',
          Parameters: { forceFailover: 'true' },
          Targets: { DBInstances: 'Database' },
        },
      });
      const database = (
        t.Properties.Targets as Record<string, { ResourceType: string; ResourceArns: unknown[]; SelectionMode: string }>
      ).Database;
      expect(database?.ResourceType).toBe('aws:rds:db');
      expect(database?.SelectionMode).toBe('ALL');
      expect(JSON.stringify(database?.ResourceArns)).toContain(':db:interactions-staging-postgres');
    }
  });

  it('powers off one cache AZ with replicationgroup-interrupt-az-power, selecting the group by tags only', () => {
    for (const t of templates) {
      expect(t.Properties.Actions).toMatchObject({
        PowerOffCacheAz: {
          ActionId: 'aws:elasticache:replicationgroup-interrupt-az-power',
          Parameters: { duration: 'PT5M' },
          Targets: { ReplicationGroups: 'Cache' },
        },
      });
      const cache = (t.Properties.Targets as Record<string, Record<string, unknown>>).Cache;
      expect(cache).toMatchObject({
        ResourceType: 'aws:elasticache:replicationgroup',
        ResourceTags: { project: 'interactions', environment: 'staging' },
        SelectionMode: 'ALL',
      });
      expect(cache).not.toHaveProperty('ResourceArns');
      expect(cache).not.toHaveProperty('Filters');
      // An empty target fails the experiment: a silently skipped cache failover would pass the drill.
      expect(t.Properties.ExperimentOptions).toEqual({
        AccountTargeting: 'single-account',
        EmptyTargetResolutionMode: 'fail',
      });
    }
  });

  it("stops on one composite alarm of the environment's high-severity alarms, which has no actions of its own", () => {
    // Assess
    const composite = template.findResources('AWS::CloudWatch::CompositeAlarm');
    const [id, alarm] = Object.entries(composite)[0] ?? [];
    expect(Object.keys(composite)).toHaveLength(1);
    const props = (alarm as { Properties: { AlarmName: string; AlarmRule: unknown; ActionsEnabled: boolean } })
      .Properties;
    expect(props.AlarmName).toBe('interactions-staging-failover-drill-stop');
    expect(props.ActionsEnabled).toBe(false);
    const rule = JSON.stringify(props.AlarmRule);
    expect(rule).toContain('interactions-staging-api-error-rate');
    expect(rule).toContain('interactions-staging-alb-5xx');
    for (const t of templates) {
      expect(t.Properties.StopConditions).toEqual([
        { Source: 'aws:cloudwatch:alarm', Value: { 'Fn::GetAtt': [id, 'Arn'] } },
      ]);
    }
  });

  it('logs every experiment to its own log group and files the experiment report in the reports bucket when given one', () => {
    // Assess
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/fis/interactions-staging-failover-drill',
      RetentionInDays: 365,
    });
    for (const t of templates) {
      expect(t.Properties.LogConfiguration).toMatchObject({
        LogSchemaVersion: 2,
        CloudWatchLogsConfiguration: {
          LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^FailoverDrillExperimentLogs/), 'Arn'] },
        },
      });
      // The testbed passes no reports bucket: no report configuration, no dashboard.
      expect(t.Properties.ExperimentReportConfiguration).toBeUndefined();
    }
    expect(construct.experiment.dashboard).toBeUndefined();
  });

  it('gives the FIS role only the two fault actions on the two resources, and read-only or log-delivery actions elsewhere', () => {
    // Assess
    const statements = fisRoleStatements();
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.FailOverTheDatabase?.Action).toEqual(['rds:DescribeDBInstances', 'rds:RebootDBInstance']);
    expect(JSON.stringify(bySid.FailOverTheDatabase?.Resource)).toContain(':db:interactions-staging-postgres');
    expect(bySid.PowerOffOneCacheAz?.Action).toBe('elasticache:InterruptClusterAzPower');
    expect(JSON.stringify(bySid.PowerOffOneCacheAz?.Resource)).toContain(':replicationgroup:interactions-staging');
    const onEverything = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(onEverything.sort()).toEqual(
      [
        'elasticache:DescribeReplicationGroups',
        'logs:CreateLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:PutResourcePolicy',
        'tag:GetResources',
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'interactions-staging-failover-drill-fis',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Principal: { Service: 'fis.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  it('lets the state machine start only these templates', () => {
    // Assess
    const statements = policyStatements('FailoverDrillWorkflowStateMachineRole');
    const start = statements.find((s) => s.Action === 'fis:StartExperiment');
    const resources = JSON.stringify(start?.Resource);
    expect(resources.match(/experiment-template\//g)).toHaveLength(2);
    expect(resources).toContain(':experiment/*');
  });

  it('starts every six months on the configured schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: loadConfig('staging').failoverDrill.schedule,
      State: 'ENABLED',
    });
    expect(loadConfig('staging').failoverDrill.schedule).toBe('cron(0 10 ? 3,9 TUE#2 *)');
  });

  it('has no unacknowledged cdk-nag or safety-rule finding', () => {
    // The testbed's stand-in VPC is the platform's in the real app (with its flow log).
    const findings = unacknowledgedFindings(stack).filter((f) => !f.startsWith(`${stack.stackName}/Vpc/`));
    expect(findings).toEqual([]);
  });
});

describe('failover drill props', () => {
  it('fails when the experiment budget does not exceed the cache interruption', () => {
    expect(() =>
      synthesizeWorkflow('failover-drill', 'staging', { experimentBudget: Duration.minutes(5) }, 'Budget'),
    ).toThrow(/experimentBudget \(5 minutes\) must exceed cacheInterruption \(5 minutes\)/);
  });
});

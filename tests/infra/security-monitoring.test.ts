/**
 * Security monitoring in the platform stack of each environment: one metric filter, alarm and
 * Logs Insights saved query per signal of the seed's "Security Monitoring" table, on the right log,
 * routed to the configured severity; pgaudit in the database's parameter group; cdk-nag clean.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { PlatformStack } from '../../infra/stacks/platform-stack.js';
import { SECURITY_SIGNAL_IDS, SECURITY_SIGNALS } from '../../shared/security-signals.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const stacks = ENVIRONMENT_NAMES.map((envName) => {
  const config = loadConfig(envName);
  const stack = new PlatformStack(testApp(), `interactions-${envName}-platform`, {
    config,
    env: { region: config.region },
  });
  return { envName, config, stack, template: Template.fromStack(stack) };
});

const LOG_GROUPS = {
  backend: (env: string) => `/aws/ecs/interactions-${env}-backend`,
  'vpc-flow-logs': (env: string) => `/aws/vpc/interactions-${env}/flow-logs`,
  postgresql: (env: string) => `/aws/rds/instance/interactions-${env}-postgres/postgresql`,
};

describe.each(stacks)('security monitoring in $envName', ({ envName, config, stack, template }) => {
  it.each(SECURITY_SIGNAL_IDS)('counts %s with a metric filter on its log, in the environment namespace', (id) => {
    const signal = SECURITY_SIGNALS[id];
    const filters = template.findResources('AWS::Logs::MetricFilter', {
      Properties: { FilterPattern: signal.filterPattern },
    });
    const [filter] = Object.values(filters) as { Properties: Record<string, unknown> }[];
    expect(filter?.Properties.MetricTransformations).toEqual([
      {
        MetricNamespace: `Interactions/Security/${envName}`,
        MetricName: signal.metricName,
        MetricValue: signal.metricValue,
        DefaultValue: 0,
      },
    ]);
    const logGroup = JSON.stringify(filter?.Properties.LogGroupName);
    if (signal.source === 'vpc-flow-logs') expect(logGroup).toContain('FlowLogGroup');
    else expect(logGroup).toContain(LOG_GROUPS[signal.source](envName));
  });

  it.each(SECURITY_SIGNAL_IDS)(
    'alarms on %s to its configured severity topic, under the remediation rule prefix',
    (id) => {
      const rule = config.securityMonitoring.signals[id];
      const alarms = template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: `interactions-${envName}-security-${id}` },
      });
      const [alarm] = Object.values(alarms) as { Properties: Record<string, unknown> }[];
      const topics = template.findResources('AWS::SNS::Topic', {
        Properties: { TopicName: `interactions-${envName}-alerts-${rule.severity}` },
      });
      expect(alarm?.Properties.AlarmActions).toEqual([{ Ref: Object.keys(topics)[0] }]);
      if (SECURITY_SIGNALS[id].detection === 'anomaly') {
        expect(alarm?.Properties).toMatchObject({
          ComparisonOperator: 'GreaterThanUpperThreshold',
          Metrics: expect.arrayContaining([
            expect.objectContaining({ Expression: `ANOMALY_DETECTION_BAND(m0, ${rule.threshold})` }),
          ]),
        });
      } else {
        expect(alarm?.Properties).toMatchObject({
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: rule.threshold,
          Period: 300,
          Statistic: 'Sum',
          Namespace: `Interactions/Security/${envName}`,
          TreatMissingData: 'notBreaching',
        });
      }
    },
  );

  it.each(SECURITY_SIGNAL_IDS)('saves a Logs Insights query for %s on its log', (id) => {
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: `interactions-${envName}/security/${id}`,
      QueryString: Match.stringLikeRegexp(SECURITY_SIGNALS[id].query.filter.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
      LogGroupNames: [Match.anyValue()],
    });
  });

  it('loads pgaudit through the parameter group, object auditing through rds_pgaudit, statement parameters left out', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({
        shared_preload_libraries: 'pg_stat_statements,pgaudit',
        'pgaudit.log': 'ddl,role',
        'pgaudit.role': 'rds_pgaudit',
        'pgaudit.log_parameter': '0',
        max_connections: '200',
      }),
    });
  });

  it('publishes the audited tables for the migrations', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/interactions/${envName}/security/audited-tables`,
      Value: config.securityMonitoring.auditedTables.join(','),
    });
  });

  it('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack).filter((f) => f.includes('/SecurityMonitoring/'))).toEqual([]);
  });
});

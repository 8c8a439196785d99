import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { UNREPORTED_FAILURE_PATTERN, WorkflowMonitoring } from '../../infra/constructs/workflow-monitoring.js';
import { workflowSucceededMetric } from '../../shared/metrics-contract.js';
import { testApp } from '../support/cdk-app.js';

function setup() {
  const s = new Stack(testApp(), 'Monitoring');
  const executionLog = new logs.LogGroup(s, 'Log', { logGroupName: '/aws/vendedlogs/states/interactions-dev-x' });
  const stateMachine = new sfn.StateMachine(s, 'M', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, 'P')),
  });
  return { s, stateMachine, executionLog, topic: new sns.Topic(s, 'T') };
}

describe('WorkflowMonitoring', () => {
  describe('failure alarm (one page per incident)', () => {
    const { s, stateMachine, executionLog, topic } = setup();
    new WorkflowMonitoring(s, 'OnDemand', {
      envName: 'dev',
      workflow: 'on-demand-snapshot',
      stateMachine,
      executionLog,
      topic,
    });
    const template = Template.fromStack(s);
    const alarm = () =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0] as {
        Properties: { Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[] };
      };

    it('pages for timed-out, aborted and unreported failed executions only, never for ExecutionsFailed', () => {
      // Act
      const metrics = alarm().Properties.Metrics;

      // Assess
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(
        'FILL(timedOut, 0) + FILL(aborted, 0) + FILL(failedUnreported, 0)',
      );
      expect(
        Object.fromEntries(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat?.Metric.MetricName])),
      ).toEqual({
        timedOut: 'ExecutionsTimedOut',
        aborted: 'ExecutionsAborted',
        failedUnreported: 'UnreportedFailures-interactions-dev-on-demand-snapshot',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'interactions-dev-on-demand-snapshot-executions-failed',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^T') }],
      });
    });

    it('counts unreported failures with a metric filter on the execution log', () => {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp('^Log') },
        FilterName: 'interactions-dev-on-demand-snapshot-unreported-failures',
        FilterPattern:
          '{ ($.type = "ExecutionFailed") && (($.details.cause NOT EXISTS) || ($.details.cause != "Notified: *")) }',
        MetricTransformations: [
          {
            MetricNamespace: 'Interactions/Automation',
            MetricName: 'UnreportedFailures-interactions-dev-on-demand-snapshot',
            MetricValue: '1',
            Unit: 'Count',
          },
        ],
      });
      expect(UNREPORTED_FAILURE_PATTERN.logPatternString).toContain('"Notified: *"');
    });
  });

  it('fits a weekly schedule (7 days is the alarm look-back) only without slack beyond it', () => {
    const { s, stateMachine, executionLog, topic } = setup();
    new WorkflowMonitoring(s, 'Weekly', {
      envName: 'dev',
      workflow: 'snapshot-housekeeping',
      stateMachine,
      executionLog,
      topic,
      schedulePeriod: Duration.days(6),
      slack: Duration.days(1),
    });
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WorkflowSucceeded',
      Period: 3600,
      EvaluationPeriods: 168,
    });
  });

  describe('dead-man switch of a nightly workflow (real runs only)', () => {
    const { s, stateMachine, executionLog, topic } = setup();
    new WorkflowMonitoring(s, 'Nightly', {
      envName: 'prod',
      workflow: 'backup-verification',
      stateMachine,
      executionLog,
      topic,
      schedulePeriod: Duration.days(1),
    });
    const template = Template.fromStack(s);
    const deadMan = () => {
      const alarms = template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'interactions-prod-backup-verification-no-recent-success' },
      });
      expect(Object.keys(alarms)).toHaveLength(1);
      return Object.values(alarms)[0] as {
        Properties: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
      };
    };

    it("watches notify-outcome's WorkflowSucceeded with exactly its dimension set, not ExecutionsSucceeded", () => {
      // Act
      const { Namespace, MetricName, Dimensions } = deadMan().Properties;

      // Assess: the values notify-outcome prints (tests/unit/functions/notify-outcome/handler.test.ts).
      expect({ Namespace, MetricName }).toEqual({
        Namespace: 'Interactions/Automation',
        MetricName: 'WorkflowSucceeded',
      });
      expect(Object.fromEntries(Dimensions.map((d) => [d.Name, d.Value]))).toEqual({
        service: 'interactions-prod-notify-outcome',
        environment: 'prod',
        workflow: 'backup-verification',
      });
    });

    it('is built from the shared metric contract the function publishes with', () => {
      // Prepare
      const contract = workflowSucceededMetric('prod', 'backup-verification');

      // Act
      const { Namespace, MetricName, Dimensions } = deadMan().Properties;

      // Assess
      expect(Namespace).toBe(contract.namespace);
      expect(MetricName).toBe(contract.metricName);
      expect(Object.fromEntries(Dimensions.map((d) => [d.Name, d.Value]))).toEqual(contract.dimensions);
    });

    it('sums successes per hour over the 30-hour window, missing data breaching', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'interactions-prod-backup-verification-no-recent-success',
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 30,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });
  });

  it('fails when a schedule longer than the alarm look-back has no last-success check', () => {
    const { s, stateMachine, executionLog, topic } = setup();
    expect(
      () =>
        new WorkflowMonitoring(s, 'Monthly', {
          envName: 'dev',
          workflow: 'recovery-test',
          stateMachine,
          executionLog,
          topic,
          schedulePeriod: Duration.days(31),
        }),
    ).toThrow(/exceeds the 7-day alarm look-back; pass lastSuccessCheck/);
  });
});

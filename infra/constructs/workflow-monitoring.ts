/**
 * Alarms on one workflow's own health: any execution that ended without its own failure
 * notification, and a dead-man's switch when no execution has succeeded for longer than its schedule.
 *
 * One page per incident: a failed execution that ran its failure path has already notified the
 * severity topic (workflows/common/failure-path.ts), so the executions alarm counts only those that
 * did not: timed out or aborted (the failure path never ran), and failed executions whose cause does
 * not start with NOTIFIED_CAUSE_PREFIX (the notification failed: UnreportedFailure; or an error no
 * Catch can take, such as States.Runtime). Step Functions' ExecutionsFailed cannot tell them apart,
 * so a metric filter counts the ExecutionFailed events of the state machine's log (logging level ALL
 * with execution data: the event carries `details.error` and `details.cause`).
 *
 * CloudWatch limits an alarm's look-back (period x evaluation periods) to 7 days (1 day for periods
 * under an hour). Schedules that fit (nightly: 1 day + slack) get a plain alarm on the real-run
 * success metric, summed per hour over the whole window, with missing data breaching. That metric is
 * `WorkflowSucceeded`, which notify-outcome publishes when a run reports a SUCCEEDED outcome, with
 * exactly the dimension set of shared/metrics-contract.ts; NOT the state machine's
 * ExecutionsSucceeded, because the nightly workflows are started through a hand-over
 * (workflows/common/schedule.ts) whose own success would count: the switch would prove only that the
 * schedule fired, and stay green while every real run hung until its timeout.
 *
 * Longer schedules (monthly, quarterly, half-yearly) cannot: a daily EventBridge rule runs the
 * `check-last-success` function, which publishes SecondsSinceLastSuccess, and the alarm watches that
 * metric instead. It counts every SUCCEEDED execution, so it is only for workflows started without a
 * hand-over (see that function's module comment).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  type MetricDescriptor,
  secondsSinceLastSuccessMetric,
  workflowSucceededMetric,
} from '../../shared/metrics-contract.js';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';
import { NOTIFIED_CAUSE_PREFIX, UNREPORTED_FAILURE } from '../../workflows/common/failure-path.js';

/** Longest look-back of a CloudWatch alarm (period x evaluation periods), from PutMetricAlarm's limits. */
export const MAX_ALARM_LOOKBACK = Duration.days(7);

/** Props of WorkflowMonitoring. */
export interface WorkflowMonitoringProps {
  /** Environment: names the alarms. */
  readonly envName: Environment;
  /** The workflow watched: names the alarms and dimensions the dead-man metric. */
  readonly workflow: WorkflowName;
  /** Its state machine. */
  readonly stateMachine: sfn.IStateMachine;
  /** The state machine's execution log (level ALL, with execution data): unreported failures are counted from it. */
  readonly executionLog: logs.ILogGroup;
  /** Topic the alarms notify (and tell when they recover). */
  readonly topic: sns.ITopic;
  /** How often the workflow is scheduled to succeed. @default no dead-man's switch (on-demand workflows) */
  readonly schedulePeriod?: Duration;
  /** Extra time after a missed schedule before the switch fires. @default a quarter of the period, at least 2 hours */
  readonly slack?: Duration;
  /**
   * The `check-last-success` function; required when period + slack exceeds MAX_ALARM_LOOKBACK.
   * @default none: only schedules of up to 7 days (with slack) are supported
   */
  readonly lastSuccessCheck?: lambda.IFunction;
}

/**
 * Matches the ExecutionFailed events Step Functions logs for executions that failed without their
 * own failure notification (see the module comment).
 */
export const UNREPORTED_FAILURE_PATTERN = logs.FilterPattern.all(
  logs.FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
  // A failure without a cause (or logged without execution data) pages too: never zero pages.
  logs.FilterPattern.any(
    logs.FilterPattern.notExists('$.details.cause'),
    logs.FilterPattern.stringValue('$.details.cause', '!=', `${NOTIFIED_CAUSE_PREFIX}*`),
  ),
);

/** The CloudWatch metric of `descriptor`: the same namespace, name and dimension set the function publishes. */
export function contractMetric(descriptor: MetricDescriptor, props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    ...props,
    namespace: descriptor.namespace,
    metricName: descriptor.metricName,
    dimensionsMap: { ...descriptor.dimensions },
  });
}

/** Failure alarm and dead-man's switch of one workflow (see the module comment). */
export class WorkflowMonitoring extends Construct {
  /** ALARM when an execution ended without its own failure notification in the last 5 minutes. */
  readonly failureAlarm: cloudwatch.Alarm;
  /** ALARM when no real run succeeded within the schedule period plus slack; absent without a schedule. */
  readonly deadManAlarm?: cloudwatch.Alarm;
  /** Executions that failed without their own notification, counted from the execution log. */
  readonly unreportedFailures: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: WorkflowMonitoringProps) {
    super(scope, id);
    const machineName = names.stateMachine(props.envName, props.workflow);
    const action = new actions.SnsAction(props.topic);
    const fiveMinutes = Duration.minutes(5);

    // Metric filters cannot set constant dimensions: the metric name carries the state machine.
    const filter = new logs.MetricFilter(this, 'UnreportedFailuresFilter', {
      logGroup: props.executionLog,
      filterName: `${machineName}-unreported-failures`,
      filterPattern: UNREPORTED_FAILURE_PATTERN,
      metricNamespace: names.metricsNamespace,
      metricName: `UnreportedFailures-${machineName}`,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    });
    this.unreportedFailures = filter.metric({ period: fiveMinutes, statistic: 'Sum' });

    // FILL: each series has data only in periods with such executions; a sum over gaps must still count.
    const unreported = new cloudwatch.MathExpression({
      expression: 'FILL(timedOut, 0) + FILL(aborted, 0) + FILL(failedUnreported, 0)',
      usingMetrics: {
        timedOut: props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
        aborted: props.stateMachine.metricAborted({ period: fiveMinutes, statistic: 'Sum' }),
        failedUnreported: this.unreportedFailures,
      },
      label: 'Executions that ended without their own failure notification',
      period: fiveMinutes,
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'ExecutionsFailedAlarm', {
      alarmName: `${machineName}-executions-failed`,
      alarmDescription: `An execution of ${machineName} ended without notifying its failure: it timed out, was aborted, or its failure notification failed (error ${UNREPORTED_FAILURE}). See its execution history. Failures the workflow notified itself do not trip this alarm: one page per incident.`,
      metric: unreported,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureAlarm.addAlarmAction(action);

    if (props.schedulePeriod === undefined) return;
    const period = props.schedulePeriod;
    const slack = props.slack ?? Duration.seconds(Math.max(period.toSeconds() / 4, Duration.hours(2).toSeconds()));
    const window = period.toSeconds() + slack.toSeconds();
    const description = `No successful run of ${machineName} for ${Math.round(window / 3600)} hours (schedule ${period.toHumanString()} + slack ${slack.toHumanString()})`;

    if (window <= MAX_ALARM_LOOKBACK.toSeconds()) {
      // Hourly periods: periods of an hour or more may look back 7 days, and the window is hit to the hour.
      const hours = Math.ceil(window / 3600);
      this.deadManAlarm = new cloudwatch.Alarm(this, 'DeadManAlarm', {
        alarmName: `${machineName}-no-recent-success`,
        alarmDescription: description,
        // A real run's reported success; a hand-over's own success never counts (see the module comment).
        metric: contractMetric(workflowSucceededMetric(props.envName, props.workflow), {
          period: Duration.hours(1),
          statistic: 'Sum',
        }),
        threshold: 1,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data in an hour means no success in it.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    } else {
      if (props.lastSuccessCheck === undefined) {
        throw new Error(
          `WorkflowMonitoring ${props.workflow}: schedulePeriod + slack (${Math.round(window / 86400)} days) exceeds the 7-day alarm look-back; pass lastSuccessCheck`,
        );
      }
      const rule = new events.Rule(this, 'DailyLastSuccessCheck', {
        ruleName: `${machineName}-last-success-check`,
        description: `Daily dead-man check of ${machineName}`,
        schedule: events.Schedule.rate(Duration.days(1)),
        targets: [
          new targets.LambdaFunction(props.lastSuccessCheck, {
            event: events.RuleTargetInput.fromObject({
              workflow: props.workflow,
              stateMachineArn: props.stateMachine.stateMachineArn,
            }),
            retryAttempts: 2,
          }),
        ],
      });
      Validations.of(rule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason: 'A lost daily check publishes no metric, and the dead-man alarm treats missing data as breaching',
      });
      this.deadManAlarm = new cloudwatch.Alarm(this, 'DeadManAlarm', {
        alarmName: `${machineName}-no-recent-success`,
        alarmDescription: description,
        metric: contractMetric(secondsSinceLastSuccessMetric(props.envName, props.workflow), {
          statistic: 'Maximum',
          period: Duration.days(1),
        }),
        threshold: window,
        evaluationPeriods: 2,
        datapointsToAlarm: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // The check itself not reporting for two days is as bad as an overdue workflow.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
    this.deadManAlarm.addAlarmAction(action);
    this.deadManAlarm.addOkAction(action);
  }
}

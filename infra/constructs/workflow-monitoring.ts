/**
 * Alarms on one workflow's own health: any failed, timed-out or aborted execution, and a dead-man's
 * switch when no execution has succeeded for longer than its schedule.
 *
 * CloudWatch limits an alarm's look-back (period x evaluation periods) to 7 days (1 day for periods
 * under an hour). Schedules that fit (nightly: 1 day + slack) get a plain alarm on the state
 * machine's ExecutionsSucceeded, summed per hour over the whole window, with missing data breaching. Longer schedules
 * (monthly, quarterly, half-yearly) cannot: a daily EventBridge rule runs the `check-last-success`
 * function, which publishes SecondsSinceLastSuccess, and the alarm watches that metric instead.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';

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

/** Failure alarm and dead-man's switch of one workflow (see the module comment). */
export class WorkflowMonitoring extends Construct {
  /** ALARM when an execution failed, timed out or was aborted in the last 5 minutes. */
  readonly failureAlarm: cloudwatch.Alarm;
  /** ALARM when no success within the schedule period plus slack; absent without a schedule. */
  readonly deadManAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkflowMonitoringProps) {
    super(scope, id);
    const machineName = names.stateMachine(props.envName, props.workflow);
    const action = new actions.SnsAction(props.topic);
    const fiveMinutes = Duration.minutes(5);

    const failures = new cloudwatch.MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: props.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
        timedOut: props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
        aborted: props.stateMachine.metricAborted({ period: fiveMinutes, statistic: 'Sum' }),
      },
      label: 'Failed, timed out or aborted executions',
      period: fiveMinutes,
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'ExecutionsFailedAlarm', {
      alarmName: `${machineName}-executions-failed`,
      alarmDescription: `An execution of ${machineName} failed, timed out or was aborted: see its report and execution history`,
      metric: failures,
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
    const description = `No successful execution of ${machineName} for ${Math.round(window / 3600)} hours (schedule ${period.toHumanString()} + slack ${slack.toHumanString()})`;

    if (window <= MAX_ALARM_LOOKBACK.toSeconds()) {
      // Hourly periods: periods of an hour or more may look back 7 days, and the window is hit to the hour.
      const hours = Math.ceil(window / 3600);
      this.deadManAlarm = new cloudwatch.Alarm(this, 'DeadManAlarm', {
        alarmName: `${machineName}-no-recent-success`,
        alarmDescription: description,
        metric: props.stateMachine.metricSucceeded({ period: Duration.hours(1), statistic: 'Sum' }),
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
        metric: new cloudwatch.Metric({
          namespace: names.metricsNamespace,
          metricName: 'SecondsSinceLastSuccess',
          dimensionsMap: {
            service: props.lastSuccessCheck.functionName,
            environment: props.envName,
            workflow: props.workflow,
          },
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

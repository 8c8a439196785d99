/**
 * The `interactions-<env>-automation` dashboard, built only from metrics the automation already
 * publishes: the nightly backup checks (automated backup age against the max-age line, restore lag
 * against its threshold, manual snapshots against the quota and its warn line), then one row per
 * workflow (its executions' outcomes, the outcomes it reported itself, execution duration and, for a
 * long-schedule workflow, the time since it last succeeded) and, where the failover drill runs, its
 * downtime per dependency (`addFailoverDowntime`). Later workflow families add their rows
 * through `addWorkflow` (via AutomationStack.addWorkflowMonitoring) and `addSection`: one construct.
 *
 * Every custom metric comes from a descriptor of shared/metrics-contract.ts, the same one the
 * publishing side uses: CloudWatch matches namespace, name and the exact dimension set, so a graph
 * with one dimension more or less shows an empty series that looks like "no problem".
 *
 * Built with aws-cdk-lib's aws-cloudwatch rather than cdk-monitoring-constructs: this change adds no
 * dependency (the project's node_modules is shared and pinned), and that library pins aws-cdk-lib
 * peer ranges and brings its own alarm conventions, which would overlap WorkflowMonitoring's alarms
 * (one page per incident). Worth revisiting when the dashboards grow beyond a few rows per family.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  type BackupCheckMetricName,
  backupCheckMetric,
  failoverDowntimeMetric,
  secondsSinceLastSuccessMetric,
  workflowOutcomeMetric,
} from '../../shared/metrics-contract.js';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';
import { DEPENDENCIES } from '../../workflows/failover-drill/contract.js';
import { contractMetric, type WorkflowMonitoring } from './workflow-monitoring.js';

/** Columns of a CloudWatch dashboard row. */
export const DASHBOARD_COLUMNS = 24;
const WIDTH = 8;
const HEIGHT = 6;
const DAY = Duration.days(1);

/** The backup policy lines drawn on the backups row (config.automation). */
export interface BackupThresholds {
  /** Hours after which the newest automated backup is too old. */
  readonly backupMaxAgeHours: number;
  /** Minutes LatestRestorableTime may lag before the restore window is broken. */
  readonly restoreLagThresholdMinutes: number;
  /** Manual DB snapshots allowed in the region. */
  readonly manualSnapshotQuota: number;
  /** Fraction of the quota at which the check warns. */
  readonly manualSnapshotWarnFraction: number;
}

/** Props of AutomationDashboard. */
export interface AutomationDashboardProps {
  /** Environment shown: names the dashboard and every metric's dimensions. */
  readonly envName: Environment;
  /** The lines of the backups row. */
  readonly thresholds: BackupThresholds;
}

/** Dashboard `interactions-<env>-automation` (see the module comment). */
export class AutomationDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;
  private readonly envName: Environment;

  constructor(scope: Construct, id: string, props: AutomationDashboardProps) {
    super(scope, id);
    this.envName = props.envName;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: names.stack(props.envName, 'automation'),
      defaultInterval: Duration.days(14),
    });
    const t = props.thresholds;
    this.addSection('Backups (nightly backup verification)', [
      this.backupGraph('Automated backup age (hours)', 'BackupAgeHours', [
        { value: t.backupMaxAgeHours, label: `Max age ${t.backupMaxAgeHours} h`, color: cloudwatch.Color.RED },
      ]),
      this.backupGraph('Restore window lag (minutes)', 'RestoreLagMinutes', [
        {
          value: t.restoreLagThresholdMinutes,
          label: `Threshold ${t.restoreLagThresholdMinutes} min`,
          color: cloudwatch.Color.RED,
        },
      ]),
      this.backupGraph('Manual DB snapshots', 'ManualSnapshotCount', [
        { value: t.manualSnapshotQuota, label: `Quota ${t.manualSnapshotQuota}`, color: cloudwatch.Color.RED },
        {
          value: Math.floor(t.manualSnapshotQuota * t.manualSnapshotWarnFraction),
          label: `Warn at ${Math.round(t.manualSnapshotWarnFraction * 100)}%`,
          color: cloudwatch.Color.ORANGE,
        },
      ]),
    ]);
  }

  /** Adds a titled row of widgets; later workflow families add their rows through this. */
  addSection(title: string, widgets: readonly cloudwatch.IWidget[]): void {
    if (widgets.length === 0) throw new Error(`AutomationDashboard section "${title}": no widgets`);
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `## ${title}`, width: DASHBOARD_COLUMNS, height: 1 }),
    );
    this.dashboard.addWidgets(...widgets);
  }

  /**
   * Adds the failover drill's section: the user-visible downtime per dependency (database, cache,
   * application) that failover-report publishes once per drill. The drill runs every six months, so
   * the graph looks back over 400 days whatever the dashboard's range: the last two drills stay in view.
   */
  addFailoverDowntime(): void {
    this.addSection('Failover drill (six-monthly Multi-AZ failover)', [
      new cloudwatch.GraphWidget({
        title: 'Failover drill: user-visible downtime per dependency (seconds)',
        width: DASHBOARD_COLUMNS,
        height: HEIGHT,
        start: '-P400D',
        left: DEPENDENCIES.map((dependency) =>
          contractMetric(failoverDowntimeMetric(this.envName, dependency), {
            period: DAY,
            statistic: 'Maximum',
            label: dependency,
          }),
        ),
        leftYAxis: { min: 0 },
      }),
    ]);
  }

  /**
   * Adds the row of one workflow: outcomes (the state machine's and the ones it reported through
   * notify-outcome), execution duration, and the time since its last success when `monitoring`
   * watches the long-schedule SecondsSinceLastSuccess metric.
   */
  addWorkflow(workflow: WorkflowName, stateMachine: sfn.IStateMachine, monitoring?: WorkflowMonitoring): void {
    const daily = { period: DAY, statistic: 'Sum' };
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({
        title: `${workflow}: executions per day`,
        width: WIDTH,
        height: HEIGHT,
        left: [
          stateMachine.metricSucceeded({ ...daily, label: 'Succeeded', color: cloudwatch.Color.GREEN }),
          stateMachine.metricFailed({ ...daily, label: 'Failed', color: cloudwatch.Color.RED }),
          stateMachine.metricTimedOut({ ...daily, label: 'Timed out', color: cloudwatch.Color.ORANGE }),
          stateMachine.metricAborted({ ...daily, label: 'Aborted', color: cloudwatch.Color.PURPLE }),
        ],
        // What the workflow itself reported: a hand-over's own success never counts here.
        right: [
          contractMetric(workflowOutcomeMetric(this.envName, workflow, 'SUCCEEDED'), {
            ...daily,
            label: 'Reported succeeded',
          }),
          contractMetric(workflowOutcomeMetric(this.envName, workflow, 'FAILED'), {
            ...daily,
            label: 'Reported failed',
          }),
        ],
        leftYAxis: { min: 0, label: 'Executions' },
        rightYAxis: { min: 0, label: 'Reported' },
      }),
      new cloudwatch.GraphWidget({
        title: `${workflow}: execution duration (ms)`,
        width: WIDTH,
        height: HEIGHT,
        left: ['p50', 'p90', 'Maximum'].map((statistic) =>
          stateMachine.metricTime({ period: DAY, statistic, label: statistic === 'Maximum' ? 'max' : statistic }),
        ),
        leftYAxis: { min: 0 },
      }),
    ];
    if (monitoring !== undefined && watchesSecondsSinceLastSuccess(monitoring)) {
      const threshold = monitoring.deadManAlarm?.toAnnotation();
      widgets.push(
        new cloudwatch.GraphWidget({
          title: `${workflow}: seconds since last success`,
          width: WIDTH,
          height: HEIGHT,
          left: [
            contractMetric(secondsSinceLastSuccessMetric(this.envName, workflow), {
              period: DAY,
              statistic: 'Maximum',
            }),
          ],
          leftAnnotations: threshold === undefined ? undefined : [threshold],
          leftYAxis: { min: 0 },
        }),
      );
    }
    this.addSection(`Workflow ${workflow}`, widgets);
  }

  private backupGraph(
    title: string,
    metricName: BackupCheckMetricName,
    lines: cloudwatch.HorizontalAnnotation[],
  ): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title,
      width: WIDTH,
      height: HEIGHT,
      left: [
        contractMetric(backupCheckMetric(this.envName, metricName), {
          period: DAY,
          statistic: 'Maximum',
          label: metricName,
        }),
      ],
      leftAnnotations: lines,
      leftYAxis: { min: 0 },
    });
  }
}

/** Whether the workflow's dead-man alarm watches SecondsSinceLastSuccess (schedules beyond the 7-day look-back). */
function watchesSecondsSinceLastSuccess(monitoring: WorkflowMonitoring): boolean {
  const metric = monitoring.deadManAlarm?.metric;
  return metric instanceof cloudwatch.Metric && metric.metricName === 'SecondsSinceLastSuccess';
}

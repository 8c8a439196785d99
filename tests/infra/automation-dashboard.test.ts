import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { WorkflowMonitoring } from '../../infra/constructs/workflow-monitoring.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { type DashboardWidget, dashboardWidgets } from '../../scripts/render-dashboard.js';
import {
  backupCheckMetric,
  failoverDowntimeMetric,
  type MetricDescriptor,
  secondsSinceLastSuccessMetric,
  workflowOutcomeMetric,
} from '../../shared/metrics-contract.js';
import type { WorkflowName } from '../../shared/naming.js';
import { testApp } from '../support/cdk-app.js';
import { FakePlatform } from './support-automation-platform.js';
import { unacknowledgedFindings } from './support-nag.js';

/** A drawn series as CloudWatch identifies it: namespace, name and the dimension set (order-free). */
interface Series {
  readonly namespace: unknown;
  readonly metricName: unknown;
  readonly dimensions: Record<string, unknown>;
}

/** Reads a dashboard metric array `[namespace, name, dim, value, ..., {options}?]`. */
function series(metric: unknown[]): Series {
  const [namespace, metricName, ...rest] = metric.filter((part) => typeof part !== 'object');
  const dimensions: Record<string, unknown> = {};
  for (let i = 0; i < rest.length; i += 2) dimensions[String(rest[i])] = rest[i + 1];
  return { namespace, metricName, dimensions };
}

function expected(descriptor: MetricDescriptor): Series {
  return {
    namespace: descriptor.namespace,
    metricName: descriptor.metricName,
    dimensions: { ...descriptor.dimensions },
  };
}

const stateMachineSeries = (metricName: string): Series => ({
  namespace: 'AWS/States',
  metricName,
  dimensions: { StateMachineArn: '<token>' },
});

const built = new Map<EnvironmentName, { stack: AutomationStack; template: Template; widgets: DashboardWidget[] }>();
function automation(envName: EnvironmentName) {
  const existing = built.get(envName);
  if (existing) return existing;
  const app = testApp();
  const stack = new AutomationStack(app, `interactions-${envName}-automation`, {
    config: loadConfig(envName),
    platform: new FakePlatform(app, envName),
  });
  const template = Template.fromStack(stack);
  const widgets = dashboardWidgets(template, `interactions-${envName}-automation`);
  const result = { stack, template, widgets };
  built.set(envName, result);
  return result;
}

const byTitle = (widgets: DashboardWidget[], title: string): DashboardWidget => {
  const widget = widgets.find((w) => w.properties.title === title);
  if (widget === undefined) throw new Error(`no widget "${title}" in ${widgets.map((w) => w.properties.title)}`);
  return widget;
};

describe.each<EnvironmentName>(['dev', 'staging', 'prod'])('automation dashboard (%s)', (envName) => {
  const config = loadConfig(envName);

  it('is named interactions-<env>-automation and lays out in the 24-column grid', () => {
    // Act
    const { template, widgets } = automation(envName);

    // Assess
    // One automation dashboard (the failover drill adds its own, for its FIS experiment report).
    const named = template.findResources('AWS::CloudWatch::Dashboard', {
      Properties: { DashboardName: `interactions-${envName}-automation` },
    });
    expect(Object.keys(named)).toHaveLength(1);
    expect(widgets.length).toBeGreaterThan(0);
    for (const widget of widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
  });

  it.each([
    ['Automated backup age (hours)', 'BackupAgeHours', [config.automation.backupMaxAgeHours]],
    ['Restore window lag (minutes)', 'RestoreLagMinutes', [config.automation.restoreLagThresholdMinutes]],
    [
      'Manual DB snapshots',
      'ManualSnapshotCount',
      [
        config.automation.manualSnapshotQuota,
        Math.floor(config.automation.manualSnapshotQuota * config.automation.manualSnapshotWarnFraction),
      ],
    ],
  ] as const)('draws %s from the exact series check-backups publishes, with its config lines', (title, name, lines) => {
    // Act
    const widget = byTitle(automation(envName).widgets, title);

    // Assess
    expect(widget.properties.metrics?.map(series)).toEqual([expected(backupCheckMetric(envName, name))]);
    expect(widget.properties.annotations?.horizontal?.map((a) => a.value)).toEqual(lines);
  });

  it('draws the backup age against the 26 h line and the snapshots against a quota of 100', () => {
    // Act
    const { widgets } = automation(envName);

    // Assess
    expect(byTitle(widgets, 'Automated backup age (hours)').properties.annotations?.horizontal?.[0]?.value).toBe(26);
    expect(byTitle(widgets, 'Manual DB snapshots').properties.annotations?.horizontal?.map((a) => a.value)).toEqual([
      100, 80,
    ]);
  });

  it.each<WorkflowName>([
    'on-demand-snapshot',
    'cache-snapshot',
    'backup-verification',
    'snapshot-housekeeping',
    'drill-leftover-sweep',
    'alarm-remediation',
    'deployment-verification',
    'recovery-test',
  ])('has a row for %s: its executions, reported outcomes and duration', (workflow) => {
    // Act
    const { widgets } = automation(envName);

    // Assess
    const outcomes = byTitle(widgets, `${workflow}: executions per day`);
    expect((outcomes.properties.metrics ?? []).map(series)).toEqual([
      stateMachineSeries('ExecutionsSucceeded'),
      stateMachineSeries('ExecutionsFailed'),
      stateMachineSeries('ExecutionsTimedOut'),
      stateMachineSeries('ExecutionsAborted'),
      expected(workflowOutcomeMetric(envName, workflow, 'SUCCEEDED')),
      expected(workflowOutcomeMetric(envName, workflow, 'FAILED')),
    ]);
    const duration = byTitle(widgets, `${workflow}: execution duration (ms)`);
    const stats = (duration.properties.metrics ?? []).map((m) => (m.at(-1) as { stat?: string }).stat);
    expect(stats).toEqual(['p50', 'p90', 'Maximum']);
  });

  it('has exactly one workflow row per monitored workflow', () => {
    // Act
    const { stack, widgets } = automation(envName);

    // Assess
    const rows = widgets.filter((w) => w.properties.markdown?.startsWith('## Workflow '));
    const monitored = stack.node.findAll().filter((construct) => construct instanceof WorkflowMonitoring);
    expect(monitored.length).toBeGreaterThanOrEqual(4);
    expect(rows).toHaveLength(monitored.length);
    expect(new Set(rows.map((row) => row.properties.markdown)).size).toBe(rows.length);
  });
});

describe('AutomationDashboard', () => {
  it('adds a section with a title row and its widgets, and refuses an empty one', () => {
    // Prepare
    const app = testApp();
    const stack = new AutomationStack(app, 'interactions-dev-automation', {
      config: loadConfig('dev'),
      platform: new FakePlatform(app, 'dev'),
    });

    // Act
    stack.dashboard.addSection('Recovery tests', [new cloudwatch.TextWidget({ markdown: 'RTO trend', width: 8 })]);

    // Assess
    const widgets = dashboardWidgets(Template.fromStack(stack), 'interactions-dev-automation');
    expect(widgets.slice(-2).map((w) => w.properties.markdown)).toEqual(['## Recovery tests', 'RTO trend']);
    expect(() => stack.dashboard.addSection('Empty', [])).toThrow('AutomationDashboard section "Empty": no widgets');
  });

  it('draws the time since the last success of a workflow watched through check-last-success', () => {
    // Act: the monthly recovery test is the stack's own workflow watched that way.
    const { widgets } = automation('prod');

    // Assess
    const since = byTitle(widgets, 'recovery-test: seconds since last success');
    expect(since.properties.metrics?.map(series)).toEqual([
      expected(secondsSinceLastSuccessMetric('prod', 'recovery-test')),
    ]);
    expect(since.properties.annotations?.horizontal?.[0]?.value).toBeGreaterThan(31 * 86400);
    // One such widget per workflow scheduled less often than weekly (recovery test, full restore), none else.
    expect(
      widgets.filter((w) => w.properties.title?.endsWith('since last success')).map((w) => w.properties.title),
    ).toEqual(['recovery-test: seconds since last success', 'full-restore-test: seconds since last success']);
  });

  it('draws the failover drill’s downtime per dependency where the drill runs, from the series failover-report publishes', () => {
    // Act: staging enables the failover drill, prod does not.
    const staging = automation('staging').widgets;
    const prod = automation('prod').widgets;

    // Assess
    const title = 'Failover drill: user-visible downtime per dependency (seconds)';
    const downtime = byTitle(staging, title);
    expect(downtime.properties.metrics?.map(series)).toEqual(
      ['database', 'cache', 'application'].map((dependency) => expected(failoverDowntimeMetric('staging', dependency))),
    );
    expect(staging.some((w) => w.properties.markdown === '## Failover drill (six-monthly Multi-AZ failover)')).toBe(
      true,
    );
    expect(prod.some((w) => w.properties.title === title)).toBe(false);
  });

  it('keeps the automation stack free of cdk-nag findings', () => {
    // Act
    const { stack } = automation('prod');

    // Assess
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

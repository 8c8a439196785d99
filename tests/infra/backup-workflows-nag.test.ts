/**
 * cdk-nag (AwsSolutions + Serverless) over the snapshot workflows, and the IAM rules that keep
 * them from touching what they did not create.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CacheSnapshotWorkflow } from '../../workflows/cache-snapshot/construct.js';
import { OnDemandSnapshotWorkflow } from '../../workflows/on-demand-snapshot/construct.js';
import { unacknowledgedFindings } from './support-nag.js';

const app = new App();
const stack = new Stack(app, 'interactions-prod-automation', { env: { account: '123456789012', region: 'us-east-1' } });
const tasksLog = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: '/aws/lambda/interactions-prod-tasks' });
const notify = lambda.Function.fromFunctionArn(
  stack,
  'Notify',
  'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome',
);
const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
  instanceIdentifier: 'interactions-prod-postgres',
  instanceEndpointAddress: 'db.example.internal',
  port: 5432,
  securityGroups: [],
});
new OnDemandSnapshotWorkflow(stack, 'OnDemandSnapshot', {
  envName: 'prod',
  database,
  notifyFunction: notify,
  functionLogGroup: tasksLog,
});
new CacheSnapshotWorkflow(stack, 'CacheSnapshot', {
  envName: 'prod',
  notifyFunction: notify,
  functionLogGroup: tasksLog,
});
const findings = unacknowledgedFindings(stack);
const template = Template.fromStack(stack);

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string>> };
function statements(): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => a.toLowerCase());

describe('snapshot workflows: cdk-nag', () => {
  it('has no unacknowledged AwsSolutions or Serverless findings', () => {
    expect(findings).toEqual([]);
  });
});

describe('snapshot workflows: IAM', () => {
  it('deletes RDS snapshots only when they carry the automation tags of this environment', () => {
    const deletes = statements().filter((s) => actions(s).includes('rds:deletedbsnapshot'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Condition).toEqual({
      StringEquals: {
        'rds:snapshot-tag/interactions:managed-by': 'interactions-automation',
        'rds:snapshot-tag/interactions:environment': 'prod',
      },
      Null: { 'rds:snapshot-tag/interactions:execution': 'false' },
    });
  });

  it('deletes cache snapshots only when they carry the automation tags of this environment', () => {
    const deletes = statements().filter((s) => actions(s).includes('elasticache:deletesnapshot'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Condition).toEqual({
      StringEquals: {
        'aws:ResourceTag/interactions:managed-by': 'interactions-automation',
        'aws:ResourceTag/interactions:environment': 'prod',
      },
      Null: { 'aws:ResourceTag/interactions:execution': 'false' },
    });
  });

  it('creates snapshots only with the managed-by and environment request tags', () => {
    const onSnapshots = statements().filter(
      (s) =>
        (actions(s).includes('rds:createdbsnapshot') || actions(s).includes('elasticache:createsnapshot')) &&
        JSON.stringify(s.Resource).includes(':snapshot:'),
    );
    expect(onSnapshots).toHaveLength(2);
    for (const s of onSnapshots) {
      expect(s.Condition).toEqual({
        StringEquals: {
          'aws:RequestTag/interactions:managed-by': 'interactions-automation',
          'aws:RequestTag/interactions:environment': 'prod',
        },
      });
    }
  });

  it('grants no mutating action on "*"', () => {
    // Read-only calls, X-Ray and the log-delivery configuration Step Functions logging needs: none changes a resource.
    const allowed =
      /^(rds:describe|xray:|logs:(create|get|update|delete|describe)logdelivery|logs:listlogdeliveries|logs:(put|describe)resourcepolic|logs:describeloggroups)/;
    const onStar = statements()
      .filter((s) => s.Resource === '*')
      .flatMap(actions);
    expect(onStar.length).toBeGreaterThan(0);
    expect(onStar.filter((a) => !allowed.test(a))).toEqual([]);
  });

  it('shares one validate and one guarded-delete function between the two workflows', () => {
    const fnNames = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (r) => (r as { Properties: { FunctionName: string } }).Properties.FunctionName,
    );
    expect(fnNames.sort()).toEqual([
      'interactions-prod-guarded-delete-snapshot',
      'interactions-prod-validate-snapshot-request',
      'interactions-prod-verify-cache-snapshot',
      'interactions-prod-verify-db-snapshot',
    ]);
  });

  it('names both state machines after the environment, with tracing and logging ALL', () => {
    for (const name of ['interactions-prod-on-demand-snapshot', 'interactions-prod-cache-snapshot']) {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: name,
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      });
    }
  });
});

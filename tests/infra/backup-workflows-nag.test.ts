/**
 * cdk-nag (AwsSolutions + Serverless) over the snapshot workflows, and the IAM rules that keep
 * them from touching what they did not create.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CacheSnapshotWorkflow } from '../../workflows/cache-snapshot/construct.js';
import { OnDemandSnapshotWorkflow } from '../../workflows/on-demand-snapshot/construct.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const app = testApp();
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

type Statement = {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
};
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
  it.each([
    ['RDS', 'rds:deletedbsnapshot', 'rds:snapshot-tag'],
    ['cache', 'elasticache:deletesnapshot', 'aws:ResourceTag'],
  ])('deletes %s snapshots only when they carry the automation tags of this environment', (_service, action, key) => {
    const deletes = statements().filter((s) => actions(s).includes(action));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.Condition).toEqual({
      StringEquals: {
        [`${key}/interactions:managed-by`]: 'interactions-automation',
        [`${key}/interactions:environment`]: 'prod',
      },
      Null: { [`${key}/interactions:execution`]: 'false' },
    });
  });

  it('creates and tags snapshots only with the automation tags of this environment, and no other tag keys', () => {
    const onSnapshots = statements().filter(
      (s) =>
        s.Effect === 'Allow' &&
        (actions(s).includes('rds:createdbsnapshot') || actions(s).includes('elasticache:createsnapshot')) &&
        JSON.stringify(s.Resource).includes(':snapshot:'),
    );
    expect(onSnapshots.map((s) => actions(s).sort())).toEqual([
      ['rds:addtagstoresource', 'rds:createdbsnapshot'],
      ['elasticache:addtagstoresource', 'elasticache:createsnapshot'],
    ]);
    for (const s of onSnapshots) {
      expect(s.Condition).toEqual({
        StringEquals: {
          'aws:RequestTag/interactions:managed-by': 'interactions-automation',
          'aws:RequestTag/interactions:environment': 'prod',
        },
        'ForAllValues:StringEquals': {
          'aws:TagKeys': [
            'interactions:managed-by',
            'interactions:execution',
            'interactions:expires-at',
            'interactions:environment',
            'interactions:requested-by',
          ],
        },
        Null: {
          'aws:RequestTag/interactions:execution': 'false',
          'aws:RequestTag/interactions:expires-at': 'false',
        },
      });
    }
  });

  it.each([
    ['rds:addtagstoresource', 'rds:snapshot-tag/interactions:managed-by'],
    ['elasticache:addtagstoresource', 'aws:ResourceTag/interactions:managed-by'],
  ])('never adds tags (%s) to a snapshot that already carries the automation tags', (action, resourceTag) => {
    // Allowed only together with the create, on the same snapshots the Deny covers.
    const allows = statements().filter((s) => s.Effect === 'Allow' && actions(s).includes(action));
    const denies = statements().filter((s) => s.Effect === 'Deny' && actions(s).includes(action));
    expect(allows).toHaveLength(1);
    expect(actions(allows[0] as Statement)).toHaveLength(2);
    expect(denies).toHaveLength(1);
    expect(denies[0]?.Resource).toEqual(allows[0]?.Resource);
    expect(denies[0]?.Condition).toEqual({ Null: { [resourceTag]: 'false' } });
    expect(actions(denies[0] as Statement)).toEqual([action]);
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

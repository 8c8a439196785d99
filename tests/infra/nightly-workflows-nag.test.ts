/**
 * cdk-nag (AwsSolutions + Serverless) over the nightly workflows in every environment: zero
 * unacknowledged findings, and the mutating statements scoped to ARNs and tag conditions.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadConfig } from '../../infra/config/index.js';
import { ENVIRONMENT_NAMES } from '../../infra/config/types.js';
import { MANAGED_BY } from '../../shared/tags.js';
import { BackupVerificationWorkflow } from '../../workflows/backup-verification/construct.js';
import { SnapshotHousekeepingWorkflow } from '../../workflows/snapshot-housekeeping/construct.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

type Statement = { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: unknown; Condition?: unknown };

const stacks = ENVIRONMENT_NAMES.map((envName) => {
  const config = loadConfig(envName);
  const app = testApp();
  const stack = new Stack(app, `interactions-${envName}-automation`, { env: { region: 'us-east-1' } });
  const tasksLog = new logs.LogGroup(stack, 'TasksLogs', {
    logGroupName: `/aws/lambda/interactions-${envName}-tasks`,
    retention: logs.RetentionDays.ONE_MONTH,
  });
  const notify = lambda.Function.fromFunctionArn(
    stack,
    'Notify',
    `arn:aws:lambda:us-east-1:123456789012:function:interactions-${envName}-notify-outcome`,
  );
  new BackupVerificationWorkflow(stack, 'BackupVerification', {
    envName,
    scheduleExpression: config.automation.nightlySchedule,
    backupRetentionDays: config.database.backupRetentionDays,
    checkCacheSnapshot: config.automation.cacheSnapshotNightly,
    notifyFunction: notify,
    functionLogGroup: tasksLog,
  });
  new SnapshotHousekeepingWorkflow(stack, 'SnapshotHousekeeping', {
    envName,
    scheduleExpression: config.automation.housekeepingSchedule,
    retentionDays: config.automation.manualSnapshotRetentionDays,
    drRegion: config.automation.drRegion || undefined,
    failureSeverity: config.automation.failureSeverity,
    notifyFunction: notify,
    functionLogGroup: tasksLog,
    // A concrete machine (as the lead wires it), so the nested-execution grant renders as in the real stack.
    cacheSnapshotStateMachine: config.automation.cacheSnapshotNightly
      ? new sfn.StateMachine(stack, 'CacheSnapshot', {
          stateMachineName: `interactions-${envName}-cache-snapshot`,
          definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Stand-in')),
        })
      : undefined,
  });
  return { envName, stack, template: Template.fromStack(stack) };
});

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe.each(stacks)('nightly workflows in $envName', ({ envName, stack, template }) => {
  it('have no unacknowledged cdk-nag findings', () => {
    // The stand-in cache snapshot machine is not ours: only findings of the nightly workflows count.
    const ours = unacknowledgedFindings(stack).filter((f) => /\/(BackupVerification|SnapshotHousekeeping)\//.test(f));
    expect(ours).toEqual([]);
  });

  it('grant no mutating action on "*", delete snapshots only with the managed-by and environment tag conditions, CreateGrant only for AWS resources, AddTags only on DR copies', () => {
    for (const s of statements(template)) {
      const actions = [s.Action].flat();
      const mutating = actions.some(
        (a) => /:(Delete|Copy|Create|Add|Start|Stop|Put)/.test(a) && !a.startsWith('logs:') && !a.startsWith('xray:'),
      );
      if (mutating) expect(s.Resource).not.toBe('*');
      if (actions.includes('rds:DeleteDBSnapshot')) {
        expect(s.Condition).toMatchObject({
          StringEquals: {
            'rds:snapshot-tag/interactions:managed-by': MANAGED_BY,
            'rds:snapshot-tag/interactions:environment': envName,
          },
        });
      }
      if (actions.includes('elasticache:DeleteSnapshot')) {
        expect(s.Condition).toEqual({
          StringEquals: {
            'aws:ResourceTag/interactions:managed-by': MANAGED_BY,
            'aws:ResourceTag/interactions:environment': envName,
          },
          Null: { 'aws:ResourceTag/interactions:execution': 'false' },
        });
        expect(JSON.stringify(s.Resource)).toContain(`:snapshot:interactions-${envName}-*`);
      }
      if (actions.includes('kms:CreateGrant')) {
        expect(s.Condition).toMatchObject({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      }
      if (actions.includes('rds:AddTagsToResource')) {
        expect(actions).toEqual(['rds:AddTagsToResource']);
        expect([s.Resource].flat()).toHaveLength(1);
        expect(JSON.stringify(s.Resource)).toContain(`:snapshot:interactions-${envName}-dr-*`);
      }
    }
  });

  it('grant every snapshot delete with the same rule as guarded delete: managed-by, environment and an execution tag', () => {
    const deletes = statements(template).filter((s) =>
      [s.Action].flat().some((a) => a === 'rds:DeleteDBSnapshot' || a === 'elasticache:DeleteSnapshot'),
    );
    // Source-region DB snapshots and cache snapshots (state machine), DR copies where there is a DR region.
    expect(deletes).toHaveLength(envName === 'dev' ? 2 : 3);
    for (const s of deletes) {
      const prefix = [s.Action].flat().includes('rds:DeleteDBSnapshot') ? 'rds:snapshot-tag' : 'aws:ResourceTag';
      expect(s.Condition).toEqual({
        StringEquals: {
          [`${prefix}/interactions:managed-by`]: MANAGED_BY,
          [`${prefix}/interactions:environment`]: envName,
        },
        Null: { [`${prefix}/interactions:execution`]: 'false' },
      });
    }
  });

  it("tag a DR copy only at its creation, with the copy's tags alone, and never retag one", () => {
    // Prepare
    const withAction = (action: string, effect: Statement['Effect']) =>
      statements(template).filter((s) => s.Effect === effect && [s.Action].flat().includes(action));
    const tagOnCreate = {
      StringEquals: {
        'aws:RequestTag/interactions:managed-by': MANAGED_BY,
        'aws:RequestTag/interactions:environment': envName,
      },
      'ForAllValues:StringEquals': {
        'aws:TagKeys': [
          'interactions:managed-by',
          'interactions:execution',
          'interactions:expires-at',
          'interactions:environment',
          'interactions:source-snapshot',
        ],
      },
      Null: {
        'aws:RequestTag/interactions:execution': 'false',
        'aws:RequestTag/interactions:expires-at': 'false',
      },
    };

    // Act
    const copies = withAction('rds:CopyDBSnapshot', 'Allow');
    const tagAllows = withAction('rds:AddTagsToResource', 'Allow');
    const tagDenies = withAction('rds:AddTagsToResource', 'Deny');

    // Assess: dev has no DR region, so no copy and no tagging at all.
    const expected = envName === 'dev' ? 0 : 1;
    expect([copies.length, tagAllows.length, tagDenies.length]).toEqual([expected, expected, expected]);
    for (const s of [...copies, ...tagAllows]) expect(s.Condition).toEqual(tagOnCreate);
    for (const deny of tagDenies) {
      expect(deny.Condition).toEqual({ Null: { 'rds:snapshot-tag/interactions:managed-by': 'false' } });
      expect(deny.Resource).toEqual(tagAllows[0]?.Resource);
    }
  });

  it('prune expired cache snapshots in every environment', () => {
    const deletes = statements(template).filter((s) => [s.Action].flat().includes('elasticache:DeleteSnapshot'));
    expect(deletes).toHaveLength(1);
  });
});

/**
 * GuardedDeletion, the fragment behind every deletion Map of the housekeeping: its states, its
 * per-item catch, and the IAM statement it owns for the delete.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { MANAGED_BY } from '../../../shared/tags.js';
import { GuardedDeletion, type GuardedDeletionProps } from '../../../workflows/common/guarded-deletion.js';
import { testApp } from '../../support/cdk-app.js';
import { extractStateMachine } from '../../support/state-machine-harness.js';

type State = { Type: string; Next?: string; Catch?: { ErrorEquals: string[]; Next: string }[] };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function describeTask(scope: Stack): sfn.TaskStateBase {
  return new tasks.LambdaInvoke(scope, 'Describe snapshot before delete', {
    lambdaFunction: lambda.Function.fromFunctionArn(
      scope,
      'Describe',
      'arn:aws:lambda:us-east-1:123456789012:function:interactions-staging-operate-regional-snapshots-describe',
    ),
    resultPath: '$.guard',
  });
}

function build(overrides: (stack: Stack) => Partial<GuardedDeletionProps> = () => ({})) {
  const stack = new Stack(testApp(), 'Test');
  const fragment = new GuardedDeletion(stack, 'Pruning', {
    envName: 'staging',
    mapName: 'Delete expired snapshots',
    choiceName: 'Snapshot still ours and expired?',
    recordPrefix: '',
    itemsPath: '$.selected',
    resultPath: '$.deletions',
    concurrency: 2,
    describe: describeTask(stack),
    deleteStep: {
      kind: 'sdk',
      stateName: 'Delete snapshot',
      resource: 'arn:aws:states:::aws-sdk:rds:deleteDBSnapshot',
      parameters: { 'DbSnapshotIdentifier.$': '$.snapshot.identifier' },
      statusPath: '$.DbSnapshot.Status',
      service: 'Rds',
    },
    permission: {
      actions: ['rds:DeleteDBSnapshot'],
      resources: ['arn:aws:rds:us-east-1:123456789012:snapshot:*'],
      tagConditionPrefix: 'rds:snapshot-tag',
    },
    busy: ['Rds.InvalidDbSnapshotStateException'],
    gone: ['Rds.DbSnapshotNotFoundException'],
    ...overrides(stack),
  });
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(fragment) });
  const template = Template.fromStack(stack);
  return { template, definition: extractStateMachine(template, { logicalId: 'Machine' }).definition };
}

function iterationStates(definition: unknown): Record<string, State> {
  const map = (definition as { States: Record<string, { ItemProcessor: { States: Record<string, State> } }> }).States[
    'Delete expired snapshots'
  ];
  return map?.ItemProcessor.States ?? {};
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

const OWNED = {
  StringEquals: {
    'rds:snapshot-tag/interactions:managed-by': MANAGED_BY,
    'rds:snapshot-tag/interactions:environment': 'staging',
  },
  Null: { 'rds:snapshot-tag/interactions:execution': 'false' },
};

describe('GuardedDeletion', () => {
  it('describes, guards, deletes and records each item with stable state names', () => {
    // Act
    const states = iterationStates(build().definition);

    // Assess
    expect(Object.keys(states).sort()).toEqual(
      [
        'Describe snapshot before delete',
        'Snapshot still ours and expired?',
        'Delete snapshot',
        'Record snapshot deleted',
        'Record snapshot already gone',
        'Record snapshot busy',
        'Record snapshot failed',
        'Refuse snapshot',
      ].sort(),
    );
    expect(states['Describe snapshot before delete']?.Next).toBe('Snapshot still ours and expired?');
    expect(states['Delete snapshot']?.Next).toBe('Record snapshot deleted');
  });

  it('catches every other error of the describe and the delete per item, after the specific catches', () => {
    // Act
    const states = iterationStates(build().definition);

    // Assess
    expect(states['Delete snapshot']?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['Rds.InvalidDbSnapshotStateException'], 'Record snapshot busy'],
      [['Rds.DbSnapshotNotFoundException'], 'Record snapshot already gone'],
      [['States.ALL'], 'Record snapshot failed'],
    ]);
    expect(states['Describe snapshot before delete']?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['States.ALL'], 'Record snapshot failed'],
    ]);
  });

  it("grants an SDK delete on the state machine's role, only with the owned-resource tag conditions", () => {
    // Act
    const deletes = statements(build().template).filter((s) => s.Action === 'rds:DeleteDBSnapshot');

    // Assess
    expect(deletes).toEqual([
      {
        Action: 'rds:DeleteDBSnapshot',
        Effect: 'Allow',
        Resource: 'arn:aws:rds:us-east-1:123456789012:snapshot:*',
        Condition: OWNED,
      },
    ]);
  });

  it("grants a Lambda delete on the function's role, not on the state machine's", () => {
    // Act
    const { template } = build((stack) => {
      const role = new iam.Role(stack, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      return {
        deleteStep: {
          kind: 'lambda',
          state: new tasks.LambdaInvoke(stack, 'Delete snapshot', {
            lambdaFunction: lambda.Function.fromFunctionArn(
              stack,
              'Operate',
              'arn:aws:lambda:us-east-1:123456789012:function:interactions-staging-operate-regional-snapshots',
            ),
            resultPath: '$.deleted',
          }),
          runsAs: role,
        },
      };
    });

    // Assess
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as [
      string,
      { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } },
    ][];
    const withDelete = policies.filter(([, p]) =>
      p.Properties.PolicyDocument.Statement.some((s) => s.Action === 'rds:DeleteDBSnapshot'),
    );
    expect(withDelete).toHaveLength(1);
    expect(withDelete[0]?.[1].Properties.Roles[0]?.Ref).toMatch(/^FunctionRole/);
  });

  it('lets the guard Choice delete only a snapshot with an execution tag, as the delete grant requires', () => {
    // Act
    const choice = iterationStates(build().definition)['Snapshot still ours and expired?'] as unknown as {
      Choices: { And?: unknown[]; Next: string }[];
    };

    // Assess
    const toDelete = choice.Choices.find((c) => c.Next === 'Delete snapshot');
    expect(toDelete?.And).toContainEqual({ Not: { Variable: '$.guard.execution', StringEquals: '' } });
  });

  it('lets the guard Choice delete only a snapshot whose execution tag is the one seen at selection, whatever the reason', () => {
    // Act
    const choice = iterationStates(build().definition)['Snapshot still ours and expired?'] as unknown as {
      Choices: { And?: unknown[]; Next: string }[];
    };

    // Assess: a failed-run selection judged that execution's run; a changed tag is another snapshot's story.
    const toDelete = choice.Choices.find((c) => c.Next === 'Delete snapshot');
    expect(toDelete?.And).toContainEqual({ Variable: '$.guard.execution', StringEqualsPath: '$.snapshot.execution' });
    expect(toDelete?.And).toContainEqual({
      Variable: '$.guard.expiresAt',
      StringEqualsPath: '$.snapshot.expiresAtTag',
    });
    expect(JSON.stringify(toDelete)).not.toContain('reason');
  });

  it('fails when concurrency is not a positive integer, naming it', () => {
    expect(() => build(() => ({ concurrency: 0 }))).toThrow(
      'GuardedDeletion Pruning: concurrency must be a positive integer (got 0)',
    );
  });
});

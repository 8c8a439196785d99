/**
 * The alarm remediation workflow as each environment synthesizes it: the state table (keys of the
 * state store, PITR, encryption, TTL), the EventBridge rule on the environment's alarms, each
 * playbook's own narrowly scoped role, and zero unacknowledged cdk-nag findings (AwsSolutions,
 * Serverless and the project's safety rules).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES } from '../../infra/config/types.js';
import { synthesizeWorkflow } from '../support/testbed/workflows.js';
import { unacknowledgedFindings } from './support-nag.js';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string>> };

const stacks = ENVIRONMENT_NAMES.map((envName) => {
  const { stack } = synthesizeWorkflow('alarm-remediation', envName, {});
  return { envName, stack, template: Template.fromStack(stack) };
});

/** The statements of the role whose logical id starts with `prefix`. */
function roleStatements(template: Template, prefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(prefix))
    .flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();

describe.each(stacks)('alarm remediation in $envName', ({ envName, stack, template }) => {
  it('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack).filter((f) => f.includes('/AlarmRemediation/'))).toEqual([]);
  });

  it('keeps its state in a pay-per-request table with the state store keys, PITR, encryption and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `interactions-${envName}-remediation`,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: envName === 'prod',
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: envName === 'prod' ? 'Retain' : 'Delete' });
  });

  it("starts on every state change of the environment's alarms, and only those", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: `interactions-${envName}-` }] },
      },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  it('gives each playbook its own role, changing only its own kind of resource, in this environment, by its tags', () => {
    const tagged = (key: string) => ({
      StringEquals: { [`${key}/environment`]: envName, [`${key}/project`]: 'interactions' },
    });
    const ecsHealth = roleStatements(template, 'Playbookecsservicehealth');
    expect(actionsOf(ecsHealth)).toEqual(
      expect.arrayContaining(['ecs:DescribeServices', 'ecs:ListTaskDefinitions', 'ecs:UpdateService']),
    );
    const update = ecsHealth.find((s) => [s.Action].flat().includes('ecs:UpdateService'));
    expect(update?.Condition).toEqual(tagged('ecs:ResourceTag'));
    expect(JSON.stringify(update?.Resource)).toContain(
      `:service/interactions-${envName}/interactions-${envName}-frontend`,
    );

    const apiErrors = roleStatements(template, 'Playbookapierrorrate').find((s) =>
      [s.Action].flat().includes('ecs:UpdateService'),
    );
    expect(JSON.stringify(apiErrors?.Resource)).not.toContain('frontend');

    const storage = roleStatements(template, 'Playbookrdsstorage').find((s) =>
      [s.Action].flat().includes('rds:ModifyDBInstance'),
    );
    expect(storage?.Condition).toEqual(tagged('rds:db-tag'));
    expect(JSON.stringify(storage?.Resource)).toContain(`:db:interactions-${envName}-postgres`);

    // Diagnostics and notification playbooks change nothing; cache scaling is not allowed by any config today.
    for (const readOnly of ['Playbookdatabasecpu', 'Playbooksecuritynotify', 'Playbookcachememory']) {
      const mutating = actionsOf(roleStatements(template, readOnly)).filter(
        (a) => /:(Update|Modify|Delete|Put|Create)/.test(a) && !/^(logs|xray):/.test(a),
      );
      expect(mutating).toEqual([]);
    }
  });

  it("lets the state machine invoke exactly the playbook functions, and re-read only the environment's alarms", () => {
    const machine = roleStatements(template, 'AlarmRemediationWorkflowStateMachineRole');
    const describe = machine.find((s) => [s.Action].flat().includes('cloudwatch:DescribeAlarms'));
    expect(JSON.stringify(describe?.Resource)).toContain(`:alarm:interactions-${envName}-*`);
    const invoke = machine.find(
      (s) =>
        JSON.stringify(s.Resource).includes('remediation-playbook') || JSON.stringify(s.Resource).includes('Playbook'),
    );
    expect(invoke).toBeDefined();
  });
});

it('grants cache scaling, by the tags, only where the config names a node type', () => {
  const { stack } = synthesizeWorkflow(
    'alarm-remediation',
    'prod',
    { limits: { maxTasks: 6, maxAllocatedStorageGiB: 200, cacheScaleToNodeType: 'cache.m5.xlarge' } },
    '-scaling',
  );
  const modify = roleStatements(Template.fromStack(stack), 'Playbookcachememory').find((s) =>
    [s.Action].flat().includes('elasticache:ModifyReplicationGroup'),
  );
  expect(modify?.Condition).toEqual({
    StringEquals: { 'aws:ResourceTag/environment': 'prod', 'aws:ResourceTag/project': 'interactions' },
  });
  expect(unacknowledgedFindings(stack).filter((f) => f.includes('/AlarmRemediation/'))).toEqual([]);
});

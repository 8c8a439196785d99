/**
 * The pack where it counts: registered on the app by addNagChecks (as `npm run synth` does), a
 * workflow whose role may delete database instances without the automation's tag conditions
 * makes synthesis fail, naming the rule, the action and the construct.
 */
import { type App, ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { addNagChecks } from '../../../infra/app.js';
import { acknowledgeWildcard } from '../../../infra/constructs/nag.js';
import { testApp } from '../../support/cdk-app.js';

/** An app with one drill-like workflow deleting a restored instance; `conditions` go on the delete grant. */
function drillApp(conditions?: Record<string, Record<string, string>>): App {
  const app = testApp();
  const stack = new Stack(app, 'interactions-test-automation', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const restored = stack.formatArn({
    service: 'rds',
    resource: 'db',
    resourceName: 'interactions-test-pitr-*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  // The SDK task's own statement names a read; the delete is granted by the statement under test.
  const deleteInstance = new tasks.CallAwsService(stack, 'Delete restored instance', {
    service: 'rds',
    action: 'deleteDBInstance',
    parameters: { DbInstanceIdentifier: sfn.JsonPath.stringAt('$.instance'), SkipFinalSnapshot: true },
    iamResources: [restored],
    iamAction: 'rds:DescribeDBInstances',
    additionalIamStatements: [
      new iam.PolicyStatement({ actions: ['rds:DeleteDBInstance'], resources: [restored], conditions }),
    ],
  });
  new sfn.StateMachine(stack, 'Drill', {
    definitionBody: sfn.DefinitionBody.fromChainable(deleteInstance),
    timeout: Duration.hours(1),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'Logs'), level: sfn.LogLevel.ALL },
  });
  // The other packs' findings on this minimal stack, so that only the safety pack can fail it.
  acknowledgeWildcard(stack, restored, 'Instances the drill restored, named interactions-test-pitr-<execution>.');
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray and log delivery actions the CDK grants for tracing and logging.',
  });
  addNagChecks(app);
  return app;
}

/** The validation report synth threw, or '' when it succeeded. */
function synthReport(app: App): string {
  try {
    app.synth();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('synth with the safety rules', () => {
  it('fails for a workflow that deletes database instances without tag conditions', () => {
    // Act
    const report = synthReport(drillApp());
    // Assess
    expect(report).toContain('Interactions-DestructiveTagConditions[Action::rds:DeleteDBInstance]');
    expect(report).toContain('interactions-test-automation/Drill/Role/DefaultPolicy/Resource');
    expect(report).not.toContain('AwsSolutions-');
  });

  it('passes once the delete requires the automation tags', () => {
    const report = synthReport(
      drillApp({
        StringEquals: {
          'rds:db-tag/interactions:managed-by': 'interactions-automation',
          'rds:db-tag/interactions:environment': 'test',
        },
      }),
    );
    expect(report).toBe('');
  });
});

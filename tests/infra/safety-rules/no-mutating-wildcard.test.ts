import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NoMutatingWildcard } from '../../../infra/safety-rules/index.js';
import { arn, findingsOf, grant, newStack } from './support.js';

const on = (resources: string[], ...actions: string[]) => new iam.PolicyStatement({ actions, resources });

describe('Interactions-NoMutatingWildcard', () => {
  describe('Noncompliance', () => {
    it.each([
      ['a delete', 'rds:DeleteDBInstance'],
      ['a service wildcard', 'rds:*'],
      ['every action', '*'],
      ['a wildcard over allowlisted writes', 'xray:Put*'],
      ['a write whose name only contains a read verb', 'rds:*Describe*'],
      ['a put outside the allowlist', 's3:PutObject'],
    ])('reports %s on "*"', (_case, action) => {
      // Prepare
      const stack = newStack();
      grant(stack, on(['*'], action));
      // Act
      const findings = findingsOf(stack, NoMutatingWildcard);
      // Assess
      expect(findings).toEqual([`Interactions-NoMutatingWildcard[Action::${action}]`]);
    });

    it('reports a write when "*" is one of several resources', () => {
      const stack = newStack();
      grant(stack, on([arn(stack, 'rds', 'db:interactions-test-pitr'), '*'], 'rds:ModifyDBInstance'));
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual([
        'Interactions-NoMutatingWildcard[Action::rds:ModifyDBInstance]',
      ]);
    });

    it('reads NotResource as "*"', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({ actions: ['ecs:StopTask'], notResources: [arn(stack, 'ecs', 'task/other/*')] }),
      );
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual(['Interactions-NoMutatingWildcard[Action::ecs:StopTask]']);
    });

    it('checks inline policies of a role and managed policies', () => {
      const stack = newStack();
      new iam.Role(stack, 'Inline', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        inlinePolicies: { all: new iam.PolicyDocument({ statements: [on(['*'], 'sns:Publish')] }) },
      });
      new iam.ManagedPolicy(stack, 'Managed', { statements: [on(['*'], 'sqs:SendMessage')] });
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual([
        'Interactions-NoMutatingWildcard[Action::sns:Publish]',
        'Interactions-NoMutatingWildcard[Action::sqs:SendMessage]',
      ]);
    });
  });

  describe('Compliance', () => {
    it('allows reads, read wildcards and the documented writes without a resource type on "*"', () => {
      const stack = newStack();
      grant(
        stack,
        on(
          ['*'],
          'rds:DescribeAccountAttributes',
          'rds:Describe*',
          'cloudwatch:ListMetrics',
          'ecr:GetAuthorizationToken',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'cloudwatch:PutMetricData',
        ),
      );
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual([]);
    });

    it('allows writes on named resources and ignores Deny statements', () => {
      const stack = newStack();
      grant(
        stack,
        on([arn(stack, 'rds', 'snapshot:interactions-test-*')], 'rds:CopyDBSnapshot'),
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] }),
      );
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual([]);
    });

    it('accepts what the CDK grants a state machine for logging and tracing', () => {
      const stack = newStack();
      new sfn.StateMachine(stack, 'Machine', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Done')),
        timeout: Duration.minutes(5),
        tracingEnabled: true,
        logs: { destination: new logs.LogGroup(stack, 'Logs'), level: sfn.LogLevel.ALL },
      });
      expect(findingsOf(stack, NoMutatingWildcard)).toEqual([]);
    });
  });
});

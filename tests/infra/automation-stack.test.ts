import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadConfig } from '../../infra/config/index.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { testApp } from '../support/cdk-app.js';
import { FakePlatform } from './support-automation-platform.js';
import { unacknowledgedFindings } from './support-nag.js';

const config = loadConfig('prod');
const app = testApp();
const platform = new FakePlatform(app, 'prod');
const stack = new AutomationStack(app, 'interactions-prod-automation', { config, platform });
// Every workflow is wired by the stack itself (the monthly recovery test among them): their monitoring is asserted below.
const template = Template.fromStack(stack);

/** A state machine resource's DefinitionString with its intrinsics (ARNs) replaced by placeholders. */
function definitionText(resource: unknown): string {
  const definition = (resource as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  if (typeof definition === 'string') return definition;
  const [, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
}

describe('AutomationStack', () => {
  it('gives every function and state machine a name no other resource of the stack has (CloudFormation requires it)', () => {
    // Tests synthesize without CloudFormation's validator (CDK_VALIDATION=false); cdk synth runs it and
    // refuses two functions of one name, which two workflows each owning a shared function once caused.
    for (const [type, property] of [
      ['AWS::Lambda::Function', 'FunctionName'],
      ['AWS::StepFunctions::StateMachine', 'StateMachineName'],
    ] as const) {
      const named = Object.values(template.findResources(type)).map(
        (resource) => (resource as { Properties: Record<string, unknown> }).Properties[property],
      );
      const duplicates = named.filter((name, index) => named.indexOf(name) !== index);
      expect({ type, duplicates }).toEqual({ type, duplicates: [] });
    }
  });

  it('creates the shared tasks log group with the seed retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/interactions-prod-tasks',
      RetentionInDays: 30,
    });
  });

  it('creates an encrypted, versioned, private, TLS-only reports bucket with access logs and retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'interactions-prod-automation-reports',
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'reports/' },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: config.automation.reportsRetentionDays, Status: 'Enabled' })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('deploys notify-outcome with its bucket and topics in the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'interactions-prod-notify-outcome',
      Environment: {
        Variables: Match.objectLike({
          ENVIRONMENT: 'prod',
          REPORTS_BUCKET: Match.anyValue(),
          TOPIC_ARN_HIGH: Match.anyValue(),
          TOPIC_ARN_MEDIUM: Match.anyValue(),
          TOPIC_ARN_LOW: Match.anyValue(),
        }),
      },
    });
  });

  it('lets notify-outcome put objects under reports/ only, and publish to the three topics', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('NotifyOutcomeRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => [s.Action].flat()).sort()).toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(s3.flatMap((s) => [s.Action].flat())).not.toContain('s3:DeleteObject*');
    expect(JSON.stringify(s3.map((s) => s.Resource))).toContain('/reports/*');
    const publish = statements.filter((s) => [s.Action].flat().includes('sns:Publish'));
    expect(publish.flatMap((s) => [s.Resource].flat())).toHaveLength(3);
    expect(statements.some((s) => [s.Action].flat().some((a) => a.startsWith('kms:')))).toBe(true);
  });

  describe('one page per incident', () => {
    const stackWorkflows = [
      'on-demand-snapshot',
      'cache-snapshot',
      'backup-verification',
      'snapshot-housekeeping',
      'recovery-test',
    ];
    const logGroupId = (name: string) => {
      const [id] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: name } }));
      if (id === undefined) throw new Error(`no log group ${name}`);
      return id;
    };

    it.each(stackWorkflows)(
      '%s: the alarm pages for timed-out, aborted and unreported failed executions, not for ExecutionsFailed',
      (workflow) => {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `interactions-prod-${workflow}-executions-failed`,
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: 'FILL(timedOut, 0) + FILL(aborted, 0) + FILL(failedUnreported, 0)' }),
            Match.objectLike({
              Id: 'failedUnreported',
              MetricStat: Match.objectLike({
                Metric: Match.objectLike({ MetricName: `UnreportedFailures-interactions-prod-${workflow}` }),
              }),
            }),
          ]),
          Threshold: 1,
          AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alertshigh') }],
        });
        const alarms = template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmName: `interactions-prod-${workflow}-executions-failed` },
        });
        expect(JSON.stringify(alarms)).not.toContain('"ExecutionsFailed"');
      },
    );

    it.each(stackWorkflows)('%s: unreported failures are counted from its own execution log', (workflow) => {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logGroupId(`/aws/vendedlogs/states/interactions-prod-${workflow}`) },
        FilterPattern: Match.stringLikeRegexp('"ExecutionFailed".*"Notified: \\*"'),
        MetricTransformations: [Match.objectLike({ MetricName: `UnreportedFailures-interactions-prod-${workflow}` })],
      });
    });

    it.each(stackWorkflows)(
      '%s: a failed failure notification ends in Fail unreported (UnreportedFailure)',
      (workflow) => {
        // Prepare
        const machines = template.findResources('AWS::StepFunctions::StateMachine', {
          Properties: { StateMachineName: `interactions-prod-${workflow}` },
        });
        const definition = JSON.parse(definitionText(Object.values(machines)[0])) as {
          States: Record<
            string,
            { Catch?: { Next: string }[]; Next?: string; Error?: string; Parameters?: Record<string, string> }
          >;
        };

        // Act
        const notify = definition.States['Notify failure'];
        const unreported = definition.States[notify?.Catch?.[0]?.Next ?? ''];

        // Assess
        expect(notify?.Catch).toHaveLength(1);
        expect(notify?.Catch?.[0]?.Next).toBe('Build unreported failure message');
        expect(unreported?.Next).toBe('Fail unreported');
        expect(definition.States['Fail unreported']?.Error).toBe('UnreportedFailure');
        expect(notify?.Next).toBe('Build failure message');
        expect(definition.States['Build failure message']?.Parameters?.['cause.$']).toMatch(
          /^States\.Format\('Notified: /,
        );
      },
    );

    it('asks for the execution log of a state machine not built by AutomationStateMachine', () => {
      // Prepare: a stack of its own, so the shared one stays unchanged after synthesis.
      const otherApp = testApp();
      const other = new AutomationStack(otherApp, 'interactions-prod-automation', {
        config,
        platform: new FakePlatform(otherApp, 'prod'),
      });
      const standIn = new sfn.StateMachine(other, 'Unlogged', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(other, 'UnloggedPass')),
      });

      // Act + Assess
      expect(() => other.addWorkflowMonitoring(standIn, { workflow: 'failover-drill' })).toThrow(
        'addWorkflowMonitoring failover-drill: the state machine was not built by AutomationStateMachine; pass executionLog',
      );
    });
  });

  it('watches a nightly workflow with an alarm over 30 hourly periods (1 day + 6 h slack), missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'interactions-prod-backup-verification-no-recent-success',
      Namespace: 'Interactions/Automation',
      MetricName: 'WorkflowSucceeded',
      Dimensions: Match.arrayWith([{ Name: 'service', Value: 'interactions-prod-notify-outcome' }]),
      Period: 3600,
      EvaluationPeriods: 30,
      DatapointsToAlarm: 30,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('watches a monthly workflow through the daily last-success check', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'interactions-prod-recovery-test-no-recent-success',
      Namespace: 'Interactions/Automation',
      MetricName: 'SecondsSinceLastSuccess',
      Threshold: (31 + 31 / 4) * 86400,
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({
          Input: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"workflow":"recovery-test"')])] },
        }),
      ],
    });
  });

  it('gives on-demand workflows no dead-man switch', () => {
    expect(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
        String((a as { Properties: { AlarmName: string } }).Properties.AlarmName).includes(
          'on-demand-snapshot-no-recent',
        ),
      ),
    ).toEqual([]);
  });

  it('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AutomationFunction } from '../../infra/constructs/automation-function.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const app = testApp();
const stack = new Stack(app, 'FunctionTest');
const logGroup = new logs.LogGroup(stack, 'Tasks', { logGroupName: '/aws/lambda/interactions-dev-tasks' });
new AutomationFunction(stack, 'Defaults', {
  envName: 'dev',
  name: 'notify-outcome',
  description: 'defaults',
  logGroup,
});
new AutomationFunction(stack, 'Custom', {
  envName: 'dev',
  name: 'check-last-success',
  description: 'custom',
  logGroup,
  timeout: Duration.minutes(2),
  memorySize: 512,
  environment: { WORKFLOW: 'recovery-test', ENVIRONMENT: 'prod' },
});
const template = Template.fromStack(stack);

describe('AutomationFunction', () => {
  it('applies the shared defaults', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'interactions-dev-notify-outcome',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^Tasks') } }),
      Environment: {
        Variables: {
          ENVIRONMENT: 'dev',
          POWERTOOLS_SERVICE_NAME: 'interactions-dev-notify-outcome',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('takes timeout, memory and extra variables, but never lets them override ENVIRONMENT', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'interactions-dev-check-last-success',
      Timeout: 120,
      MemorySize: 512,
      Environment: { Variables: Match.objectLike({ WORKFLOW: 'recovery-test', ENVIRONMENT: 'dev' }) },
    });
  });

  it('gives each function a role limited to its log streams and X-Ray', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown }[] } } }).Properties
        .PolicyDocument.Statement;
      expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
    template.resourceCountIs('AWS::IAM::Role', 2);
    const probeRoles = template.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('^interactions-dev-check-last-success') },
    });
    expect(Object.keys(probeRoles)).toHaveLength(1);
    expect(JSON.stringify(probeRoles)).not.toContain('ManagedPolicyArns');
  });

  it('fails when the bundle is missing, telling to run npm run bundle', () => {
    const other = new Stack(testApp(), 'Missing');
    expect(
      () =>
        new AutomationFunction(other, 'Nope', {
          envName: 'dev',
          name: 'no-such-function',
          description: 'x',
          logGroup: logs.LogGroup.fromLogGroupName(other, 'L', 'x'),
        }),
    ).toThrow(/dist\/functions\/no-such-function\/index.mjs is missing; run `npm run bundle`/);
  });

  it('fails when the name is not kebab-case', () => {
    const other = new Stack(testApp(), 'BadName');
    expect(
      () =>
        new AutomationFunction(other, 'Bad', {
          envName: 'dev',
          name: 'NotifyOutcome',
          description: 'x',
          logGroup: logs.LogGroup.fromLogGroupName(other, 'L', 'x'),
        }),
    ).toThrow('must be kebab-case');
  });
});

describe('AutomationFunction in a VPC', () => {
  const setup = () => {
    const s = new Stack(testApp(), 'InVpc', { env: { region: 'us-east-1', account: '123456789012' } });
    const vpc = new ec2.Vpc(s, 'Vpc', {
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 1,
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    const probes = new ec2.SecurityGroup(s, 'Probes', { vpc, description: 'probes' });
    const tasks = new logs.LogGroup(s, 'Tasks', { logGroupName: '/aws/lambda/interactions-dev-tasks' });
    return { s, vpc, probes, tasks };
  };

  it('runs in the private subnets with the given security groups, allowed to manage its network interfaces', () => {
    // Prepare
    const { s, vpc, probes, tasks } = setup();
    // Act
    new AutomationFunction(s, 'Probe', {
      envName: 'dev',
      name: 'check-last-success',
      description: 'probe',
      logGroup: tasks,
      vpc,
      securityGroups: [probes],
    });
    // Assess
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Probes'), 'GroupId'] }],
        SubnetIds: [
          { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') },
          { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
            Resource: '*',
          }),
        ]),
      },
    });
    const probeRoles = template.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('^interactions-dev-check-last-success') },
    });
    expect(Object.keys(probeRoles)).toHaveLength(1);
    expect(JSON.stringify(probeRoles)).not.toContain('ManagedPolicyArns');
    // The network interface grant is acknowledged narrowly (wildcard resource, no managed policy).
    const iamFindings = unacknowledgedFindings(s).filter((f) => f.includes('/Probe/') && /IAM[45]/.test(f));
    expect(iamFindings).toEqual([]);
  });

  it('fails when given security groups without a VPC', () => {
    const { s, probes, tasks } = setup();
    expect(
      () =>
        new AutomationFunction(s, 'NoVpc', {
          envName: 'dev',
          name: 'check-last-success',
          description: 'x',
          logGroup: tasks,
          securityGroups: [probes],
        }),
    ).toThrow('vpcSubnets and securityGroups need a vpc');
  });
});

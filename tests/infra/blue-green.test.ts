/**
 * Deployments per environment, on the real platform stack: staging and prod use ECS native
 * blue/green with the verification gate at POST_TEST_TRAFFIC_SHIFT, a test listener open to the VPC
 * only, and the seed's alarms rolling back during the bake time; dev rolls tasks over behind the
 * circuit breaker. Plus the gate's least-privilege grants and cdk-nag.
 */
import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { type BlueGreenDeploymentConfig, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY } from '../../infra/constructs/compute/blue-green.js';
import { FIRST_DEPLOY_CONTEXT } from '../../infra/constructs/compute/first-deploy.js';
import { PlatformStack } from '../../infra/stacks/platform-stack.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

function platform(env: EnvironmentName, context: Record<string, unknown> = {}): PlatformStack {
  const config = loadConfig(env);
  return new PlatformStack(testApp({ context }), `interactions-${env}-platform`, {
    config,
    env: { region: config.region },
  });
}

const COMPONENTS = ['frontend', 'backend'] as const;
const stacks = { dev: platform('dev'), staging: platform('staging'), prod: platform('prod') };
const templates = {
  dev: Template.fromStack(stacks.dev),
  staging: Template.fromStack(stacks.staging),
  prod: Template.fromStack(stacks.prod),
};

function service(template: Template, env: EnvironmentName, component: string): Record<string, unknown> {
  const found = Object.values(
    template.findResources('AWS::ECS::Service', { Properties: { ServiceName: `interactions-${env}-${component}` } }),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties as Record<string, unknown>;
}

/** Every Allow statement of the IAM policies attached to roles whose logical id matches `role`. */
function statementsOf(stack: Stack, template: Template, role: RegExp): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => role.test(JSON.stringify(policy.Properties.Roles)))
    .flatMap((policy) => stack.resolve(policy.Properties.PolicyDocument.Statement) as Record<string, unknown>[]);
}

describe('dev deploys with rolling updates', () => {
  it.each(COMPONENTS)('%s: circuit breaker with rollback, no blue/green, no hook', (component) => {
    const props = service(templates.dev, 'dev', component);
    expect(props.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    expect(props.DeploymentConfiguration).not.toHaveProperty('Strategy', 'BLUE_GREEN');
    expect(props.DeploymentConfiguration).not.toHaveProperty('LifecycleHooks');
    expect(JSON.stringify(props.LoadBalancers)).not.toContain('AdvancedConfiguration');
  });

  it('has no test listener and no hook function', () => {
    expect(Object.keys(templates.dev.findResources('AWS::ElasticLoadBalancingV2::Listener'))).toHaveLength(2);
    templates.dev.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { FunctionName: 'interactions-dev-deployment-lifecycle-hook' },
      0,
    );
  });
});

describe.each(['staging', 'prod'] as const)('%s deploys with ECS native blue/green', (env) => {
  const stack = stacks[env];
  const template = templates[env];
  const strategy = loadConfig(env).compute.deploymentStrategy as BlueGreenDeploymentConfig;
  const compute = stack.compute;
  const hookFunction = compute.deploymentGate?.function.function;

  it('is configured as blue/green with a bake time and a test listener port', () => {
    expect(strategy).toMatchObject({ type: 'blue-green', testListenerPort: 8080 });
    expect(strategy.bakeTimeMinutes).toBeGreaterThan(0);
  });

  it.each(COMPONENTS)(
    '%s: BLUE_GREEN with the bake time, no circuit breaker, the gate at POST_TEST_TRAFFIC_SHIFT',
    (component) => {
      const props = service(template, env, component);
      expect(props.DeploymentConfiguration).toMatchObject({
        Strategy: 'BLUE_GREEN',
        BakeTimeInMinutes: strategy.bakeTimeMinutes,
      });
      expect(props.DeploymentConfiguration).not.toHaveProperty('DeploymentCircuitBreaker');
      // The ECS controller (CloudFormation's default when absent) is the one native blue/green runs on.
      expect((props.DeploymentController as { Type?: string } | undefined)?.Type ?? 'ECS').toBe('ECS');
      const hooks = (props.DeploymentConfiguration as { LifecycleHooks: Record<string, unknown>[] }).LifecycleHooks;
      expect(hooks).toHaveLength(1);
      expect(stack.resolve(hooks[0])).toEqual({
        HookTargetArn: stack.resolve(hookFunction?.functionArn),
        RoleArn: stack.resolve(compute.deploymentGate?.invokeRole.roleArn),
        LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      });
    },
  );

  it.each(COMPONENTS)(
    "%s: the seed's API error rate, 5xx and healthy-task alarms roll back during the deployment and bake time",
    (component) => {
      const alarms = (service(template, env, component).DeploymentConfiguration as Record<string, unknown>).Alarms;
      const expected = [
        ...(component === 'backend' ? [`interactions-${env}-api-error-rate`] : []),
        `interactions-${env}-alb-5xx-rate`,
        `interactions-${env}-ecs-${component}-healthy-tasks`,
      ];
      expect(alarms).toEqual({ AlarmNames: expected, Enable: true, Rollback: true });
      // The names are the monitoring construct's alarms of this very stack.
      for (const name of expected) template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: name }, 1);
    },
  );

  it.each(COMPONENTS)('%s: an alternate target group with the production and test listener rules', (component) => {
    const props = service(template, env, component);
    const primary = component === 'frontend' ? compute.frontendTargetGroup : compute.backendTargetGroup;
    const alternate = compute.alternateTargetGroups?.[component];
    const rules = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    const ruleFor = (listenerRef: unknown) => {
      const pattern = component === 'backend' ? '/api/*' : '/*';
      const found = rules.filter(
        ([, r]) =>
          JSON.stringify(stack.resolve(r.Properties.ListenerArn)) === JSON.stringify(listenerRef) &&
          JSON.stringify(r.Properties.Conditions).includes(JSON.stringify(pattern)),
      );
      expect(found).toHaveLength(1);
      return found[0] as [string, { Properties: Record<string, unknown> }];
    };
    const [productionId, production] = ruleFor(stack.resolve(compute.httpsListener.listenerArn));
    const [testId] = ruleFor(stack.resolve(compute.testListener?.listenerArn));
    // Both groups in the rule, production on the primary: ECS moves the weights from there.
    expect(stack.resolve(production.Properties.Actions)).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: stack.resolve(primary.targetGroupArn), Weight: 100 },
            { TargetGroupArn: stack.resolve(alternate?.targetGroupArn), Weight: 0 },
          ],
        },
      },
    ]);
    expect(stack.resolve(props.LoadBalancers)).toEqual([
      {
        ContainerName: component,
        ContainerPort: component === 'frontend' ? 3000 : 5000,
        TargetGroupArn: stack.resolve(primary.targetGroupArn),
        AdvancedConfiguration: {
          AlternateTargetGroupArn: stack.resolve(alternate?.targetGroupArn),
          ProductionListenerRule: { Ref: productionId },
          TestListenerRule: { Ref: testId },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ComputeBlueGreenInfrastructureRole/), 'Arn'] },
        },
      },
    ]);
  });

  it('gives ECS an infrastructure role with the managed policy blue/green requires, and nothing else', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.includes('BlueGreenInfrastructureRole'),
    );
    expect(roles).toHaveLength(1);
    const role = roles[0]?.[1].Properties;
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('ecs.amazonaws.com');
    expect(JSON.stringify(role.ManagedPolicyArns)).toContain(
      `:iam::aws:policy/${ECS_LOAD_BALANCER_INFRASTRUCTURE_POLICY}`,
    );
    expect(statementsOf(stack, template, /BlueGreenInfrastructureRole/)).toEqual([]);
  });

  it('serves test traffic on an HTTP listener reachable from the VPC only', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: strategy.testListenerPort,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .flatMap((group) => (group.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[])
      .concat(
        Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
          (rule) => rule.Properties as Record<string, unknown>,
        ),
      )
      .filter((rule) => rule.FromPort === strategy.testListenerPort);
    const sources = ingress.map((rule) => stack.resolve(rule.CidrIp));
    // The VPC's CIDR and each NAT gateway's Elastic IP (VPC egress reaching the internet-facing ALB).
    expect(sources).toContainEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NetworkVpc/), 'CidrBlock'] });
    const natEips = Object.keys(template.findResources('AWS::EC2::EIP'));
    expect(natEips).toHaveLength(loadConfig(env).network.natGateways);
    expect(sources).toHaveLength(1 + natEips.length);
    for (const eip of natEips) {
      expect(sources).toContainEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [eip, 'PublicIp'] }, '/32']] });
    }
    expect(JSON.stringify(sources)).not.toContain('0.0.0.0/0');
    expect(ingress.every((rule) => rule.CidrIpv6 === undefined && rule.SourcePrefixListId === undefined)).toBe(true);
  });

  it('points the hook at the test listener, both target groups of each service and the verification by name', () => {
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: `interactions-${env}-deployment-lifecycle-hook` },
      }),
    );
    expect(fn).toHaveLength(1);
    const variables = stack.resolve(fn[0]?.Properties.Environment.Variables) as Record<string, unknown>;
    expect(JSON.stringify(variables.STATE_MACHINE_ARN)).toContain(
      `:stateMachine:interactions-${env}-deployment-verification`,
    );
    expect(JSON.stringify(variables.TEST_URL)).toContain(`:${strategy.testListenerPort}`);
    expect(JSON.stringify(variables.TEST_URL)).toContain('DNSName');
    expect(variables.CALLBACK_DELAY_SECONDS).toBe(String(strategy.hookCallbackDelaySeconds));
    for (const component of COMPONENTS) {
      const arns = JSON.stringify(variables[`${component.toUpperCase()}_TARGET_GROUP_ARNS`]);
      const primary = component === 'frontend' ? compute.frontendTargetGroup : compute.backendTargetGroup;
      expect(arns).toContain(JSON.stringify(stack.resolve(primary.targetGroupArn)));
      expect(arns).toContain(JSON.stringify(stack.resolve(compute.alternateTargetGroups?.[component].targetGroupArn)));
    }
  });

  it('grants the hook StartExecution on the verification only, DescribeExecution on its own executions, and read-only ECS', () => {
    const statements = statementsOf(stack, template, /DeploymentGateFunctionRole/);
    const byAction = (action: string) =>
      statements
        .filter((s) => ([] as unknown[]).concat(s.Action).includes(action))
        .map((s) => JSON.stringify(s.Resource));
    expect(byAction('states:StartExecution')).toEqual([
      expect.stringMatching(new RegExp(`:stateMachine:interactions-${env}-deployment-verification"\\]\\]}$`)),
    ]);
    expect(byAction('states:DescribeExecution')).toEqual([
      expect.stringMatching(
        new RegExp(`:execution:interactions-${env}-deployment-verification:lifecycle-hook-\\*"\\]\\]}$`),
      ),
    ]);
    expect(byAction('ecs:DescribeServiceRevisions')).toEqual([
      expect.stringMatching(new RegExp(`:service-revision/interactions-${env}/\\*"\\]\\]}$`)),
    ]);
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action as string));
    expect(actions.filter((a) => /^(states|ecs|elasticloadbalancing|iam):/.test(a)).sort()).toEqual([
      'ecs:DescribeServiceRevisions',
      'states:DescribeExecution',
      'states:StartExecution',
    ]);
  });

  it('lets ECS invoke the hook function and nothing else', () => {
    const statements = statementsOf(stack, template, /DeploymentGateInvokeRole/);
    expect(statements.flatMap((s) => ([] as unknown[]).concat(s.Action))).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements)).toContain(JSON.stringify(stack.resolve(hookFunction?.functionArn)));
  });

  it('leaves no cdk-nag or safety-rule finding unacknowledged under the compute construct', () => {
    expect(unacknowledgedFindings(stack).filter((finding) => finding.includes('/Compute/'))).toEqual([]);
  });
});

describe('a blue/green first deploy (-c firstDeploy=true)', () => {
  const stack = platform('prod', { [FIRST_DEPLOY_CONTEXT]: 'true' });
  const template = Template.fromStack(stack);

  it('keeps blue/green and the test listener but adds no gate: no task runs, the verification is not deployed yet', () => {
    for (const props of Object.values(template.findResources('AWS::ECS::Service')).map((s) => s.Properties)) {
      expect(props.DeploymentConfiguration).toMatchObject({ Strategy: 'BLUE_GREEN' });
      expect(props.DeploymentConfiguration).not.toHaveProperty('LifecycleHooks');
    }
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080 }, 1);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { FunctionName: 'interactions-prod-deployment-lifecycle-hook' },
      0,
    );
  });
});

describe('synth annotations', () => {
  it.each(['staging', 'prod'] as const)(
    'carry no circuit-breaker warning for the blue/green services of %s (acknowledged with the reason)',
    (env) => {
      const warnings = Annotations.fromStack(stacks[env]).findWarning('*', Match.stringLikeRegexp('circuitBreaker'));
      expect(warnings).toEqual([]);
    },
  );
});

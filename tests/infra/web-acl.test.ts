import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { WebAcl } from '../../infra/constructs/web-acl.js';
import { PlatformStack } from '../../infra/stacks/platform-stack.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const EXPECTED_MANAGED_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

interface RuleJson {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: {
    ManagedRuleGroupStatement?: { VendorName: string; Name: string; RuleActionOverrides?: unknown };
    RateBasedStatement?: { Limit: number; AggregateKeyType: string };
  };
  VisibilityConfig: { CloudWatchMetricsEnabled: boolean; SampledRequestsEnabled: boolean; MetricName: string };
}

function build(scope: 'REGIONAL' | 'CLOUDFRONT', name: string, rateLimitPer5Minutes: number) {
  const stack = new Stack(testApp(), `WebAcl-${name}`, { env: { region: 'us-east-1', account: '123456789012' } });
  const acl = new WebAcl(stack, 'Acl', { name, scope, rateLimitPer5Minutes });
  return { stack, acl, template: Template.fromStack(stack) };
}

describe.each(ENVIRONMENT_NAMES)('WebAcl for %s', (envName) => {
  const config = loadConfig(envName);
  const name = `interactions-${envName}-cdn`;
  const { stack, template } = build('CLOUDFRONT', name, config.security.wafRateLimitPer5Minutes);
  const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]?.Properties as {
    Rules: RuleJson[];
    Scope: string;
    DefaultAction: Record<string, unknown>;
  };

  test('is one CLOUDFRONT-scope web ACL that allows by default', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: name,
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name },
    });
  });

  test('evaluates the AWS managed rule groups without overriding their block actions', () => {
    const managed = acl.Rules.filter((rule) => rule.Statement.ManagedRuleGroupStatement);
    expect(managed.map((rule) => rule.Statement.ManagedRuleGroupStatement)).toEqual(
      EXPECTED_MANAGED_GROUPS.map((groupName) => ({ VendorName: 'AWS', Name: groupName })),
    );
    for (const rule of managed) expect(rule.OverrideAction).toEqual({ None: {} });
  });

  test('blocks an IP above the configured rate limit per 5 minutes', () => {
    const rate = acl.Rules.filter((rule) => rule.Statement.RateBasedStatement);
    expect(rate).toHaveLength(1);
    expect(rate[0]?.Statement.RateBasedStatement).toEqual({
      Limit: config.security.wafRateLimitPer5Minutes,
      AggregateKeyType: 'IP',
    });
    expect(rate[0]?.Action).toEqual({ Block: {} });
  });

  test('gives every rule a unique priority and metrics with sampled requests', () => {
    expect(new Set(acl.Rules.map((rule) => rule.Priority)).size).toBe(acl.Rules.length);
    expect(acl.Rules).toHaveLength(EXPECTED_MANAGED_GROUPS.length + 1);
    for (const rule of acl.Rules) {
      expect(rule.VisibilityConfig).toEqual({
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
        MetricName: `${name}-${rule.Name}`,
      });
    }
  });

  test('logs to aws-waf-logs-<name> kept 90 days, redacting authorization and cookie', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `aws-waf-logs-${name}`,
      RetentionInDays: 90,
    });
    // Kept on stack deletion, but not after a rolled-back first create (its name would block the retry).
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AclWebAcl'), 'Arn'] },
      // WAF rejects the `:*` suffix that LogGroup.logGroupArn carries.
      LogDestinationConfigs: [`arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-${name}`],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
  });

  test('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('WebAcl for an ALB', () => {
  test('uses REGIONAL scope and the given limit', () => {
    const { template, acl } = build('REGIONAL', 'interactions-prod-alb', 500);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } }),
      ]),
    });
    expect(Stack.of(acl).resolve(acl.webAclArn)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^AclWebAcl/), 'Arn'],
    });
  });
});

describe('WebAcl SizeRestrictions_BODY (8 KB body limit)', () => {
  const managedRule = (scope: 'REGIONAL' | 'CLOUDFRONT', group: string) => {
    const { template } = build(scope, `size-${scope.toLowerCase()}`, 500);
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]?.Properties as { Rules: RuleJson[] };
    return acl.Rules.find((rule) => rule.Statement.ManagedRuleGroupStatement?.Name === group);
  };

  test('only counts on the ALB (REGIONAL), so /api/* POST/PUT bodies over 8 KB pass', () => {
    const common = managedRule('REGIONAL', 'AWSManagedRulesCommonRuleSet');
    expect(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    // The rest of the group, and every other group, keep their block actions.
    expect(common?.OverrideAction).toEqual({ None: {} });
    for (const group of EXPECTED_MANAGED_GROUPS.filter((g) => g !== 'AWSManagedRulesCommonRuleSet')) {
      expect(managedRule('REGIONAL', group)?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toBeUndefined();
    }
  });

  test('keeps blocking on CloudFront, which serves static GETs', () => {
    const common = managedRule('CLOUDFRONT', 'AWSManagedRulesCommonRuleSet');
    expect(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toBeUndefined();
    expect(common?.OverrideAction).toEqual({ None: {} });
  });
});

describe('WebAcl log removal policy', () => {
  test('an explicit policy (DESTROY for dev) replaces the default', () => {
    const stack = new Stack(testApp(), 'WebAcl-destroy', { env: { region: 'us-east-1', account: '123456789012' } });
    new WebAcl(stack, 'Acl', {
      name: 'interactions-dev-alb',
      scope: 'REGIONAL',
      rateLimitPer5Minutes: 100,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('PlatformStack regional (ALB) web ACL log group', () => {
  // Built once per environment: the platform stack is the only place the regional ACL is wired.
  const platform = Object.fromEntries(
    (['dev', 'prod'] as const).map((env) => [
      env,
      Template.fromStack(
        new PlatformStack(testApp(), `platform-${env}`, {
          config: loadConfig(env),
          env: { region: loadConfig(env).region },
        }),
      ),
    ]),
  );

  test.each([
    ['dev', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }],
    ['prod', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' }],
  ] as const)('%s: same per-environment policy as the edge ACL', (env, policy) => {
    platform[env]?.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ LogGroupName: `aws-waf-logs-interactions-${env}-alb` }),
      ...policy,
    });
  });
});

describe('WebAcl props', () => {
  const attempt = (props: { name: string; rateLimitPer5Minutes: number }) => () =>
    new WebAcl(new Stack(testApp(), 'Bad'), 'Acl', { scope: 'REGIONAL', ...props });

  test('fails when the rate limit is below WAF minimum of 10', () => {
    expect(attempt({ name: 'ok', rateLimitPer5Minutes: 9 })).toThrow(/rateLimitPer5Minutes.*at least 10.*got 9/);
  });

  test('fails when the rate limit is not an integer', () => {
    expect(attempt({ name: 'ok', rateLimitPer5Minutes: 100.5 })).toThrow(/rateLimitPer5Minutes/);
  });

  test('fails when the name is empty', () => {
    expect(attempt({ name: '', rateLimitPer5Minutes: 100 })).toThrow(/name must not be empty/);
  });

  test('fails when the name has characters WAF rejects', () => {
    expect(attempt({ name: 'bad name!', rateLimitPer5Minutes: 100 })).toThrow(/name 'bad name!'/);
  });

  test('accepts the minimum rate limit of 10', () => {
    expect(attempt({ name: 'edge', rateLimitPer5Minutes: 10 })).not.toThrow();
  });
});

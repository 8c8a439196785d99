import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, type EnvironmentConfig, loadConfig } from '../../infra/config/index.js';
import { EdgeStack } from '../../infra/stacks/edge-stack.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

/** Builds the edge stack as infra/app.ts does: account-agnostic, pinned to us-east-1. */
function build(config: EnvironmentConfig, env: { region?: string } = { region: 'us-east-1' }) {
  const app = testApp();
  const prefix = `interactions-${config.name}`;
  return new EdgeStack(app, `${prefix}-edge`, { stackName: `${prefix}-edge`, env, config });
}

describe.each(ENVIRONMENT_NAMES)('EdgeStack for %s', (envName) => {
  const config = loadConfig(envName);
  const stack = build(config);
  const template = Template.fromStack(stack);
  const webAclLogicalId = stack.getLogicalId(stack.webAcl.webAcl);

  test('lives in us-east-1', () => {
    expect(stack.region).toBe('us-east-1');
  });

  test('holds a CLOUDFRONT-scope web ACL attached to the distribution', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Name: `interactions-${envName}-cdn`, Scope: 'CLOUDFRONT' });
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [webAclLogicalId, 'Arn'] } },
    });
  });

  test('serves the environment assets bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: `interactions-${envName}-assets` });
  });

  test(`${envName === 'dev' ? 'deletes' : 'retains (except on a rolled-back create)'} the fixed-name WAF log group and assets bucket`, () => {
    // RetainExceptOnCreate: a failed first create's rollback removes them, so the retry can reuse the names.
    const expected =
      envName === 'dev'
        ? { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }
        : { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' };
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: `aws-waf-logs-interactions-${envName}-cdn` },
      ...expected,
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({ BucketName: `interactions-${envName}-assets` }),
      ...expected,
    });
  });

  test('relies on Shield Standard while shieldAdvanced is off', () => {
    expect(config.security.shieldAdvanced).toBe(false);
    template.resourceCountIs('AWS::Shield::Protection', 0);
    expect(stack.shieldProtection).toBeUndefined();
  });

  test('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('EdgeStack with Shield Advanced', () => {
  const base = loadConfig('prod');
  const stack = build({ ...base, security: { ...base.security, shieldAdvanced: true } });
  const template = Template.fromStack(stack);

  test('protects the distribution', () => {
    const distributionId = stack.getLogicalId(stack.assets.distribution.node.defaultChild as never);
    template.resourceCountIs('AWS::Shield::Protection', 1);
    template.hasResourceProperties('AWS::Shield::Protection', {
      Name: 'interactions-prod-cdn',
      ResourceArn: {
        'Fn::Join': [
          '',
          ['arn:aws:cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }],
        ],
      },
    });
  });

  test('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('EdgeStack placement', () => {
  test('fails when placed outside us-east-1', () => {
    expect(() => build(loadConfig('staging'), { region: 'eu-west-1' })).toThrow(
      /env\.region must be 'us-east-1'.*eu-west-1/,
    );
  });

  test('fails when region-agnostic', () => {
    expect(() => build(loadConfig('staging'), {})).toThrow(/env\.region must be 'us-east-1'/);
  });
});

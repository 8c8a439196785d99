/**
 * `interactions-<env>-dr`: the KMS key the nightly DR copy encrypts with, in the DR region, for the
 * environments that have one, and deployed before the automation that uses it.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { addEnvironment } from '../../infra/app.js';
import { ENVIRONMENT_NAMES, type EnvironmentConfig, loadConfig } from '../../infra/config/index.js';
import { DrStack } from '../../infra/stacks/dr-stack.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

/** Builds the DR stack as infra/app.ts does: account-agnostic, in the environment's DR region. */
function build(config: EnvironmentConfig, region: string | undefined = config.automation.drRegion) {
  const app = testApp();
  const stackName = `interactions-${config.name}-dr`;
  return new DrStack(app, stackName, { stackName, env: { region }, config });
}

const withDrRegion = ENVIRONMENT_NAMES.filter((env) => loadConfig(env).automation.drRegion !== '');

describe('which environments get a DR stack', () => {
  it('is staging and prod: dev has no DR region', () => {
    expect(withDrRegion).toEqual(['staging', 'prod']);
  });

  it.each(ENVIRONMENT_NAMES)('adds interactions-%s-dr in the DR region only where there is one', (env) => {
    // Prepare
    const config = loadConfig(env);

    // Act
    const { dr } = addEnvironment(testApp(), config);

    // Assess
    if (config.automation.drRegion === '') {
      expect(dr).toBeUndefined();
    } else {
      expect(dr?.stackName).toBe(`interactions-${env}-dr`);
      expect(dr?.region).toBe('us-west-2');
      expect(dr?.terminationProtection).toBe(env === 'prod');
    }
  });

  it.each(withDrRegion)('deploys interactions-%s-dr before the automation that copies with its key', (env) => {
    const { dr, automation } = addEnvironment(testApp(), loadConfig(env));

    expect(dr).toBeDefined();
    expect(automation.dependencies).toContain(dr);
  });

  it('refuses an environment without a DR region, naming the setting', () => {
    expect(() => build(loadConfig('dev'), 'us-west-2')).toThrow(/config\.automation\.drRegion of 'dev' is empty/);
  });

  it('refuses a region other than the DR region', () => {
    expect(() => build(loadConfig('prod'), 'us-east-1')).toThrow(
      /env\.region must be config\.automation\.drRegion 'us-west-2', got 'us-east-1'/,
    );
  });
});

describe.each(withDrRegion)('DrStack for %s', (envName) => {
  const stack = build(loadConfig(envName));
  const template = Template.fromStack(stack);
  const keyLogicalId = stack.getLogicalId(stack.snapshotKey.node.defaultChild as kms.CfnKey);

  it('holds one rotating KMS key with a description', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp(`interactions ${envName} DB snapshot copies`),
    });
  });

  it(`aliases the key alias/interactions-${envName}-dr, the name the DR copy uses`, () => {
    template.resourceCountIs('AWS::KMS::Alias', 1);
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/interactions-${envName}-dr`,
      TargetKeyId: { 'Fn::GetAtt': [keyLogicalId, 'Arn'] },
    });
  });

  it('retains the key (except on a rolled-back create): the DR copies are unreadable without it', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  it("lets the account's IAM policies grant the key, which CopyDBSnapshot's grant for RDS needs", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'kms:*',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Resource: '*',
          }),
        ]),
      },
    });
  });

  it('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('DrStack retention in dev', () => {
  it('would delete the key with the stack, as every fixed-name dev resource', () => {
    // Prepare: dev given a DR region, which its config does not have today.
    const dev = loadConfig('dev');
    const config = { ...dev, automation: { ...dev.automation, drRegion: 'us-west-2' } };

    // Act
    const template = Template.fromStack(build(config));

    // Assess
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});

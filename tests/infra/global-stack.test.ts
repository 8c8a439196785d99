/**
 * `interactions-global`: GitHub's OIDC provider once per account, the read-only CI diff role and,
 * with a domain, the zone, the certificates (CloudFront's in us-east-1, the ALB's in the
 * environment's region) and the alias records the environment stacks use.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addEnvironment, addGlobal } from '../../infra/app.js';
import { type DomainConfig, GLOBAL, type GlobalConfig, validateGlobalConfig } from '../../infra/config/global.js';
import { loadConfig } from '../../infra/config/index.js';
import { CI_DIFF_ROLE_NAME, GlobalStack } from '../../infra/stacks/global-stack.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const DOMAIN: DomainConfig = {
  zoneName: 'interactions.example.com',
  existingHostedZoneId: '',
  hosts: {
    dev: { app: 'app.dev.interactions.example.com', assets: 'assets.dev.interactions.example.com' },
    staging: { app: 'app.staging.interactions.example.com', assets: 'assets.staging.interactions.example.com' },
    prod: { app: 'app.interactions.example.com', assets: 'assets.interactions.example.com' },
  },
};

/** Builds the global stack alone. */
function buildGlobal(config: GlobalConfig = GLOBAL) {
  const global = addGlobal(testApp(), config);
  return { global, template: Template.fromStack(global) };
}

/** Builds the global stack and dev's stacks in one app, as infra/bin/app.ts does. */
function buildWithDev(config: GlobalConfig) {
  const app = testApp();
  const global = addGlobal(app, config);
  const dev = addEnvironment(app, loadConfig('dev'), { global });
  return { global, dev };
}

describe('interactions-global without a domain', () => {
  const { global, template } = buildGlobal();

  it("creates GitHub's OIDC provider for sts.amazonaws.com, retained when the stack goes", () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
    });
  });

  it('has no zone and no certificate', () => {
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(global.domain).toBeUndefined();
  });

  it('lets only the diff jobs of the repository assume interactions-ci-diff, through the OIDC provider', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: CI_DIFF_ROLE_NAME,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: {
              Federated: {
                Ref: global.getLogicalId(global.node.findChild('GithubOidcProvider').node.defaultChild as never),
              },
            },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': [
                  'repo:interactions/interactions-platform:environment:dev-diff',
                  'repo:interactions/interactions-platform:environment:staging-diff',
                  'repo:interactions/interactions-platform:environment:prod-diff',
                ],
              },
            },
          },
        ],
      },
    });
  });

  it('gives interactions-ci-diff read-only access and the CDK lookup roles, nothing that writes', () => {
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0] as {
      Properties: { ManagedPolicyArns: unknown[] };
    };
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':iam::aws:policy/ReadOnlyAccess');
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0] as {
      Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } };
    };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:aws:iam::',
              { Ref: 'AWS::AccountId' },
              ':role/cdk-hnb659fds-lookup-role-',
              { Ref: 'AWS::AccountId' },
              '-*',
            ],
          ],
        },
      }),
    ]);
  });

  it('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(global)).toEqual([]);
  });

  it('trusts the existing provider by its ARN when the account already has one', () => {
    // Act
    const { template: existing } = buildGlobal({ ...GLOBAL, createGithubOidcProvider: false });

    // Assess
    existing.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(JSON.stringify(existing.findResources('AWS::IAM::Role'))).toContain(
      ':oidc-provider/token.actions.githubusercontent.com',
    );
  });

  it('fails outside us-east-1, where CloudFront certificates cannot live', () => {
    expect(() => new GlobalStack(testApp(), 'G', { env: { region: 'eu-west-1' }, config: GLOBAL })).toThrow(
      "GlobalStack: env.region must be 'us-east-1'",
    );
  });
});

describe('the environment stacks with the global stack', () => {
  it('deploy after it: the CI/CD role trusts its OIDC provider', () => {
    // Act
    const { global, dev } = buildWithDev(GLOBAL);

    // Assess
    expect(dev.platform.dependencies).toContain(global);
    expect(dev.certificate).toBeUndefined();
  });
});

describe('interactions-global with a domain (zone created)', () => {
  const { global, dev } = buildWithDev({ ...GLOBAL, domain: DOMAIN });
  const template = Template.fromStack(global);
  const zoneId = global.getLogicalId(global.node.findChild('HostedZone').node.defaultChild as never);

  it('creates the public hosted zone', () => {
    template.resourcePropertiesCountIs('AWS::Route53::HostedZone', { Name: 'interactions.example.com.' }, 1);
  });

  it.each([
    ['dev', 'assets.dev.interactions.example.com'],
    ['staging', 'assets.staging.interactions.example.com'],
    ['prod', 'assets.interactions.example.com'],
  ])("creates %s's CloudFront certificate in us-east-1, DNS-validated in the zone", (_env, host) => {
    expect(global.region).toBe('us-east-1');
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: host,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: host, HostedZoneId: { Ref: zoneId } }],
    });
  });

  it("creates the ALB's certificate in the environment's region, DNS-validated in the global zone", () => {
    const certificate = dev.certificate;
    expect(certificate?.stackName).toBe('interactions-dev-certificate');
    expect(certificate?.region).toBe(loadConfig('dev').region);
    Template.fromStack(certificate as never).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'app.dev.interactions.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'app.dev.interactions.example.com', HostedZoneId: { 'Fn::ImportValue': Match.anyValue() } },
      ],
    });
  });

  it("serves the ALB's HTTPS listener with that certificate", () => {
    const platform = Template.fromStack(dev.platform);
    platform.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: { 'Fn::ImportValue': Match.stringLikeRegexp('interactions-dev-certificate') } }],
    });
  });

  it('points the app host at the ALB with an alias record in the zone', () => {
    Template.fromStack(dev.platform).hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'app.dev.interactions.example.com.',
      Type: 'A',
      HostedZoneId: { 'Fn::ImportValue': Match.stringLikeRegexp('interactions-global') },
      AliasTarget: { DNSName: Match.anyValue(), HostedZoneId: Match.anyValue() },
    });
  });

  it('serves the distribution on the assets host with the us-east-1 certificate, TLS 1.2 at least', () => {
    Template.fromStack(dev.edge).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['assets.dev.interactions.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: { 'Fn::ImportValue': Match.stringLikeRegexp('interactions-global') },
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      },
    });
  });

  it('points the assets host at the distribution with A and AAAA alias records', () => {
    const edge = Template.fromStack(dev.edge);
    for (const type of ['A', 'AAAA']) {
      edge.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'assets.dev.interactions.example.com.',
        Type: type,
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Distribution'), 'DomainName'] },
          HostedZoneId: { 'Fn::FindInMap': Match.anyValue() },
        },
      });
    }
  });

  it('has no unacknowledged cdk-nag findings in the global, certificate, platform and edge stacks', () => {
    const stacks = [global, dev.certificate, dev.platform, dev.edge].filter((stack) => stack !== undefined);
    expect(stacks.flatMap((stack) => unacknowledgedFindings(stack))).toEqual([]);
  });
});

describe('interactions-global with an existing zone', () => {
  it('uses the zone by its id: no zone created, no lookup, certificates validated in it', () => {
    // Act
    const { global, dev } = buildWithDev({
      ...GLOBAL,
      domain: { ...DOMAIN, existingHostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    });

    // Assess
    const template = Template.fromStack(global);
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [
        { DomainName: 'assets.dev.interactions.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
    Template.fromStack(dev.certificate as never).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [
        { DomainName: 'app.dev.interactions.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
  });
});

describe('validateGlobalConfig', () => {
  it('accepts the project settings and a sound domain', () => {
    expect(validateGlobalConfig(GLOBAL)).toEqual([]);
    expect(validateGlobalConfig({ ...GLOBAL, domain: DOMAIN })).toEqual([]);
  });

  it('names each bad field: a host outside the zone, a host used twice, a malformed zone id', () => {
    // Prepare
    const domain: DomainConfig = {
      ...DOMAIN,
      existingHostedZoneId: 'not-a-zone',
      hosts: { ...DOMAIN.hosts, dev: { app: 'app.other.com', assets: 'assets.interactions.example.com' } },
    };

    // Act
    const problems = validateGlobalConfig({ ...GLOBAL, domain });

    // Assess
    expect(problems).toEqual([
      "global.domain.existingHostedZoneId: 'not-a-zone' is not a Route53 hosted zone id (Z...)",
      "global.domain.hosts.dev.app: 'app.other.com' is not inside the zone interactions.example.com",
      "global.domain.hosts.prod.assets: 'assets.interactions.example.com' is used twice",
    ]);
  });
});

/**
 * `interactions-global` (us-east-1): what exists once per AWS account, shared by every environment.
 * - GitHub's OIDC provider, which every environment's `interactions-<env>-ci-cd` role trusts
 *   (IAM allows one per issuer URL and account, so no environment stack can own it).
 * - `interactions-ci-diff`: a read-only role the deploy workflow uses to show `cdk diff` before
 *   the prod approval.
 * - With a domain configured: the Route53 hosted zone (created, or an existing one by id) and each
 *   environment's CloudFront certificate (CloudFront takes certificates from us-east-1 only). The
 *   ALB certificates live in `interactions-<env>-certificate`, in each environment's region.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { type DomainConfig, GLOBAL_REGION, type GlobalConfig } from '../config/global.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../config/index.js';
import { GITHUB_OIDC_HOST } from '../constructs/compute/roles.js';
import { acknowledgeWildcard } from '../constructs/nag.js';

/** The name of the account-wide stack. */
export const GLOBAL_STACK_NAME = 'interactions-global';
/** The read-only role of the `cdk diff` job (.github/workflows/deploy.yml). */
export const CI_DIFF_ROLE_NAME = 'interactions-ci-diff';

/** The GitHub environment the diff job of `<env>` runs in; it has no reviewers, unlike `<env>` itself. */
export function diffEnvironment(envName: EnvironmentName): string {
  return `${envName}-diff`;
}

/** Props of {@link GlobalStack}. */
export interface GlobalStackProps extends StackProps {
  /** The validated account-wide settings (infra/config/global.ts). */
  readonly config: GlobalConfig;
}

/** The hosted zone of a configured domain, with the CloudFront certificate of each environment. */
export interface GlobalDomain {
  /** The zone's name and settings from config. */
  readonly config: DomainConfig;
  /** The public hosted zone: created here, or the existing one named by `existingHostedZoneId`. */
  readonly zone: route53.IHostedZone;
  /** DNS-validated certificate of each environment's `assets` host, in us-east-1 for CloudFront. */
  readonly cdnCertificates: Readonly<Record<EnvironmentName, acm.ICertificate>>;
}

export class GlobalStack extends Stack {
  /** ARN of GitHub's OIDC provider in this account (created here unless config says it exists). */
  readonly githubOidcProviderArn: string;
  /** `interactions-ci-diff`: reads the account and may assume the CDK bootstrap lookup roles. */
  readonly ciDiffRole: iam.Role;
  /** Present only when `config.domain` is set. */
  readonly domain?: GlobalDomain;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    if (Token.isUnresolved(this.region) || this.region !== GLOBAL_REGION) {
      throw new Error(
        `GlobalStack: env.region must be '${GLOBAL_REGION}' (CloudFront certificates exist only there), got '${props.env?.region ?? 'none'}'`,
      );
    }
    const { config } = props;
    this.githubOidcProviderArn = config.createGithubOidcProvider
      ? new iam.OidcProviderNative(this, 'GithubOidcProvider', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: ['sts.amazonaws.com'],
          // Other projects' roles in the account may trust it too: a stack rollback or deletion
          // must not cut every GitHub deploy of the account off.
          removalPolicy: RemovalPolicy.RETAIN,
        }).oidcProviderArn
      : this.formatArn({ service: 'iam', region: '', resource: 'oidc-provider', resourceName: GITHUB_OIDC_HOST });
    this.ciDiffRole = this.ciDiffRoleFor(config.githubRepository);
    if (config.domain !== undefined) this.domain = this.domainFor(config.domain);
  }

  /**
   * Trusts the diff jobs only (GitHub environments `<env>-diff`, which need no approval); it reads
   * everything `cdk diff` compares (ReadOnlyAccess: CloudFormation templates, SSM parameters) and
   * may assume the bootstrap lookup roles, never the deploy or publishing roles.
   */
  private ciDiffRoleFor(githubRepository: string): iam.Role {
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      this,
      'TrustedGithubOidcProvider',
      this.githubOidcProviderArn,
    );
    const role = new iam.Role(this, 'CiDiff', {
      roleName: CI_DIFF_ROLE_NAME,
      description: 'cdk diff before an approval (GitHub Actions diff jobs): read-only, CDK lookup roles',
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: ENVIRONMENT_NAMES.map(
            (env) => `repo:${githubRepository}:environment:${diffEnvironment(env)}`,
          ),
        },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      maxSessionDuration: Duration.hours(1),
    });
    const lookupRolesArn = this.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `cdk-hnb659fds-lookup-role-${this.account}-*`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'UseCdkLookupRoles', actions: ['sts:AssumeRole'], resources: [lookupRolesArn] }),
    );
    acknowledgeWildcard(
      role,
      lookupRolesArn,
      "The CDK bootstrap lookup role (read-only by design) of this account in each region the app deploys to; the region is the name's suffix.",
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]',
      reason:
        'cdk diff reads the deployed templates and whatever the app resolves at synth; AWS maintains ReadOnlyAccess as services add read actions, and it grants no write.',
    });
    return role;
  }

  private domainFor(domain: DomainConfig): GlobalDomain {
    const zone =
      domain.existingHostedZoneId === ''
        ? new route53.PublicHostedZone(this, 'HostedZone', {
            zoneName: domain.zoneName,
            comment: 'Interaction Management System: every environment, created by interactions-global',
          })
        : route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
            hostedZoneId: domain.existingHostedZoneId,
            zoneName: domain.zoneName,
          });
    const cdnCertificate = (env: EnvironmentName): acm.ICertificate =>
      new acm.Certificate(this, `CdnCertificate-${env}`, {
        domainName: domain.hosts[env].assets,
        certificateName: `interactions-${env}-cdn`,
        validation: acm.CertificateValidation.fromDns(zone),
      });
    // Every environment's, whichever `-c env` is synthesized: the global stack is the same for all.
    const cdnCertificates = {
      dev: cdnCertificate('dev'),
      staging: cdnCertificate('staging'),
      prod: cdnCertificate('prod'),
    };
    return { config: domain, zone, cdnCertificates };
  }
}

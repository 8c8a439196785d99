/**
 * Builds the stacks of one or more environments into a CDK app, with cdk-nag's AwsSolutions and
 * Serverless packs and the project's safety rules (infra/safety-rules) registered so any
 * unacknowledged finding fails the synth.
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { CloudFrontTarget, LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { names } from '../shared/naming.js';
import { type EnvironmentHosts, GLOBAL_REGION, type GlobalConfig } from './config/global.js';
import type { EnvironmentConfig } from './config/index.js';
import { resolvePublicUrls } from './config/public-urls.js';
import { DomainAlias } from './constructs/domain-alias.js';
import { InteractionsSafetyChecks } from './safety-rules/index.js';
import { AutomationStack } from './stacks/automation-stack.js';
import { CertificateStack } from './stacks/certificate-stack.js';
import { DrStack } from './stacks/dr-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { GLOBAL_STACK_NAME, type GlobalDomain, GlobalStack } from './stacks/global-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
  readonly edge: EdgeStack;
  readonly automation: AutomationStack;
  /** Present only where `automation.drRegion` is set (staging, prod): the DR copies' KMS key. */
  readonly dr?: DrStack;
  /** Present only when the platform has a domain: the ALB's certificate, in the environment's region. */
  readonly certificate?: CertificateStack;
}

/**
 * Adds `interactions-global` (us-east-1), the account-wide stack every environment depends on:
 * GitHub's OIDC provider, the read-only CI diff role and, with a domain, the zone and the
 * CloudFront certificates.
 */
export function addGlobal(app: App, config: GlobalConfig, account?: string): GlobalStack {
  return new GlobalStack(app, GLOBAL_STACK_NAME, {
    stackName: GLOBAL_STACK_NAME,
    description: 'Interaction Management System account-wide resources: GitHub OIDC provider, CI diff role, DNS zone',
    env: { account, region: GLOBAL_REGION },
    config,
    terminationProtection: true,
  });
}

/** Options of {@link addEnvironment}. */
export interface AddEnvironmentOptions {
  /**
   * The account-wide stack: the environment's stacks deploy after it (the CI/CD role trusts its OIDC
   * provider) and, when it has a domain, take their certificates and alias records from it.
   * @default no global stack: the OIDC provider must exist and the certificates come from config
   */
  readonly global?: GlobalStack;
}

/**
 * Adds one environment's stacks (`interactions-<env>-platform`, `-edge`, `-automation`, `-dr` in the
 * DR region where the environment has one, and `-certificate` when the platform has a domain).
 */
export function addEnvironment(
  app: App,
  baseConfig: EnvironmentConfig,
  options: AddEnvironmentOptions = {},
): EnvironmentStacks {
  const { global } = options;
  const account = baseConfig.account === '' ? undefined : baseConfig.account;
  const prefix = `interactions-${baseConfig.name}`;
  const certificate =
    global?.domain === undefined ? undefined : addCertificateStack(app, baseConfig, account, global.domain);
  const config =
    global?.domain === undefined || certificate === undefined
      ? baseConfig
      : withDomainCertificates(baseConfig, global.domain, certificate);
  // A zone created by the global stack is referenced across regions where the environment runs elsewhere.
  const crossRegionReferences = global?.domain !== undefined && config.region !== GLOBAL_REGION;
  const platform = new PlatformStack(app, `${prefix}-platform`, {
    stackName: `${prefix}-platform`,
    description: `Interaction Management System platform (${config.name}): VPC, ECS, RDS, ElastiCache, ALB, monitoring`,
    env: { account, region: config.region },
    config,
    terminationProtection: config.name === 'prod',
    crossRegionReferences,
  });
  const edge = new EdgeStack(app, `${prefix}-edge`, {
    stackName: `${prefix}-edge`,
    description: `Interaction Management System static assets and CDN (${config.name})`,
    env: { account, region: 'us-east-1' },
    config,
    terminationProtection: config.name === 'prod',
  });
  if (global !== undefined) {
    platform.addStackDependency(global, "the CI/CD role trusts the global stack's GitHub OIDC provider");
    if (global.domain !== undefined)
      addAliasRecords(global.domain.config.hosts[config.name], global.domain, platform, edge);
  }
  edge.addStackDependency(platform, "grants the platform's CI/CD role the invalidation of its distribution");
  const automation = new AutomationStack(app, `${prefix}-automation`, {
    stackName: `${prefix}-automation`,
    description: `Interaction Management System automation (${config.name}): backups, drills, verification, remediation`,
    env: { account, region: config.region },
    config,
    platform: {
      monitoring: platform.monitoring,
      database: platform.database,
      network: platform.network,
      failover: platform,
    },
  });
  const dr = config.automation.drRegion === '' ? undefined : addDrStack(app, config, account, automation);
  for (const stack of [platform, edge, automation, ...[dr, certificate].filter((s) => s !== undefined)]) {
    for (const [key, value] of Object.entries(config.tags)) Tags.of(stack).add(key, value);
  }
  return { platform, edge, automation, dr, certificate };
}

/** `interactions-<env>-certificate`: the ALB's DNS-validated certificate, in the environment's region. */
function addCertificateStack(
  app: App,
  config: EnvironmentConfig,
  account: string | undefined,
  domain: GlobalDomain,
): CertificateStack {
  const stackName = `interactions-${config.name}-certificate`;
  return new CertificateStack(app, stackName, {
    stackName,
    description: `Interaction Management System TLS certificate of the ALB (${config.name})`,
    env: { account, region: config.region },
    envName: config.name,
    hostName: domain.config.hosts[config.name].app,
    zoneName: domain.config.zoneName,
    hostedZoneId: domain.zone.hostedZoneId,
    crossRegionReferences: config.region !== GLOBAL_REGION,
  });
}

/**
 * The environment's config with the domain's certificates in place of `compute.albCertificateArn`
 * and `cdn.domainNames/certificateArn`, and its hosts' URLs in place of `verification.appUrl/cdnUrl`;
 * the stacks read certificates and public URLs from config only.
 */
function withDomainCertificates(
  config: EnvironmentConfig,
  domain: GlobalDomain,
  certificate: CertificateStack,
): EnvironmentConfig {
  return {
    ...config,
    compute: { ...config.compute, albCertificateArn: certificate.albCertificate.certificateArn },
    cdn: {
      ...config.cdn,
      domainNames: [domain.config.hosts[config.name].assets],
      certificateArn: domain.cdnCertificates[config.name].certificateArn,
    },
    verification: {
      ...config.verification,
      ...resolvePublicUrls(config.verification, domain.config.hosts[config.name]),
    },
  };
}

/** The environment's `app` host points at its ALB, its `assets` host at its CloudFront distribution. */
function addAliasRecords(
  hosts: EnvironmentHosts,
  domain: GlobalDomain,
  platform: PlatformStack,
  edge: EdgeStack,
): void {
  const zone = { zoneName: domain.config.zoneName, hostedZoneId: domain.zone.hostedZoneId };
  new DomainAlias(platform, 'AppDomainAlias', {
    ...zone,
    recordName: hosts.app,
    target: new LoadBalancerTarget(platform.compute.loadBalancer),
  });
  new DomainAlias(edge, 'AssetsDomainAlias', {
    ...zone,
    recordName: hosts.assets,
    target: new CloudFrontTarget(edge.assets.distribution),
    ipv6: true,
  });
}

/**
 * `interactions-<env>-dr` in the DR region. The automation depends on it so that
 * `cdk deploy 'interactions-<env>-*'` creates the DR key before the first night's copy needs it.
 */
function addDrStack(app: App, config: EnvironmentConfig, account: string | undefined, automation: AutomationStack) {
  const stackName = names.stack(config.name, 'dr');
  const dr = new DrStack(app, stackName, {
    stackName,
    description: `Interaction Management System DR region resources (${config.name}): KMS key of the DB snapshot copies`,
    env: { account, region: config.automation.drRegion },
    config,
    terminationProtection: config.name === 'prod',
  });
  automation.addStackDependency(dr, "the nightly DR copy encrypts with the DR stack's KMS key");
  return dr;
}

/** Registers cdk-nag on the whole app: synth exits non-zero on any unacknowledged finding. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new InteractionsSafetyChecks(app),
  );
}

/**
 * Account-wide settings of the `interactions-global` stack: what exists once per AWS account rather
 * than once per environment (GitHub's OIDC provider, the read-only CI diff role) and, when the
 * platform has its own domain, the DNS zone and each environment's host names.
 */
import { ENVIRONMENT_NAMES, type EnvironmentName } from './types.js';

/** The region of the global stack: Route53 and IAM are global, CloudFront certificates live only here. */
export const GLOBAL_REGION = 'us-east-1';

/** Host names of one environment, each inside {@link DomainConfig.zoneName}. */
export interface EnvironmentHosts {
  /** Name of the ALB (the application), e.g. `app.dev.interactions.example.com`. */
  readonly app: string;
  /** Name of the CloudFront distribution (static assets), e.g. `assets.dev.interactions.example.com`. */
  readonly assets: string;
}

/** The platform's own domain: one Route53 zone, certificates and alias records per environment. */
export interface DomainConfig {
  /** The hosted zone's name, e.g. `interactions.example.com`. */
  readonly zoneName: string;
  /**
   * Id of an existing public hosted zone for `zoneName` (e.g. `Z0123456789ABCDEFGHIJ`), used as is
   * (no lookup, so synth needs no credentials); empty creates the zone in the global stack, whose
   * name servers must then be delegated from the parent domain before the certificates validate.
   */
  readonly existingHostedZoneId: string;
  /** Host names per environment. */
  readonly hosts: Readonly<Record<EnvironmentName, EnvironmentHosts>>;
}

/** Settings of the `interactions-global` stack. */
export interface GlobalConfig {
  /**
   * GitHub repository (`owner/name`) whose workflows may assume the CI roles; the same value as
   * every environment's `compute.githubRepository`.
   */
  readonly githubRepository: string;
  /**
   * Whether the global stack creates GitHub's OIDC provider (`token.actions.githubusercontent.com`).
   * IAM allows one per URL and account: set false where another project already created it.
   */
  readonly createGithubOidcProvider: boolean;
  /** The platform's domain; undefined keeps the certificates of `compute.albCertificateArn` / `cdn.certificateArn`. */
  readonly domain?: DomainConfig;
}

/** This project's account-wide settings. */
export const GLOBAL: GlobalConfig = {
  githubRepository: 'interactions/interactions-platform',
  createGithubOidcProvider: true,
  // No domain yet: set one (see README, "Before the first deploy") to get DNS-validated certificates
  // and alias records instead of passing -c albCertificateArn.
  domain: undefined,
};

const HOSTED_ZONE_ID = /^Z[0-9A-Z]{1,31}$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Every problem of `config`, each naming its field; empty when it is sound. */
export function validateGlobalConfig(config: GlobalConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  check(
    /^[\w.-]+\/[\w.-]+$/.test(config.githubRepository),
    `global.githubRepository: '${config.githubRepository}' is not 'owner/name'`,
  );
  const { domain } = config;
  if (domain === undefined) return problems;
  check(DNS_NAME.test(domain.zoneName), `global.domain.zoneName: '${domain.zoneName}' is not a DNS name`);
  check(
    domain.existingHostedZoneId === '' || HOSTED_ZONE_ID.test(domain.existingHostedZoneId),
    `global.domain.existingHostedZoneId: '${domain.existingHostedZoneId}' is not a Route53 hosted zone id (Z...)`,
  );
  const seen = new Set<string>();
  for (const env of ENVIRONMENT_NAMES) {
    for (const part of ['app', 'assets'] as const) {
      const host = domain.hosts[env][part];
      const field = `global.domain.hosts.${env}.${part}`;
      check(DNS_NAME.test(host), `${field}: '${host}' is not a DNS name`);
      check(host.endsWith(`.${domain.zoneName}`), `${field}: '${host}' is not inside the zone ${domain.zoneName}`);
      check(!seen.has(host), `${field}: '${host}' is used twice`);
      seen.add(host);
    }
  }
  return problems;
}

/** Whether every environment's `compute.githubRepository` agrees with the global one. */
export function githubRepositoryProblems(
  config: GlobalConfig,
  environments: ReadonlyArray<{
    readonly name: EnvironmentName;
    readonly compute: { readonly githubRepository: string };
  }>,
): string[] {
  return environments
    .filter((env) => env.compute.githubRepository !== config.githubRepository)
    .map(
      (env) =>
        `compute.githubRepository of ${env.name} ('${env.compute.githubRepository}') differs from global.githubRepository ('${config.githubRepository}') in infra/config/global.ts`,
    );
}

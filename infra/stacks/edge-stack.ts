/**
 * `interactions-<env>-edge`: static assets behind CloudFront. It lives in us-east-1 because a
 * CloudFront web ACL (and a CloudFront certificate) can only exist there.
 */
import { Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { EnvironmentConfig } from '../config/index.js';
import { fixedNameRemovalPolicy } from '../constructs/removal.js';
import { ShieldProtection } from '../constructs/shield-protection.js';
import { StaticAssets } from '../constructs/static-assets.js';
import { WebAcl } from '../constructs/web-acl.js';

/** The only region where CloudFront-scope web ACLs and CloudFront certificates can be created. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
}

export class EdgeStack extends Stack {
  /** The assets bucket and the CloudFront distribution in front of it. */
  readonly assets: StaticAssets;
  /** The CLOUDFRONT-scope web ACL attached to the distribution. */
  readonly webAcl: WebAcl;
  /** Present only when `config.security.shieldAdvanced` is on (a paid subscription). */
  readonly shieldProtection?: ShieldProtection;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    if (Token.isUnresolved(this.region) || this.region !== EDGE_REGION) {
      throw new Error(
        `EdgeStack: env.region must be '${EDGE_REGION}' (CloudFront web ACLs exist only there), got '${props.env?.region ?? 'none'}'`,
      );
    }
    const { config } = props;
    this.webAcl = new WebAcl(this, 'CloudFrontWebAcl', {
      name: `interactions-${config.name}-cdn`,
      scope: 'CLOUDFRONT',
      rateLimitPer5Minutes: config.security.wafRateLimitPer5Minutes,
      // A retained, fixed-name log group would block the next deploy of a torn-down dev.
      logRemovalPolicy: fixedNameRemovalPolicy(config.name),
    });
    this.assets = new StaticAssets(this, 'StaticAssets', {
      envName: config.name,
      config: config.cdn,
      webAclArn: this.webAcl.webAclArn,
    });
    this.publishForFrontendDeploys(config);
    // Shield Standard covers the distribution already, at no cost; Advanced is opt-in and paid.
    if (config.security.shieldAdvanced) {
      this.shieldProtection = new ShieldProtection(this, 'DistributionShieldProtection', {
        name: `interactions-${config.name}-cdn`,
        resourceArn: this.assets.distribution.distributionArn,
      });
    }
  }

  /**
   * What `frontend deploy` needs beside the bucket: the distribution's id and domain as parameters
   * (the CLI and CI read them here, where the distribution lives), and the CI/CD role's permission
   * to invalidate exactly this distribution. The role belongs to the platform stack, which the app
   * deploys first (see infra/app.ts); the grant lives here because only this stack knows the id.
   */
  private publishForFrontendDeploys(config: EnvironmentConfig): void {
    const { distribution } = this.assets;
    const parameterNames = names.cdnParameters(config.name);
    const parameters = [
      new ssm.StringParameter(this, 'DistributionIdParameter', {
        parameterName: parameterNames.distributionId,
        description: `CloudFront distribution of interactions-${config.name} (frontend deploy invalidates it)`,
        stringValue: distribution.distributionId,
      }),
      new ssm.StringParameter(this, 'DistributionDomainParameter', {
        parameterName: parameterNames.domainName,
        description: `Domain the frontend of interactions-${config.name} is served on (frontend deploy verifies it)`,
        stringValue: config.cdn.domainNames[0] ?? distribution.distributionDomainName,
      }),
    ];
    const ciCd = iam.Role.fromRoleName(this, 'CiCdRole', names.ciCdRole(config.name));
    new iam.Policy(this, 'CiCdFrontendDeploy', {
      roles: [ciCd],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvalidateDistribution',
          actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          resources: [distribution.distributionArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadDistributionParameters',
          actions: ['ssm:GetParameters'],
          resources: parameters.map((parameter) => parameter.parameterArn),
        }),
      ],
    });
  }
}

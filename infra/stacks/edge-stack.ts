/**
 * `interactions-<env>-edge`: static assets behind CloudFront. It lives in us-east-1 because a
 * CloudFront web ACL (and a CloudFront certificate) can only exist there.
 */
import { Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
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
    // Shield Standard covers the distribution already, at no cost; Advanced is opt-in and paid.
    if (config.security.shieldAdvanced) {
      this.shieldProtection = new ShieldProtection(this, 'DistributionShieldProtection', {
        name: `interactions-${config.name}-cdn`,
        resourceArn: this.assets.distribution.distributionArn,
      });
    }
  }
}

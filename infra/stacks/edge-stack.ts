/**
 * `interactions-<env>-edge`: static assets behind CloudFront. It lives in us-east-1 because a
 * CloudFront web ACL (and a CloudFront certificate) can only exist there.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/index.js';
import { StaticAssets } from '../constructs/static-assets.js';
import { WebAcl } from '../constructs/web-acl.js';

export interface EdgeStackProps extends StackProps {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
}

export class EdgeStack extends Stack {
  readonly assets: StaticAssets;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const webAcl = new WebAcl(this, 'CloudFrontWebAcl', {
      name: `interactions-${config.name}-cdn`,
      scope: 'CLOUDFRONT',
      rateLimitPer5Minutes: config.security.wafRateLimitPer5Minutes,
    });
    this.assets = new StaticAssets(this, 'StaticAssets', {
      envName: config.name,
      config: config.cdn,
      webAclArn: webAcl.webAclArn,
    });
  }
}

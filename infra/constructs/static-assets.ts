/**
 * The seed's "Static Asset Management": the `interactions-<env>-assets` bucket and the CloudFront
 * distribution in front of it, with the seed's cache behaviours and the edge web ACL attached.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { CdnConfig, EnvironmentName } from '../config/index.js';
import { fixedNameRemovalPolicy } from './removal.js';

/** Default/min/max TTLs of the managed CachingOptimized policy (seconds). */
const CACHING_OPTIMIZED_TTLS = { min: 1, default: 86400, max: 31536000 } as const;

/** Days the access logs (S3 server access and CloudFront standard logs) are kept. */
const ACCESS_LOG_RETENTION_DAYS = 365;

export interface StaticAssetsProps {
  /** Environment the assets belong to; names the policies and picks the removal policy. */
  readonly envName: EnvironmentName;
  /** The environment's CDN slice: bucket name, TTLs, origin shield region, custom domain. */
  readonly config: CdnConfig;
  /** ARN of a `CLOUDFRONT`-scope WAF web ACL attached to the distribution. */
  readonly webAclArn: string;
}

/** Versioned, private S3 bucket for frontend assets, served only through CloudFront. */
export class StaticAssets extends Construct {
  /** The assets bucket (`interactions-<env>-assets`). */
  readonly bucket: s3.Bucket;
  /** Receives the assets bucket's server access logs and the distribution's standard logs. */
  readonly logsBucket: s3.Bucket;
  /** The CloudFront distribution serving the bucket. */
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: StaticAssetsProps) {
    super(scope, id);
    const { envName, config } = props;
    if (props.webAclArn === '') throw new Error('StaticAssets: webAclArn must not be empty');
    validateTtls(config);

    // Dev is torn down and rebuilt freely; a retained bucket with a fixed name would block the
    // next deploy there. Everywhere else the assets and their history outlive the stack, except
    // when the create that made them rolls back (the fixed name would block the retry).
    const disposable = envName === 'dev';
    const removal = {
      removalPolicy: fixedNameRemovalPolicy(envName),
      autoDeleteObjects: disposable,
    };

    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs (grant to the awslogsdelivery account), so
      // ACLs must stay enabled on this bucket; the grant is not public, BLOCK_ALL still holds.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
      ...removal,
    });
    // No access logging of its own (it would log into itself): cdk-nag's S1 already accepts a
    // bucket that is the access-log destination of another, so no acknowledgement is needed.

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: config.bucketName,
      versioned: true,
      // The seed: server-side encryption with Amazon S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // The seed's "public read for CloudFront, blocked direct access": nothing is public; the
      // distribution reads through Origin Access Control (bucket policy below, added by the origin).
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        {
          id: 'expire-previous-versions',
          noncurrentVersionExpiration: Duration.days(config.noncurrentVersionExpirationDays),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 's3-access/',
      ...removal,
    });

    // OAC signs CloudFront's requests; the generated bucket policy lets only this distribution
    // (`AWS:SourceArn`) read objects, so direct S3 access stays blocked.
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originShieldEnabled: true,
      originShieldRegion: config.originShieldRegion,
    });

    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `interactions-${envName}-security-headers`,
      comment: 'HSTS, nosniff, frame denial and referrer policy for static assets',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    const behavior = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      cachePolicy,
      responseHeadersPolicy,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
    });

    // `frontend deploy` keeps its releases and their manifests (who deployed) under releases/ in the
    // same bucket: the operator CLI reads them from S3; viewers get a 404, never the bookkeeping.
    const hideReleases = new cloudfront.Function(this, 'HideReleases', {
      functionName: `interactions-${envName}-hide-releases`,
      comment: 'Answers 404 for /releases/*: frontend deploy bookkeeping, not site content',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { return { statusCode: 404, statusDescription: 'Not Found' }; }",
      ),
    });

    const hasCustomDomain = config.domainNames.length > 0;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `interactions-${envName} static assets`,
      defaultBehavior: behavior(this.defaultCachePolicy(envName, config)),
      additionalBehaviors: {
        '/static/*': behavior(
          this.fixedTtlPolicy('StaticCachePolicy', `interactions-${envName}-static`, config.staticTtlSeconds),
        ),
        '/build/*': behavior(
          this.fixedTtlPolicy('BuildCachePolicy', `interactions-${envName}-build`, config.buildTtlSeconds),
        ),
        // The entry point must always be the latest deploy, so it is never cached at the edge.
        // A request for `/` matches the default behaviour (behaviours match the viewer's path,
        // not the root object), so the deploy script's invalidation of `/*` covers that path.
        '/index.html': behavior(cloudfront.CachePolicy.CACHING_DISABLED),
        '/releases/*': {
          ...behavior(cloudfront.CachePolicy.CACHING_DISABLED),
          functionAssociations: [{ function: hideReleases, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(hasCustomDomain
        ? {
            domainNames: [...config.domainNames],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The platform serves its users wherever they are; no country is excluded by the seed',
    });
    if (!hasCustomDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain is configured for this environment: the default *.cloudfront.net certificate cannot pin TLS 1.2; set cdn.domainNames/certificateArn to get TLSv1.2_2021',
      });
    }
  }

  /**
   * The seed names CachingOptimized with a 1-day default TTL, which is exactly the managed
   * policy's default: use it as is, and only build a custom policy if the config departs from it.
   */
  private defaultCachePolicy(envName: EnvironmentName, config: CdnConfig): cloudfront.ICachePolicy {
    if (config.defaultTtlSeconds === CACHING_OPTIMIZED_TTLS.default) return cloudfront.CachePolicy.CACHING_OPTIMIZED;
    return new cloudfront.CachePolicy(this, 'DefaultCachePolicy', {
      cachePolicyName: `interactions-${envName}-default`,
      comment: 'CachingOptimized with the configured default TTL',
      defaultTtl: Duration.seconds(config.defaultTtlSeconds),
      minTtl: Duration.seconds(CACHING_OPTIMIZED_TTLS.min),
      maxTtl: Duration.seconds(Math.max(CACHING_OPTIMIZED_TTLS.max, config.defaultTtlSeconds)),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
  }

  /** A CachingOptimized-like policy whose default and maximum TTL are both `ttlSeconds`. */
  private fixedTtlPolicy(id: string, name: string, ttlSeconds: number): cloudfront.CachePolicy {
    return new cloudfront.CachePolicy(this, id, {
      cachePolicyName: name,
      comment: `Assets cached for ${ttlSeconds} seconds`,
      defaultTtl: Duration.seconds(ttlSeconds),
      // Minimum 0 lets a `Cache-Control: no-cache` set by the deploy script still take effect.
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(ttlSeconds),
      // No headers, cookies or query strings in the key: the same object for every viewer.
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
  }
}

function validateTtls(config: CdnConfig): void {
  for (const key of ['defaultTtlSeconds', 'staticTtlSeconds', 'buildTtlSeconds'] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`StaticAssets: config.${key} must be a positive integer of seconds, got ${value}`);
    }
  }
  if (config.noncurrentVersionExpirationDays < 1) {
    throw new Error(
      `StaticAssets: config.noncurrentVersionExpirationDays must be at least 1, got ${config.noncurrentVersionExpirationDays}`,
    );
  }
}

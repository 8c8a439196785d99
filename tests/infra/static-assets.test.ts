import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type CdnConfig, ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { StaticAssets } from '../../infra/constructs/static-assets.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/interactions-test-cdn/0000';
/** AWS's managed policy ids (stable, documented). */
const CACHING_OPTIMIZED_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

interface BehaviorJson {
  PathPattern?: string;
  CachePolicyId: string | { Ref: string };
  Compress: boolean;
  ViewerProtocolPolicy: string;
  ResponseHeadersPolicyId: { Ref: string };
  AllowedMethods: string[];
}
interface DistributionConfigJson {
  CacheBehaviors: BehaviorJson[];
  DefaultCacheBehavior: BehaviorJson;
  [key: string]: unknown;
}
interface CachePolicyConfigJson {
  DefaultTTL: number;
  MinTTL: number;
  MaxTTL: number;
  ParametersInCacheKeyAndForwardedToOrigin: { EnableAcceptEncodingGzip: boolean; EnableAcceptEncodingBrotli: boolean };
}

function build(envName: (typeof ENVIRONMENT_NAMES)[number], cdn?: Partial<CdnConfig>) {
  const config = loadConfig(envName);
  const stack = new Stack(testApp(), `Assets-${envName}`, { env: { region: 'us-east-1' } });
  const assets = new StaticAssets(stack, 'Assets', {
    envName,
    config: { ...config.cdn, ...cdn },
    webAclArn: WEB_ACL_ARN,
  });
  return { stack, assets, config, template: Template.fromStack(stack) };
}

/** The properties of the single resource in `resources`, typed as the test reads them. */
function only<T>(resources: Record<string, Record<string, unknown>>): T {
  const values = Object.values(resources);
  expect(values).toHaveLength(1);
  return (values[0] as { Properties: T }).Properties;
}

describe.each(ENVIRONMENT_NAMES)('StaticAssets for %s', (envName) => {
  const { stack, assets, template } = build(envName);
  const bucketLogicalId = stack.getLogicalId(assets.bucket.node.defaultChild as never);
  const logsLogicalId = stack.getLogicalId(assets.logsBucket.node.defaultChild as never);
  const distribution = only<{ DistributionConfig: DistributionConfigJson }>(
    template.findResources('AWS::CloudFront::Distribution'),
  ).DistributionConfig;

  /** The TTLs of the cache policy a behaviour uses, resolving references to policies of this stack. */
  const ttlsOf = (behavior: BehaviorJson | undefined) => {
    const policyId = behavior?.CachePolicyId;
    if (typeof policyId !== 'object') throw new Error(`expected a custom cache policy, got ${String(policyId)}`);
    const policy = template.toJSON().Resources[policyId.Ref] as {
      Type: string;
      Properties: { CachePolicyConfig: CachePolicyConfigJson };
    };
    expect(policy.Type).toBe('AWS::CloudFront::CachePolicy');
    return policy.Properties.CachePolicyConfig;
  };
  const behaviorFor = (pattern: string) => distribution.CacheBehaviors.find((b) => b.PathPattern === pattern);

  describe('bucket', () => {
    const bucket = template.toJSON().Resources[bucketLogicalId] as {
      Properties: Record<string, unknown>;
      DeletionPolicy: string;
    };

    test('is interactions-<env>-assets, versioned, SSE-S3, fully private', () => {
      expect(bucket.Properties).toMatchObject({
        BucketName: `interactions-${envName}-assets`,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
    });

    test('expires previous versions after 30 days', () => {
      expect(bucket.Properties.LifecycleConfiguration).toEqual({
        Rules: expect.arrayContaining([
          { Id: 'expire-previous-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        ]),
      });
    });

    test('sends server access logs to the separate logs bucket', () => {
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logsLogicalId },
        LogFilePrefix: 's3-access/',
      });
    });

    test(`is ${envName === 'dev' ? 'deleted with' : 'retained after (except on a rolled-back create)'} the stack`, () => {
      expect(bucket.DeletionPolicy).toBe(envName === 'dev' ? 'Delete' : 'RetainExceptOnCreate');
      template.resourceCountIs('Custom::S3AutoDeleteObjects', envName === 'dev' ? 2 : 0);
    });

    test('denies plain HTTP and TLS below 1.2, and lets only this distribution read through OAC', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketLogicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 's3:GetObject',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'AWS:SourceArn': Match.objectLike({
                    'Fn::Join': Match.arrayWith([
                      Match.arrayWith([{ Ref: stack.getLogicalId(assets.distribution.node.defaultChild as never) }]),
                    ]),
                  }),
                },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('logs bucket', () => {
    const logs = template.toJSON().Resources[logsLogicalId] as { Properties: Record<string, unknown> };

    test('is encrypted, private, expiring and accepts CloudFront ACL writes', () => {
      expect(logs.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365 })] },
      });
    });
  });

  describe('distribution', () => {
    test('uses PriceClass_100, HTTP/2+3, index.html as root, the web ACL and standard logging', () => {
      expect(distribution).toMatchObject({
        PriceClass: 'PriceClass_100',
        HttpVersion: 'http2and3',
        DefaultRootObject: 'index.html',
        WebACLId: WEB_ACL_ARN,
        Enabled: true,
        Logging: { Bucket: { 'Fn::GetAtt': [logsLogicalId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      });
    });

    test('reads the bucket through Origin Access Control with Origin Shield in us-east-1', () => {
      const origins = distribution.Origins as Record<string, unknown>[];
      expect(origins).toHaveLength(1);
      expect(origins[0]).toMatchObject({
        DomainName: { 'Fn::GetAtt': [bucketLogicalId, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] },
        OriginShield: { Enabled: true, OriginShieldRegion: 'us-east-1' },
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
      });
    });

    test('redirects HTTP to HTTPS, compresses, serves GET/HEAD and adds security headers on every behaviour', () => {
      const all = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors];
      expect(all).toHaveLength(5);
      for (const behavior of all) {
        expect(behavior).toMatchObject({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: { Ref: expect.stringMatching(/SecurityHeaders/) },
        });
      }
    });

    test('caches the default behaviour with the managed CachingOptimized policy (1-day default TTL)', () => {
      expect(distribution.DefaultCacheBehavior.CachePolicyId).toBe(CACHING_OPTIMIZED_ID);
    });

    test('caches /static/* for one year', () => {
      expect(ttlsOf(behaviorFor('/static/*'))).toMatchObject({ DefaultTTL: 31536000, MaxTTL: 31536000 });
    });

    test('caches /build/* for one day', () => {
      expect(ttlsOf(behaviorFor('/build/*'))).toMatchObject({ DefaultTTL: 86400, MaxTTL: 86400 });
    });

    test('never caches /index.html', () => {
      expect(behaviorFor('/index.html')?.CachePolicyId).toBe(CACHING_DISABLED_ID);
    });

    test("answers 404 for /releases/* (frontend deploy's bookkeeping) with a viewer-request function", () => {
      const releases = behaviorFor('/releases/*') as { FunctionAssociations?: unknown[] } | undefined;
      expect(releases?.FunctionAssociations).toEqual([
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/HideReleases/), 'FunctionARN'] },
        },
      ]);
      const [fn] = Object.values(template.findResources('AWS::CloudFront::Function')) as {
        Properties: { FunctionCode: string };
      }[];
      expect(fn?.Properties.FunctionCode).toContain('statusCode: 404');
    });

    test('keys compressed variants separately in the custom policies', () => {
      for (const pattern of ['/static/*', '/build/*']) {
        expect(ttlsOf(behaviorFor(pattern)).ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        });
      }
    });

    test('sends HSTS, nosniff and frame denial', () => {
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: {
          Name: `interactions-${envName}-security-headers`,
          SecurityHeadersConfig: {
            StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
            ContentTypeOptions: { Override: true },
            FrameOptions: { FrameOption: 'DENY', Override: true },
          },
        },
      });
    });

    test('uses the default CloudFront certificate when no custom domain is configured', () => {
      expect(distribution.Aliases).toBeUndefined();
      expect(distribution.ViewerCertificate).toBeUndefined();
    });
  });

  test('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('StaticAssets with a custom domain', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
  const { stack, template } = build('prod', { domainNames: ['assets.example.com'], certificateArn });

  test('serves the domain with the ACM certificate over SNI and TLS 1.2 at least', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['assets.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  test('needs no TLS acknowledgement', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('StaticAssets with a non-default TTL', () => {
  test('builds a CachingOptimized-like policy with that default TTL', () => {
    const { template } = build('staging', { defaultTtlSeconds: 3600 });
    const distribution = only<{ DistributionConfig: DistributionConfigJson }>(
      template.findResources('AWS::CloudFront::Distribution'),
    ).DistributionConfig;
    const policyId = distribution.DefaultCacheBehavior.CachePolicyId as { Ref: string };
    expect(template.toJSON().Resources[policyId.Ref].Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: 3600,
      MinTTL: 1,
      MaxTTL: 31536000,
    });
  });
});

describe('StaticAssets props', () => {
  const attempt =
    (cdn: Partial<CdnConfig>, webAclArn = WEB_ACL_ARN) =>
    () =>
      new StaticAssets(new Stack(testApp(), 'Bad'), 'Assets', {
        envName: 'dev',
        config: { ...loadConfig('dev').cdn, ...cdn },
        webAclArn,
      });

  test('fails when the web ACL ARN is empty', () => {
    expect(attempt({}, '')).toThrow(/webAclArn/);
  });

  test('fails when a TTL is not a positive integer', () => {
    expect(attempt({ buildTtlSeconds: 0 })).toThrow(/config\.buildTtlSeconds/);
    expect(attempt({ staticTtlSeconds: 1.5 })).toThrow(/config\.staticTtlSeconds/);
  });

  test('fails when noncurrent versions would expire immediately', () => {
    expect(attempt({ noncurrentVersionExpirationDays: 0 })).toThrow(/noncurrentVersionExpirationDays/);
  });
});

/**
 * The internet-facing ALB `interactions-<env>`: HTTP redirected to HTTPS, TLS 1.2+ on 443, the
 * frontend by default and `/api/*` to the backend, access logs to an encrypted S3 bucket; with
 * blue/green, weighted rules and a test listener for ECS to move traffic with.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import type { EnvironmentName } from '../../config/index.js';

/** Properties of {@link PublicLoadBalancer}. */
export interface PublicLoadBalancerProps {
  /** Environment; names the ALB and turns on deletion protection in prod. */
  readonly envName: EnvironmentName;
  /** VPC whose `public` subnets hold the ALB. */
  readonly vpc: ec2.IVpc;
  /** The ALB's security group; its rules (80/443 in, container ports out) are the network's. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Regional ACM certificate of the HTTPS listener. */
  readonly certificateArn: string;
  /** Target of every request not matched by another rule. */
  readonly frontendTargetGroup: elbv2.IApplicationTargetGroup;
  /** Target of `/api/*`. */
  readonly backendTargetGroup: elbv2.IApplicationTargetGroup;
  /**
   * Days ALB access logs are kept.
   * @default 90 days
   */
  readonly accessLogRetentionDays?: number;
  /**
   * Blue/green routing: production rules and an HTTP test listener that forward to both target
   * groups of each service (weights 100/0; ECS moves them during a deployment).
   * @default rolling routing: the HTTPS listener forwards to the two target groups only
   */
  readonly blueGreen?: BlueGreenRouting;
}

/** The second target group of each service and the test listener's port. */
export interface BlueGreenRouting {
  /** The frontend's alternate target group. */
  readonly frontendAlternateTargetGroup: elbv2.IApplicationTargetGroup;
  /** The backend's alternate target group. */
  readonly backendAlternateTargetGroup: elbv2.IApplicationTargetGroup;
  /** Port of the HTTP test listener (opened to the VPC by the caller, never to the internet). */
  readonly testListenerPort: number;
}

/** The listener rules ECS blue/green moves traffic with: one per service and listener. */
export interface BlueGreenRules {
  /** `/api/*` on the HTTPS listener. */
  readonly backendProduction: elbv2.ApplicationListenerRule;
  /** Everything else on the HTTPS listener. */
  readonly frontendProduction: elbv2.ApplicationListenerRule;
  /** `/api/*` on the test listener. */
  readonly backendTest: elbv2.ApplicationListenerRule;
  /** Everything else on the test listener. */
  readonly frontendTest: elbv2.ApplicationListenerRule;
}

/** Path the ALB routes to the backend. */
export const API_PATH_PATTERN = '/api/*';
/** Priority of the backend rule on every listener (before the frontend's catch-all). */
const API_RULE_PRIORITY = 10;
/** Priority of the frontend's catch-all rule of a blue/green listener. */
const FRONTEND_RULE_PRIORITY = 100;

/**
 * ALB with an HTTPS listener (`SslPolicy.RECOMMENDED_TLS`: TLS 1.3 and 1.2 only) and an HTTP
 * listener that only redirects. Listeners are created closed: the network construct owns the
 * security group's internet ingress, so nothing here widens it.
 */
export class PublicLoadBalancer extends Construct {
  /** The ALB `interactions-<env>`. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** HTTPS:443 listener: frontend by default, `/api/*` to the backend. */
  readonly httpsListener: elbv2.ApplicationListener;
  /** HTTP:80 listener: a permanent redirect to HTTPS. */
  readonly httpListener: elbv2.ApplicationListener;
  /** SSE-S3 bucket of the ALB's access logs (ALB log delivery supports no KMS keys). */
  readonly accessLogsBucket: s3.Bucket;
  /** Blue/green only: the HTTP test listener on `testListenerPort`, where green gets test traffic. */
  readonly testListener?: elbv2.ApplicationListener;
  /** Blue/green only: the rules ECS moves the weights of. */
  readonly blueGreenRules?: BlueGreenRules;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const { envName } = props;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogRetentionDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Dev is torn down freely: its logs go with it (emptied first, a full bucket cannot be
      // deleted). Elsewhere they outlive the stack, but not a rolled-back first create.
      removalPolicy: envName === 'dev' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      autoDeleteObjects: envName === 'dev',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives ALB access logs, which are themselves the access audit trail; logging its own access would need another log bucket for no added evidence.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      loadBalancerName: names.prefix(envName),
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetGroupName: 'public' },
      securityGroup: props.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: envName === 'prod',
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogsBucket, 'alb');

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      // Blue/green moves traffic by rule weights (ECS takes a rule, not a default action): the
      // frontend gets a catch-all rule, and the default action is never reached.
      defaultAction: props.blueGreen ? noRoute() : elbv2.ListenerAction.forward([props.frontendTargetGroup]),
    });
    if (props.blueGreen) {
      const blueGreen = props.blueGreen;
      this.testListener = this.loadBalancer.addListener('Test', {
        port: blueGreen.testListenerPort,
        // Plain HTTP: the certificate names the public host, the hook's probes call the ALB's DNS name.
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: noRoute(),
      });
      const rules = (listener: elbv2.ApplicationListener) => ({
        backend: weightedRule(listener, 'ApiRule', API_RULE_PRIORITY, API_PATH_PATTERN, [
          props.backendTargetGroup,
          blueGreen.backendAlternateTargetGroup,
        ]),
        frontend: weightedRule(listener, 'FrontendRule', FRONTEND_RULE_PRIORITY, '/*', [
          props.frontendTargetGroup,
          blueGreen.frontendAlternateTargetGroup,
        ]),
      });
      const production = rules(this.httpsListener);
      const test = rules(this.testListener);
      this.blueGreenRules = {
        backendProduction: production.backend,
        frontendProduction: production.frontend,
        backendTest: test.backend,
        frontendTest: test.frontend,
      };
    } else {
      this.httpsListener.addAction('Api', {
        priority: API_RULE_PRIORITY,
        conditions: [elbv2.ListenerCondition.pathPatterns([API_PATH_PATTERN])],
        action: elbv2.ListenerAction.forward([props.backendTargetGroup]),
      });
    }

    this.httpListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
  }
}

/** The answer to a request no rule matches. */
function noRoute(): elbv2.ListenerAction {
  return elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
}

/**
 * A rule forwarding `pathPattern` to `[primary, alternate]` at weights 100/0, the state ECS blue/green
 * starts from; ECS moves the weights during a deployment and leaves them on the group that won. A
 * later stack update that changes such a rule would reset the weights to 100/0: change rules only
 * between deployments, and check which group serves before.
 */
function weightedRule(
  listener: elbv2.ApplicationListener,
  id: string,
  priority: number,
  pathPattern: string,
  [primary, alternate]: readonly [elbv2.IApplicationTargetGroup, elbv2.IApplicationTargetGroup],
): elbv2.ApplicationListenerRule {
  return new elbv2.ApplicationListenerRule(listener, id, {
    listener,
    priority,
    conditions: [elbv2.ListenerCondition.pathPatterns([pathPattern])],
    action: elbv2.ListenerAction.weightedForward([
      { targetGroup: primary, weight: 100 },
      { targetGroup: alternate, weight: 0 },
    ]),
  });
}

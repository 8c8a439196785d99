/**
 * An AWS WAF web ACL against the seed's "common web exploits (OWASP Top 10)": AWS managed rule
 * groups, a per-IP rate limit, and logging to CloudWatch Logs with credentials redacted.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS WAF's lowest accepted rate-based limit (requests per 5 minutes per key). */
export const WAF_MIN_RATE_LIMIT = 10;

/** The AWS managed rule groups every web ACL evaluates, in priority order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  // Cheapest first (25 WCU): known-bad IPs are dropped before the larger groups run.
  'AWSManagedRulesAmazonIpReputationList',
  // OWASP top-10 class: XSS, LFI/RFI, bad bots, oversized requests.
  'AWSManagedRulesCommonRuleSet',
  // Log4Shell, Java deserialization, localhost Host headers.
  'AWSManagedRulesKnownBadInputsRuleSet',
  // The application talks to PostgreSQL: SQL injection patterns in query, body, cookies.
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** Headers that carry credentials or session state and must never land in WAF logs. */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

export interface WebAclProps {
  /** Web ACL name (letters, digits, `-`, `_`); also names metrics and the log group `aws-waf-logs-<name>`. */
  readonly name: string;
  /** `CLOUDFRONT` for a distribution (the stack must be in us-east-1), `REGIONAL` for an ALB. */
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  /** Requests one IP may send in any 5-minute window before the rate rule blocks it (minimum 10). */
  readonly rateLimitPer5Minutes: number;
  /**
   * What happens to the WAF log group when the stack is deleted.
   * @default the log group is retained on stack deletion, so the security audit trail outlives the
   * stack, but removed when the create that made it rolls back (its fixed name would block the retry)
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Days the WAF logs are kept.
   * @default 90 days
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Rules of a managed group whose block is turned into count for this scope.
 *
 * The common rule set's SizeRestrictions_BODY blocks any request body over 8 KB. On the ALB that
 * breaks legitimate `/api/*` POST/PUT requests (interaction notes, attachments metadata), so the
 * regional ACL only counts it (still visible in metrics and logs); the SQLi and known-bad-input
 * groups keep inspecting those bodies. CloudFront serves static GETs only, so it keeps the block.
 */
function ruleActionOverrides(
  scope: WebAclProps['scope'],
  groupName: string,
): wafv2.CfnWebACL.RuleActionOverrideProperty[] | undefined {
  if (scope !== 'REGIONAL' || groupName !== 'AWSManagedRulesCommonRuleSet') return undefined;
  return [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }];
}

/** A WAFv2 web ACL (default allow) with managed rule groups, a per-IP rate limit and redacted logging. */
export class WebAcl extends Construct {
  /** ARN of the web ACL, for a CloudFront `webAclId` or a `CfnWebACLAssociation`. */
  readonly webAclArn: string;
  /** The underlying web ACL resource. */
  readonly webAcl: wafv2.CfnWebACL;
  /** The CloudWatch log group receiving the WAF logs (`aws-waf-logs-<name>`). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    validateProps(props);
    const { name } = props;

    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    const rateRule: wafv2.CfnWebACL.RuleProperty = {
      name: 'RateLimitPerIp',
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' },
      },
      visibilityConfig: visibility(`${name}-RateLimitPerIp`),
    };
    const managedRules = MANAGED_RULE_GROUPS.map(
      (groupName, index): wafv2.CfnWebACL.RuleProperty => ({
        name: groupName,
        priority: index + 1,
        // `none` keeps each managed rule's own action (block); `count` would only observe.
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: groupName,
            ruleActionOverrides: ruleActionOverrides(props.scope, groupName),
          },
        },
        visibilityConfig: visibility(`${name}-${groupName}`),
      }),
    );

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      scope: props.scope,
      description: `Managed OWASP-class rule groups and a ${props.rateLimitPer5Minutes} requests/5 min per-IP limit`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: [rateRule, ...managedRules],
    });
    this.webAclArn = this.webAcl.attrArn;

    // WAF only delivers to log groups whose name starts with `aws-waf-logs-`. No explicit resource
    // policy: WAF's log delivery adds its grant to the account's shared delivery policy, and one
    // policy per group would eat into the 10-resource-policies-per-region quota of CloudWatch Logs.
    const logGroupName = `aws-waf-logs-${name}`;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    // WAF wants the log group ARN without the `:*` suffix that `logGroupArn` carries.
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAclArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { Name: header } })),
    });
    logging.node.addDependency(this.logGroup);
  }
}

function validateProps(props: WebAclProps): void {
  if (props.name.trim() === '') throw new Error('WebAcl: name must not be empty');
  // WAF names: 1-128 of [A-Za-z0-9_-]; the log group adds 13 characters, well within its 512.
  if (!/^[\w-]{1,128}$/.test(props.name)) {
    throw new Error(`WebAcl: name '${props.name}' must be 1-128 letters, digits, '-' or '_'`);
  }
  if (!Number.isInteger(props.rateLimitPer5Minutes) || props.rateLimitPer5Minutes < WAF_MIN_RATE_LIMIT) {
    throw new Error(
      `WebAcl: rateLimitPer5Minutes must be an integer of at least ${WAF_MIN_RATE_LIMIT} (AWS WAF's minimum), got ${props.rateLimitPer5Minutes}`,
    );
  }
}

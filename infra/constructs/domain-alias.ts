/**
 * Alias records of one host name in the platform's hosted zone (infra/config/global.ts `domain`),
 * pointing at an AWS endpoint: the ALB (IPv4) or a CloudFront distribution (IPv4 and IPv6).
 */
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Props of {@link DomainAlias}. */
export interface DomainAliasProps {
  /** The zone's name. */
  readonly zoneName: string;
  /** The zone's id (a literal for an existing zone, or the global stack's zone). */
  readonly hostedZoneId: string;
  /** The fully qualified host name, inside the zone. */
  readonly recordName: string;
  /** The alias target, e.g. `new LoadBalancerTarget(alb)` or `new CloudFrontTarget(distribution)`. */
  readonly target: route53.IAliasRecordTarget;
  /**
   * Whether to add an AAAA record as well, for a target that answers on IPv6.
   * @default false: an A record only
   */
  readonly ipv6?: boolean;
}

/** An A (and optionally AAAA) alias record of one host. */
export class DomainAlias extends Construct {
  /** The A record. */
  readonly ipv4Record: route53.ARecord;

  constructor(scope: Construct, id: string, props: DomainAliasProps) {
    super(scope, id);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.zoneName,
    });
    const target = route53.RecordTarget.fromAlias(props.target);
    this.ipv4Record = new route53.ARecord(this, 'A', { zone, recordName: `${props.recordName}.`, target });
    if (props.ipv6 ?? false) {
      new route53.AaaaRecord(this, 'Aaaa', { zone, recordName: `${props.recordName}.`, target });
    }
  }
}

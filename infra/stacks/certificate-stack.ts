/**
 * `interactions-<env>-certificate`, in the environment's region (an ALB takes certificates from its
 * own region only): the DNS-validated certificate of the environment's `app` host, created when the
 * platform has a domain (infra/config/global.ts). CloudFormation writes the validation record into
 * the zone and waits until ACM has issued the certificate, so the platform stack's HTTPS listener
 * never gets a pending one.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { EnvironmentName } from '../config/index.js';

/** Props of {@link CertificateStack}. */
export interface CertificateStackProps extends StackProps {
  /** The environment the certificate serves. */
  readonly envName: EnvironmentName;
  /** The host name the ALB answers to (`global.domain.hosts.<env>.app`). */
  readonly hostName: string;
  /** The zone's name. */
  readonly zoneName: string;
  /** The zone's id: a literal for an existing zone, or the global stack's zone (a cross-stack reference). */
  readonly hostedZoneId: string;
}

export class CertificateStack extends Stack {
  /** The ALB's certificate for `hostName`. */
  readonly albCertificate: acm.Certificate;

  constructor(scope: Construct, id: string, props: CertificateStackProps) {
    super(scope, id, props);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.zoneName,
    });
    this.albCertificate = new acm.Certificate(this, 'AlbCertificate', {
      domainName: props.hostName,
      certificateName: `interactions-${props.envName}-alb`,
      validation: acm.CertificateValidation.fromDns(zone),
    });
  }
}

/**
 * Shield Advanced protection for one resource. Shield Standard already guards every CloudFront
 * distribution and ALB at no cost; Shield Advanced is a paid subscription (a monthly fee per
 * organization plus data transfer), so this construct is only created when
 * `config.security.shieldAdvanced` is on, and the account must already be subscribed.
 */
import { Token } from 'aws-cdk-lib';
import * as shield from 'aws-cdk-lib/aws-shield';
import { Construct } from 'constructs';

export interface ShieldProtectionProps {
  /** Protection name shown in the Shield console (1-128 characters). */
  readonly name: string;
  /** ARN of the protected resource: a CloudFront distribution, ALB, Elastic IP or Route 53 zone. */
  readonly resourceArn: string;
}

/** A Shield Advanced protection (paid subscription; Shield Standard needs no resource at all). */
export class ShieldProtection extends Construct {
  /** The underlying protection resource. */
  readonly protection: shield.CfnProtection;
  /** ARN of the protection. */
  readonly protectionArn: string;

  constructor(scope: Construct, id: string, props: ShieldProtectionProps) {
    super(scope, id);
    if (props.name.trim() === '') throw new Error('ShieldProtection: name must not be empty');
    if (props.name.length > 128) {
      throw new Error(`ShieldProtection: name must be at most 128 characters, got ${props.name.length}`);
    }
    if (!Token.isUnresolved(props.resourceArn) && !props.resourceArn.startsWith('arn:')) {
      throw new Error(`ShieldProtection: resourceArn '${props.resourceArn}' is not an ARN`);
    }
    this.protection = new shield.CfnProtection(this, 'Protection', {
      name: props.name,
      resourceArn: props.resourceArn,
    });
    this.protectionArn = this.protection.attrProtectionArn;
  }
}

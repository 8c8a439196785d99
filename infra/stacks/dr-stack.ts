/**
 * `interactions-<env>-dr`: what the DR region must hold before the nightly snapshot housekeeping
 * copies a DB snapshot there, today the KMS key `alias/interactions-<env>-dr` that encrypts the
 * copies. Only environments with `automation.drRegion` get this stack; it lives in that region.
 */
import { Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { EnvironmentConfig, EnvironmentName } from '../config/index.js';
import { fixedNameRemovalPolicy } from '../constructs/removal.js';

/** The alias the housekeeping's DR copy encrypts with (workflows/snapshot-housekeeping/dr-copy.ts). */
export function drKeyAliasName(envName: EnvironmentName): string {
  return `alias/${names.drKeyAlias(envName)}`;
}

export interface DrStackProps extends StackProps {
  /** The environment's validated configuration; its `automation.drRegion` must be set. */
  readonly config: EnvironmentConfig;
}

export class DrStack extends Stack {
  /** Encrypts the DR copies of the DB snapshots; aliased `alias/interactions-<env>-dr`. */
  readonly snapshotKey: kms.Key;

  constructor(scope: Construct, id: string, props: DrStackProps) {
    super(scope, id, props);
    const { config } = props;
    const drRegion = config.automation.drRegion;
    if (drRegion === '') {
      throw new Error(
        `DrStack: config.automation.drRegion of '${config.name}' is empty; this environment has no DR region`,
      );
    }
    if (Token.isUnresolved(this.region) || this.region !== drRegion) {
      throw new Error(
        `DrStack: env.region must be config.automation.drRegion '${drRegion}', got '${props.env?.region ?? 'none'}'`,
      );
    }
    // CDK's default key policy gives the account root kms:*, which lets IAM policies grant the key.
    // CopyDBSnapshot needs exactly that: the automation's role holds kms:DescribeKey and
    // kms:CreateGrant (for an AWS resource) on keys carrying this alias, and RDS makes the grant
    // it encrypts the copy with on the caller's behalf. No service principal is named here.
    this.snapshotKey = new kms.Key(this, 'SnapshotCopyKey', {
      alias: drKeyAliasName(config.name),
      description: `Encrypts the interactions ${config.name} DB snapshot copies in the DR region (${drRegion})`,
      enableKeyRotation: true,
      // The DR copies are unreadable without this key, so it outlives the stack (except when its
      // own first create rolls back, before any copy exists).
      removalPolicy: fixedNameRemovalPolicy(config.name),
    });
  }
}

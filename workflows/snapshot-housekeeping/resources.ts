/**
 * The ARNs the housekeeping's IAM statements are scoped to, in the stack's region, partition and
 * account. dev, staging and prod share the account and region: every pattern that names snapshots
 * carries the environment prefix `interactions-<env>-` wherever the name is the automation's.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';

/** The housekeeping's resource ARNs (see the module comment). */
export class HousekeepingResources {
  /** Every DB snapshot of the source region (manual snapshots carry operator-chosen names). */
  readonly allSnapshots: string;
  /** Every cache snapshot: the DescribeSnapshots listing is authorized on the snapshot resource type. */
  readonly allCacheSnapshots: string;
  /** The automation's cache snapshots: `snapshot:interactions-<env>-*`. */
  readonly ownCacheSnapshots: string;
  /** Every DB snapshot of the DR region, or `''` without one. */
  readonly allDrSnapshots: string;
  /** This environment's DR copies, `snapshot:interactions-<env>-dr-*` in the DR region, or `''` without one. */
  readonly drCopies: string;
  /** The DB instance whose snapshots are listed. */
  readonly instance: string;

  private readonly stack: Stack;

  constructor(scope: Construct, envName: Environment, instanceId: string, drRegion: string) {
    this.stack = Stack.of(scope);
    this.allSnapshots = this.rds('snapshot', '*');
    this.allCacheSnapshots = this.cacheSnapshot('*');
    this.ownCacheSnapshots = this.cacheSnapshot(`${names.prefix(envName)}-*`);
    this.allDrSnapshots = drRegion === '' ? '' : this.rds('snapshot', '*', drRegion);
    this.drCopies = drRegion === '' ? '' : this.rds('snapshot', `${names.prefix(envName)}-dr-*`, drRegion);
    this.instance = this.rds('db', instanceId);
  }

  /** An RDS ARN (`arn:...:rds:<region>:<account>:<resource>:<name>`). @default the stack's region */
  rds(resource: string, resourceName: string, region?: string): string {
    return this.stack.formatArn({
      service: 'rds',
      resource,
      resourceName,
      region,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** An ElastiCache snapshot ARN in the stack's region. */
  cacheSnapshot(resourceName: string): string {
    return this.stack.formatArn({
      service: 'elasticache',
      resource: 'snapshot',
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

/**
 * The ARNs the housekeeping's IAM statements are scoped to (built with workflows/common/arns.ts).
 * dev, staging and prod share the account and region: every pattern that names the automation's
 * snapshots carries the environment prefix `interactions-<env>-`.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';
import { elastiCacheArn, ownCacheSnapshotsArn, rdsArn } from '../common/arns.js';

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
  /**
   * Executions of the state machines that make the automation's snapshots (on-demand-snapshot,
   * cache-snapshot): the selection looks up whether a snapshot's run failed.
   */
  readonly ownerExecutions: string[];

  constructor(scope: Construct, envName: Environment, instanceId: string, drRegion: string) {
    this.allSnapshots = rdsArn(scope, 'snapshot', '*');
    this.allCacheSnapshots = elastiCacheArn(scope, 'snapshot', '*');
    this.ownCacheSnapshots = ownCacheSnapshotsArn(scope, envName);
    this.allDrSnapshots = drRegion === '' ? '' : rdsArn(scope, 'snapshot', '*', drRegion);
    this.drCopies = drRegion === '' ? '' : rdsArn(scope, 'snapshot', `${names.prefix(envName)}-dr-*`, drRegion);
    this.instance = rdsArn(scope, 'db', instanceId);
    this.ownerExecutions = (['on-demand-snapshot', 'cache-snapshot'] as const).map((workflow) =>
      Stack.of(scope).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${names.stateMachine(envName, workflow)}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
  }
}

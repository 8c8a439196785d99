/**
 * What a snapshot service (RDS DB snapshots, ElastiCache snapshots) contributes to the shared
 * snapshot lifecycle (snapshot-lifecycle.ts): its Step Functions SDK calls as the integrations spell
 * them, the resources they are granted on, the statuses that end the wait, its error names and the
 * messages naming it. Data only: a workflow describes its service here and the lifecycle builds the
 * states and the IAM grants from it, so both services get the same graph and the same guards.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePath } from './failure-path.js';
import type { SdkErrorPrefix } from './retry.js';
import type { ResourceTagConditionKey } from './tag-conditions.js';

/** An SDK call the lifecycle makes, as a CallAwsService names it. */
export interface SnapshotServiceCall {
  /** SDK action in camelCase, e.g. `describeDBSnapshots`. */
  readonly action: string;
  /** The IAM action CallAwsService grants, e.g. `rds:DescribeDBSnapshots`. */
  readonly iamAction: string;
  /** What the call is granted on. */
  readonly iamResources: readonly string[];
}

/** The service-specific parts of a snapshot workflow (see the module comment). */
export interface SnapshotService {
  /** Step Functions SDK service and IAM prefix; also the guarded-delete function's `service`. */
  readonly service: 'rds' | 'elasticache';
  /** Prefix of the service's SDK-integration errors (`Rds.…`, `ElastiCache.…`). */
  readonly errorPrefix: SdkErrorPrefix;
  /** The `kind` of request the validate function plans. */
  readonly requestKind: 'db' | 'cache';
  /** Parameter that names the snapshot in create and describe, in the integration's spelling (`DbSnapshotIdentifier`). */
  readonly snapshotNameParameter: string;
  /** ARN pattern of the snapshots this workflow may create, describe and (guarded) delete. */
  readonly snapshotsArn: string;
  /** The create call. */
  readonly create: SnapshotServiceCall & {
    /** Parameters naming the source (the instance, the replication group), before the snapshot name and tags. */
    readonly source: Readonly<Record<string, string>>;
    /** `resultSelector` of the create: at least `id.$`; becomes `$.created`. */
    readonly resultSelector: Readonly<Record<string, string>>;
  };
  /** The describe call (one snapshot by name); its result is selected whole, as `snapshots`. */
  readonly describe: SnapshotServiceCall & {
    /** JSONPath of the snapshot list in the response, e.g. `$.DbSnapshots`. */
    readonly listPath: string;
  };
  /** Field of a described snapshot holding its status (`Status`, `SnapshotStatus`). */
  readonly statusField: string;
  /** Statuses the snapshot never leaves for `available`: exact values and `stringMatches` patterns. */
  readonly terminalStatuses: { readonly equals: readonly string[]; readonly matches?: readonly string[] };
  /** Fields of `$.created` besides `id` when an existing snapshot of this execution is adopted. @default only `id` */
  readonly adoptedFields?: Readonly<Record<string, string>>;
  /** How the tags of an existing snapshot (name already taken) are read. */
  readonly existingTags: {
    /** JSONPath of the `[{ Key, Value }]` list once read. */
    readonly tagListPath: string;
    /**
     * States between "Describe existing snapshot" (result in `$.existing.snapshots`) and the tag check
     * `next`, for a service whose describe returns no tags; `notFound` rejects the duplicate name.
     * @default none: the describe result carries the tags
     */
    readonly read?: (scope: ExistingTagsScope) => sfn.IChainable;
  };
  /**
   * Error names: of the create (`alreadyExists`, `quotaExceeded`), and of a Describe by name that does
   * not find the snapshot (`notFound`: right after the create, while the new snapshot is not yet visible).
   */
  readonly errors: { readonly alreadyExists: string; readonly quotaExceeded: string; readonly notFound: string };
  /** `States.Format` expressions of the failure causes (`$.plan.snapshotName` names the snapshot). */
  readonly messages: {
    readonly duplicateName: string;
    readonly quotaRefused: string;
    readonly snapshotFailed: string;
    readonly waitTimedOut: string;
  };
  /** How IAM conditions name a snapshot's tags (`rds:snapshot-tag`, `aws:ResourceTag`). */
  readonly resourceTagKey: ResourceTagConditionKey;
  /** What the guarded-delete function is granted: the reads its tag guard makes, and the delete. */
  readonly guardedDelete: { readonly readActions: readonly string[]; readonly deleteAction: string };
}

/** What `SnapshotService.existingTags.read` builds with. */
export interface ExistingTagsScope {
  /** Scope of the states it creates. */
  readonly scope: Construct;
  /** The workflow's failure path (for the Catch of its tasks). */
  readonly failure: FailurePath;
  /** The tag check to continue to once the tags are at `tagListPath`. */
  readonly next: sfn.IChainable;
  /** Rejects the duplicate name (e.g. the existing snapshot vanished before it was described). */
  readonly notFound: sfn.IChainable;
}

/**
 * TemporaryReplicationGroup: the disposable Redis of a drill that restores the platform's cache
 * (the quarterly full restore test), beside TemporaryDbInstance. Three pieces, each a state graph:
 *
 *   create     "Restore cache from snapshot": a Lambda (functions/restore-cache-snapshot) restores the
 *              platform's newest snapshot into a group named from the execution, in the cache subnet
 *              group, encrypted at rest and (like the platform) in transit with the platform's AUTH
 *              token, tagged at creation; a taken name is adopted only when its tags name THIS
 *              execution. A Lambda, not an SDK integration: the AUTH token must never enter the
 *              execution's state, which is logged at level ALL.
 *   wait       Wait -> Describe -> Choice (PollLoop) until `available`, `create-failed`, or the budget.
 *   deletion   "Temporary replication group to delete?" -> "Delete temporary replication group"
 *              (retried while ElastiCache's state forbids it: a group still `creating` when the drill
 *              failed elsewhere) -> the next state: ONE delete state for the success and failure paths.
 *
 * The fragment owns the IAM of its states and of the create function: create and tag only with the
 * automation's request tags, never retag a group the automation already tagged, delete only groups
 * carrying the automation's tags of this environment, all scoped to `<namePrefix>*`.
 *
 * State under `statePath` (default `$.cache`): `created` (the create's result: there is a group of
 * ours), `described` (the last poll), `deletion` (`{ status }` once the delete was accepted, or
 * `absent`), `deletionError` (the delete failed after its retries; the path goes on). Not
 * `$.cleanupError`: TemporaryDbInstance skips its delete when that is present.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import type { Environment, WorkflowName } from '../../shared/naming.js';
import { elastiCacheArn } from './arns.js';
import type { FailurePath } from './failure-path.js';
import { lambdaTask } from './lambda-task.js';
import { PollLoop } from './poll-loop.js';
import { retrySdkTransient, transientSdkErrors } from './retry.js';
import { alreadyManagedConditions, ownedResourceConditions, tagOnCreateConditions } from './tag-conditions.js';

/** The state names of the fragment (tests, runbooks and dashboards refer to them). */
export const TEMPORARY_CACHE_STATES = {
  create: 'Restore cache from snapshot',
  startWaiting: 'Start waiting for cache',
  wait: 'Wait for cache',
  describe: 'Describe restored replication group',
  count: 'Count cache poll',
  available: 'Cache available?',
  createFailed: 'Cache restore failed',
  waitTimedOut: 'Cache wait timed out',
  toDelete: 'Temporary replication group to delete?',
  delete: 'Delete temporary replication group',
  alreadyGone: 'Record replication group already gone',
} as const;

/**
 * How long ElastiCache may refuse the delete because of the group's state (`creating`,
 * `modifying`, `snapshotting`): 30 s, 45 s, ... then every 2 minutes, about 25 minutes in all, which
 * covers a group still being created from its snapshot when the drill failed elsewhere. A group still
 * refusing after that is reported (`deletionError`) and left to the sweeper.
 */
export const CACHE_DELETE_WHILE_BUSY_RETRY = {
  errors: ['ElastiCache.InvalidReplicationGroupStateException'],
  interval: Duration.seconds(30),
  backoffRate: 1.5,
  maxDelay: Duration.minutes(2),
  maxAttempts: 15,
} as const;

/** The platform's AUTH token: the restored group requires the same one, so the backend's secret still fits. */
export interface CacheAuthToken {
  /** `/interactions/<env>/redis-auth-token`. */
  readonly secret: secretsmanager.ISecret;
  /** Alias of the key that encrypts it and the platform's snapshots (`alias/interactions-<env>-redis`). */
  readonly keyAlias: string;
}

/** Props of TemporaryReplicationGroup. */
export interface TemporaryReplicationGroupProps {
  /** The environment whose tags the group carries and whose grants are scoped to it. */
  readonly envName: Environment;
  /** The workflow (sent to the create function for log correlation). */
  readonly workflow: WorkflowName;
  /** The plan's `purpose`: groups are `interactions-<env>-<purpose>-<hash>`, which scopes the IAM. */
  readonly purpose: string;
  /** functions/restore-cache-snapshot: the fragment grants it what the create needs. */
  readonly restoreFunction: lambda.IFunction;
  /** The platform's replication group: the snapshots' source. */
  readonly sourceReplicationGroupId: string;
  /** The platform's cache subnet group (`interactions-<env>-redis`). */
  readonly subnetGroupName: string;
  /** Security group ids of the temporary group. */
  readonly securityGroupIds: readonly string[];
  /** Node type of the temporary group (one node). */
  readonly nodeType: string;
  /** Redis engine version: the platform's (a snapshot restores into the same or a newer one). */
  readonly engineVersion: string;
  /** Port: the platform's. */
  readonly port: number;
  /** The platform's AUTH token; transit encryption follows it. @default no AUTH token and no transit encryption (the platform has none: dev) */
  readonly authToken?: CacheAuthToken;
  /** JSONPath of the `[{ Key, Value }]` tags (the plan's, for this execution). */
  readonly tagsPath: string;
  /** Pause between polls. */
  readonly pollInterval: Duration;
  /** Longest wait for `available`, counted from the first poll. */
  readonly waitBudget: Duration;
  /** Where the fragment keeps its state. @default '$.cache' */
  readonly statePath?: string;
}

/** The temporary restored replication group of a drill (see the module comment). */
export class TemporaryReplicationGroup extends Construct {
  /** JSONPath present once the group is this execution's (created or adopted): the create's result. */
  readonly createdPath: string;
  /** JSONPath of the delete's outcome (`{ status }`). */
  readonly deletionPath: string;
  /** JSONPath of the delete's error after its retries. */
  readonly deletionErrorPath: string;
  /** JSONPath of the primary endpoint's address once available. */
  readonly endpointAddressPath: string;
  /** JSONPath of the primary endpoint's port once available. */
  readonly endpointPortPath: string;

  private readonly props: TemporaryReplicationGroupProps;
  private readonly path: string;
  private readonly groupId: string;
  private readonly groupsArn: string;
  private readonly membersArn: string;
  private deletionEntry?: sfn.Choice;

  constructor(scope: Construct, id: string, props: TemporaryReplicationGroupProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9]{1,15}$/.test(props.purpose)) {
      throw new Error(
        `TemporaryReplicationGroup: purpose must be 2-16 lower-case letters and digits (got "${props.purpose}")`,
      );
    }
    if (props.waitBudget.toSeconds() < props.pollInterval.toSeconds()) {
      throw new Error('TemporaryReplicationGroup: waitBudget must be at least one pollInterval');
    }
    this.props = props;
    this.path = props.statePath ?? '$.cache';
    this.createdPath = `${this.path}.created`;
    this.deletionPath = `${this.path}.deletion`;
    this.deletionErrorPath = `${this.path}.deletionError`;
    this.groupId = `${this.createdPath}.replicationGroupId`;
    const primary = `${this.path}.described.groups[0].NodeGroups[0].PrimaryEndpoint`;
    this.endpointAddressPath = `${primary}.Address`;
    this.endpointPortPath = `${primary}.Port`;
    const prefix = `interactions-${props.envName}-${props.purpose}-`;
    this.groupsArn = elastiCacheArn(this, 'replicationgroup', `${prefix}*`);
    this.membersArn = elastiCacheArn(this, 'cluster', `${prefix}*`);
    this.grantCreate();
  }

  /** The ARN patterns of every temporary group and its member clusters, for acknowledgements. */
  get arnPatterns(): readonly string[] {
    return [this.groupsArn, this.membersArn];
  }

  /** "Restore cache from snapshot": every error goes to `failure` (whose cleanup must go through `deletion()`). */
  create(failure: FailurePath): tasks.LambdaInvoke {
    const { props } = this;
    return failure.catch(
      lambdaTask(this, TEMPORARY_CACHE_STATES.create, {
        workflow: props.workflow,
        lambdaFunction: props.restoreFunction,
        payload: {
          environment: props.envName,
          purpose: props.purpose,
          sourceReplicationGroupId: props.sourceReplicationGroupId,
          nodeType: props.nodeType,
          engineVersion: props.engineVersion,
          port: props.port,
          subnetGroupName: props.subnetGroupName,
          securityGroupIds: [...props.securityGroupIds],
          transitEncryption: props.authToken !== undefined,
          ...(props.authToken === undefined ? {} : { authTokenSecretArn: props.authToken.secret.secretArn }),
          tags: sfn.JsonPath.listAt(props.tagsPath),
        },
        resultPath: this.createdPath,
      }),
    );
  }

  /** Wait -> "Describe restored replication group" -> "Cache available?" until available, failed or out of budget. */
  waitUntilAvailable(failure: FailurePath, onAvailable: sfn.IChainable): PollLoop {
    const names = TEMPORARY_CACHE_STATES;
    const status = `${this.path}.described.groups[0].Status`;
    const describe = new tasks.CallAwsService(this, names.describe, {
      service: 'elasticache',
      action: 'describeReplicationGroups',
      parameters: { ReplicationGroupId: sfn.JsonPath.stringAt(this.groupId) },
      iamResources: [this.groupsArn],
      iamAction: 'elasticache:DescribeReplicationGroups',
      resultSelector: { 'groups.$': '$.ReplicationGroups' },
      resultPath: `${this.path}.described`,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    return new PollLoop(this, 'Wait', {
      names: { start: names.startWaiting, wait: names.wait, count: names.count, choice: names.available },
      interval: this.props.pollInterval,
      budget: this.props.waitBudget,
      describe,
      // Not found yet is "not visible yet" (the describe after a create is eventually consistent).
      transientErrors: [...transientSdkErrors('ElastiCache'), 'ElastiCache.ReplicationGroupNotFoundException'],
      failure,
      ready: sfn.Condition.and(sfn.Condition.isPresent(status), sfn.Condition.stringEquals(status, 'available')),
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(status),
        sfn.Condition.or(
          sfn.Condition.stringEquals(status, 'create-failed'),
          sfn.Condition.stringEquals(status, 'deleting'),
        ),
      ),
      onReady: onAvailable,
      onFailed: failure.raise(names.createFailed, 'ResourceFailedError', {
        format: `States.Format('ElastiCache reports the restored replication group {} as {}', ${this.groupId}, ${status})`,
      }),
      onTimeout: failure.raise(names.waitTimedOut, 'WaitTimedOutError', {
        format: `States.Format('The restored replication group {} was not available after {} polls', ${this.groupId}, $.poll.count)`,
      }),
    });
  }

  /**
   * The one delete of the group: "Temporary replication group to delete?" (this execution's group,
   * not yet deleted) -> "Delete temporary replication group" -> `next`, whatever the delete answered.
   * Built once; the failure path's cleanup and the success path both enter it.
   */
  deletion(next: sfn.IChainable): sfn.IChainable {
    if (this.deletionEntry !== undefined) return this.deletionEntry;
    const names = TEMPORARY_CACHE_STATES;
    const remove = new tasks.CallAwsService(this, names.delete, {
      service: 'elasticache',
      action: 'deleteReplicationGroup',
      // A drill's copy is worth nothing once checked: no final snapshot.
      parameters: { ReplicationGroupId: sfn.JsonPath.stringAt(this.groupId), RetainPrimaryCluster: false },
      // The statement CallAwsService writes has no conditions: a read here, the delete below with them.
      iamResources: [this.groupsArn],
      iamAction: 'elasticache:DescribeReplicationGroups',
      additionalIamStatements: [
        new iam.PolicyStatement({
          actions: ['elasticache:DeleteReplicationGroup'],
          resources: [this.groupsArn, this.membersArn],
          conditions: ownedResourceConditions(this.props.envName, 'aws:ResourceTag'),
        }),
      ],
      resultSelector: { 'status.$': '$.ReplicationGroup.Status' },
      resultPath: this.deletionPath,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    remove.addRetry({ ...CACHE_DELETE_WHILE_BUSY_RETRY, errors: [...CACHE_DELETE_WHILE_BUSY_RETRY.errors] });
    retrySdkTransient(remove, 'ElastiCache');
    const gone = new sfn.Pass(this, names.alreadyGone, {
      result: sfn.Result.fromObject({ status: 'absent' }),
      resultPath: this.deletionPath,
    });
    remove.addCatch(gone, {
      errors: ['ElastiCache.ReplicationGroupNotFoundException'],
      resultPath: `${this.path}.notFound`,
    });
    remove.addCatch(next, { errors: ['States.ALL'], resultPath: this.deletionErrorPath });
    remove.next(next);
    gone.next(next);
    this.deletionEntry = new sfn.Choice(this, names.toDelete)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent(this.createdPath),
          sfn.Condition.not(sfn.Condition.isPresent(this.deletionPath)),
          sfn.Condition.not(sfn.Condition.isPresent(this.deletionErrorPath)),
        ),
        remove,
      )
      .otherwise(next);
    return this.deletionEntry;
  }

  /** What the create function may do: read the snapshots, create and tag only this drill's groups, read the token. */
  private grantCreate(): void {
    const { props } = this;
    const stack = Stack.of(this);
    const fn = props.restoreFunction;
    // Subnet and parameter groups are not among arns.ts's types: only the create authorizes on them.
    const placementArn = (resource: string, name: string) =>
      stack.formatArn({
        service: 'elasticache',
        resource,
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const platformSnapshots = elastiCacheArn(this, 'snapshot', '*');
    const sourceMembers = elastiCacheArn(this, 'cluster', `${props.sourceReplicationGroupId}-*`);
    const defaultParameterGroups = placementArn('parametergroup', 'default.redis*');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeSnapshots'],
        resources: [
          platformSnapshots,
          elastiCacheArn(this, 'replicationgroup', props.sourceReplicationGroupId),
          sourceMembers,
        ],
      }),
    );
    // ElastiCache authorizes the create on the new group and its clusters, the snapshot, the subnet
    // group and the default parameter group, each with the request's tags.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:CreateReplicationGroup'],
        resources: [
          this.groupsArn,
          this.membersArn,
          platformSnapshots,
          placementArn('subnetgroup', props.subnetGroupName),
          defaultParameterGroups,
        ],
        conditions: tagOnCreateConditions(props.envName),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:AddTagsToResource'],
        resources: [this.groupsArn, this.membersArn],
        conditions: tagOnCreateConditions(props.envName),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['elasticache:AddTagsToResource'],
        resources: [this.groupsArn, this.membersArn],
        conditions: alreadyManagedConditions('aws:ResourceTag'),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeReplicationGroups', 'elasticache:ListTagsForResource'],
        resources: [this.groupsArn],
      }),
    );
    this.acknowledgeCreateWildcards(fn, [
      [
        this.groupsArn,
        'Temporary replication groups are named from the execution at run time under the drill prefix; create and tagging require the automation request tags.',
      ],
      [
        this.membersArn,
        'The member clusters ElastiCache names after the temporary group (<group>-001); create and tagging require the automation request tags.',
      ],
      [
        platformSnapshots,
        "The platform's snapshots are named by ElastiCache (automatic.<group>-<date>) and by the snapshot workflows: read, and restored from only into a group carrying the automation request tags.",
      ],
      [
        sourceMembers,
        "The platform group's member clusters (<group>-001...), which DescribeSnapshots authorizes on: read only.",
      ],
      [
        defaultParameterGroups,
        "The default Redis parameter groups the temporary group is created with (the platform's volatile-lru is Redis's default too): used by the create only, which requires the automation request tags.",
      ],
    ]);
    if (props.authToken === undefined) return;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.authToken.secret.secretArn],
      }),
    );
    // The token and the snapshots are encrypted with the platform's cache key, known here by its alias.
    const keyByAlias = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.authToken.keyAlias } };
    const anyKey = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [anyKey],
        conditions: {
          ...keyByAlias,
          StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` },
        },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:DescribeKey'],
        resources: [anyKey],
        conditions: {
          ...keyByAlias,
          StringEquals: { 'kms:ViaService': `elasticache.${stack.region}.${stack.urlSuffix}` },
        },
      }),
    );
    this.acknowledgeCreateWildcards(fn, [
      [
        anyKey,
        `Only the key with alias ${props.authToken.keyAlias} (kms:ResourceAliases), only through Secrets Manager or ElastiCache (kms:ViaService): the platform stack owns the key, known here by its alias.`,
      ],
    ]);
  }

  /** The narrow acknowledgements of the create function's wildcard resources, each with its reason. */
  private acknowledgeCreateWildcards(fn: lambda.IFunction, wildcards: readonly (readonly [string, string])[]): void {
    if (fn.role === undefined) return;
    for (const [resource, reason] of wildcards) acknowledgeWildcard(fn.role, resource, reason);
  }
}

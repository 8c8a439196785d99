/**
 * TemporaryDbInstance: the disposable database of a restore drill, written once for every drill
 * that restores the platform's database (the monthly point-in-time recovery test, the quarterly full
 * restore). Three pieces, each a state graph:
 *
 *   restore    "Restore database to point in time" into an instance named and tagged by the plan,
 *              with every placement explicit (RDS's defaults are the default VPC security group,
 *              subnet group and parameter group); on InstanceAlreadyExists the existing instance is
 *              adopted only when its tags name THIS execution (a retried restore whose first attempt
 *              succeeded), else the drill fails and touches nothing.
 *   wait       Wait -> Describe -> Choice (PollLoop) until `available`, a state it never leaves, or
 *              the time budget.
 *   deletion   "Temporary instance to delete?" -> "Delete temporary instance" (no final snapshot,
 *              automated backups deleted, retried while RDS's state forbids the delete) ->
 *              "Deleted after a failure?": ONE delete state that both the success path and the
 *              failure path's cleanup go through, so no path can skip it.
 *
 * The fragment owns the IAM of its states: restore and tag only with the automation's request tags,
 * never retag an instance the automation already tagged, delete only instances carrying the
 * automation's tags of this environment (tag-conditions.ts), all scoped to `<namePrefix>*`.
 *
 * State it uses, under `statePath` (default `$.instance`): `created` (set by the restore or the
 * adoption: there is an instance of ours), `described` (the last poll), `existing` (the adoption's
 * describe), `deletion` (`{ status }` once the delete was accepted, or `absent`). A failed delete
 * is caught into `$.cleanupError` and the path goes on.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Environment } from '../../shared/naming.js';
import { rdsArn } from './arns.js';
import { ERROR_PATH, type FailurePath } from './failure-path.js';
import { ownedByThisExecution } from './ownership.js';
import { PollLoop } from './poll-loop.js';
import { retrySdkTransient, transientSdkErrors } from './retry.js';
import { alreadyManagedConditions, ownedResourceConditions, tagOnCreateConditions } from './tag-conditions.js';

/** The state names of the fragment (tests, runbooks and dashboards refer to them). */
export const TEMPORARY_DB_STATES = {
  restore: 'Restore database to point in time',
  describeExisting: 'Describe existing instance',
  existingHasTags: 'Existing instance has tags?',
  adopt: 'Adopt own instance',
  rejectForeign: 'Reject foreign instance',
  startWaiting: 'Start waiting for instance',
  wait: 'Wait for instance',
  describe: 'Describe restored instance',
  count: 'Count instance poll',
  available: 'Instance available?',
  restoreFailed: 'Restore failed',
  waitTimedOut: 'Restore wait timed out',
  toDelete: 'Temporary instance to delete?',
  delete: 'Delete temporary instance',
  alreadyGone: 'Record instance already gone',
  afterFailure: 'Deleted after a failure?',
} as const;

/**
 * Statuses a restoring instance never leaves for `available`: RDS ends a restore it cannot complete
 * in `failed` or one of the `incompatible-*` states; `deleting` means someone else is removing it.
 */
const TERMINAL_STATUSES = ['failed', 'deleting', 'storage-full', 'inaccessible-encryption-credentials'];

/**
 * How long RDS may refuse the delete because of the instance's state (`modifying`, `backing-up`,
 * `configuring-*`), retried 15 s, 22 s, 34 s, 51 s, then every 60 s: about 8 minutes in all, so the
 * delete is requested within 10 minutes of the verification result even in the worst case; an
 * instance still refusing after that is reported (`$.cleanupError`) and left to the sweeper.
 */
export const DELETE_WHILE_BUSY_RETRY = {
  errors: ['Rds.InvalidDbInstanceStateException'],
  interval: Duration.seconds(15),
  backoffRate: 1.5,
  maxDelay: Duration.seconds(60),
  maxAttempts: 10,
} as const;

/** Where a delete that failed after its retries is recorded (the report names it; the sweeper removes the instance). */
export const CLEANUP_ERROR_PATH = '$.cleanupError';

/** Where the temporary instance lives: every placement RDS would otherwise default. */
export interface TemporaryDbPlacement {
  /** The DB subnet group (the private data subnets). */
  readonly subnetGroupName: string;
  /** The instance's security groups (reachable only from the drill's verifier). */
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** The environment's parameter group. */
  readonly parameterGroupName: string;
  /** Instance class, e.g. `db.t4g.medium`. */
  readonly instanceClass: string;
}

/** Props of TemporaryDbInstance. */
export interface TemporaryDbInstanceProps {
  /** The environment whose tags the instance carries and whose grants are scoped to it. */
  readonly envName: Environment;
  /** The instance restored from. */
  readonly source: rds.IDatabaseInstance;
  /** The key of the source's storage: the restored instance is encrypted with it (RDS creates a grant). */
  readonly encryptionKey: kms.IKey;
  /** Every temporary instance's identifier starts with this (`interactions-<env>-pitr-`): scopes the IAM. */
  readonly namePrefix: string;
  /** The plan: `<planPath>.instance.identifier`, `<planPath>.instance.tags`, `<planPath>.restorePoint`. */
  readonly planPath: string;
  /** Subnets, security groups, parameter group and class. */
  readonly placement: TemporaryDbPlacement;
  /** Pause between polls (the resolution of the measured restore time). */
  readonly pollInterval: Duration;
  /** Longest wait for `available`. */
  readonly waitBudget: Duration;
  /** Where the fragment keeps its state. @default '$.instance' */
  readonly statePath?: string;
}

/** The temporary restored DB instance of a drill (see the module comment). */
export class TemporaryDbInstance extends Construct {
  /** JSONPath of the instance's endpoint address once available. */
  readonly endpointAddressPath: string;
  /** JSONPath of the instance's endpoint port once available. */
  readonly endpointPortPath: string;
  /** JSONPath that is present once the instance is this execution's (created or adopted). */
  readonly createdPath: string;
  /** JSONPath of the delete's outcome (`{ status }`). */
  readonly deletionPath: string;

  private readonly props: TemporaryDbInstanceProps;
  private readonly path: string;
  private readonly identifier: string;
  private readonly instancesArn: string;
  private deletionEntry?: sfn.Choice;
  private afterDeletion?: sfn.Choice;

  constructor(scope: Construct, id: string, props: TemporaryDbInstanceProps) {
    super(scope, id);
    if (!/^interactions-[a-z]+-[a-z0-9]+-$/.test(props.namePrefix)) {
      throw new Error(
        `TemporaryDbInstance: namePrefix must look like interactions-<env>-<purpose>- (got "${props.namePrefix}")`,
      );
    }
    if (props.waitBudget.toSeconds() < props.pollInterval.toSeconds()) {
      throw new Error('TemporaryDbInstance: waitBudget must be at least one pollInterval');
    }
    this.props = props;
    this.path = props.statePath ?? '$.instance';
    this.identifier = `${props.planPath}.instance.identifier`;
    this.instancesArn = rdsArn(this, 'db', `${props.namePrefix}*`);
    this.createdPath = `${this.path}.created`;
    this.deletionPath = `${this.path}.deletion`;
    this.endpointAddressPath = `${this.path}.described.instances[0].Endpoint.Address`;
    this.endpointPortPath = `${this.path}.described.instances[0].Endpoint.Port`;
  }

  /** The ARN pattern of every temporary instance (`db:<namePrefix>*`), for acknowledgements. */
  get instancesArnPattern(): string {
    return this.instancesArn;
  }

  /**
   * Restore -> (adopt own instance | fail) -> wait until available -> `onAvailable`. Every error of
   * the restore and the wait goes to `failure`, whose cleanup must go through `deletion()`.
   */
  restoreAndWait(failure: FailurePath, onAvailable: sfn.IChainable): sfn.IChainable {
    const restore = this.restoreTask();
    const adopt = this.adoptOrReject(failure, restore);
    // After the AlreadyExists catch added by adoptOrReject: States.ALL must be the last catcher.
    failure.catch(restore);
    const wait = this.waitLoop(failure, onAvailable);
    restore.next(wait);
    adopt.next(wait);
    return restore;
  }

  /**
   * The one delete of the instance: "Temporary instance to delete?" (this execution's instance, not
   * yet deleted) -> "Delete temporary instance" -> "Deleted after a failure?" -> `afterFailure` when
   * the state holds a failure (`$.error`), else the success continuation (`continueAfterDeletion`).
   * Built once; the failure path's cleanup and the success path both enter it.
   */
  deletion(afterFailure: sfn.IChainable): sfn.IChainable {
    if (this.deletionEntry !== undefined) return this.deletionEntry;
    const names = TEMPORARY_DB_STATES;
    this.afterDeletion = new sfn.Choice(this, names.afterFailure).when(
      sfn.Condition.isPresent(ERROR_PATH),
      afterFailure,
    );
    const remove = new tasks.CallAwsService(this, names.delete, {
      service: 'rds',
      action: 'deleteDBInstance',
      parameters: {
        DbInstanceIdentifier: sfn.JsonPath.stringAt(this.identifier),
        // A drill's copy is worth nothing once verified: no final snapshot, no retained backups.
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      },
      // The statement CallAwsService writes has no conditions: a read here, the delete below with them.
      iamResources: [this.instancesArn],
      iamAction: 'rds:DescribeDBInstances',
      additionalIamStatements: [
        new iam.PolicyStatement({
          actions: ['rds:DeleteDBInstance'],
          resources: [this.instancesArn],
          conditions: ownedResourceConditions(this.props.envName, 'rds:db-tag'),
        }),
      ],
      resultSelector: { 'status.$': '$.DbInstance.DbInstanceStatus' },
      resultPath: this.deletionPath,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    remove.addRetry({ ...DELETE_WHILE_BUSY_RETRY, errors: [...DELETE_WHILE_BUSY_RETRY.errors] });
    retrySdkTransient(remove, 'Rds');
    const gone = new sfn.Pass(this, names.alreadyGone, {
      result: sfn.Result.fromObject({ status: 'absent' }),
      resultPath: this.deletionPath,
    });
    remove.addCatch(gone, { errors: ['Rds.DbInstanceNotFoundException'], resultPath: '$.notFound' });
    remove.addCatch(this.afterDeletion, { errors: ['States.ALL'], resultPath: CLEANUP_ERROR_PATH });
    remove.next(this.afterDeletion);
    gone.next(this.afterDeletion);
    this.deletionEntry = new sfn.Choice(this, names.toDelete)
      .when(
        // Once per execution: not again after it was accepted, nor after it failed all its retries.
        sfn.Condition.and(
          sfn.Condition.isPresent(this.createdPath),
          sfn.Condition.not(sfn.Condition.isPresent(this.deletionPath)),
          sfn.Condition.not(sfn.Condition.isPresent(CLEANUP_ERROR_PATH)),
        ),
        remove,
      )
      .otherwise(this.afterDeletion);
    return this.deletionEntry;
  }

  /** Where the success path goes once the instance's deletion was requested (call after `deletion`). */
  continueAfterDeletion(next: sfn.IChainable): void {
    if (this.afterDeletion === undefined) throw new Error('TemporaryDbInstance: build deletion() first');
    this.afterDeletion.otherwise(next);
  }

  /** "Restore database to point in time", everything explicit, tagged at creation. */
  private restoreTask(): tasks.CallAwsService {
    const { envName, source, placement, planPath } = this.props;
    const stack = Stack.of(this);
    const restore = new tasks.CallAwsService(this, TEMPORARY_DB_STATES.restore, {
      service: 'rds',
      action: 'restoreDBInstanceToPointInTime',
      // Step Functions spells these in the Java SDK v2 style: `DB` in the identifiers, `Db` elsewhere.
      parameters: {
        SourceDBInstanceIdentifier: source.instanceIdentifier,
        TargetDBInstanceIdentifier: sfn.JsonPath.stringAt(this.identifier),
        RestoreTime: sfn.JsonPath.stringAt(`${planPath}.restorePoint`),
        DbInstanceClass: placement.instanceClass,
        DbSubnetGroupName: placement.subnetGroupName,
        VpcSecurityGroupIds: placement.securityGroups.map((group) => group.securityGroupId),
        DbParameterGroupName: placement.parameterGroupName,
        MultiAZ: false,
        PubliclyAccessible: false,
        DeletionProtection: false,
        BackupRetentionPeriod: 0,
        AutoMinorVersionUpgrade: false,
        CopyTagsToSnapshot: false,
        Tags: sfn.JsonPath.listAt(`${planPath}.instance.tags`),
      },
      // The statement CallAwsService writes has no conditions: a read here, the restore below with them.
      iamResources: [this.instancesArn],
      iamAction: 'rds:DescribeDBInstances',
      additionalIamStatements: [
        // RDS authorizes the restore on the source, the target, the subnet group and the parameter
        // group, each with the request's tags: the new instance must carry the automation's.
        new iam.PolicyStatement({
          actions: ['rds:RestoreDBInstanceToPointInTime'],
          resources: [
            source.instanceArn,
            this.instancesArn,
            rdsArn(this, 'subgrp', placement.subnetGroupName),
            rdsArn(this, 'pg', placement.parameterGroupName),
          ],
          conditions: tagOnCreateConditions(envName),
        }),
        // The request's tags are authorized as AddTagsToResource on the new instance only.
        new iam.PolicyStatement({
          actions: ['rds:AddTagsToResource'],
          resources: [this.instancesArn],
          conditions: tagOnCreateConditions(envName),
        }),
        // Tags only at creation: an instance already carrying the automation's tags is never retagged.
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['rds:AddTagsToResource'],
          resources: [this.instancesArn],
          conditions: alreadyManagedConditions('rds:db-tag'),
        }),
        // The restored storage is encrypted with the source's key: RDS creates a grant for the new instance.
        new iam.PolicyStatement({
          actions: ['kms:CreateGrant', 'kms:DescribeKey'],
          resources: [this.props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `rds.${stack.region}.${stack.urlSuffix}` } },
        }),
      ],
      resultSelector: { 'identifier.$': '$.DbInstance.DbInstanceIdentifier', 'arn.$': '$.DbInstance.DbInstanceArn' },
      resultPath: this.createdPath,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    // A call that timed out may have created the instance without `created` being set, and the
    // failure path's cleanup deletes only what `created` names: retried, RDS answers AlreadyExists
    // and the adoption check takes the instance over (it carries this execution's tags).
    restore.addRetry({ errors: ['States.Timeout'], interval: Duration.seconds(5), maxAttempts: 2 });
    return retrySdkTransient(restore, 'Rds');
  }

  /** The name is taken: adopt the instance when its tags name this execution, else fail touching nothing. */
  private adoptOrReject(failure: FailurePath, restore: tasks.CallAwsService): sfn.Pass {
    const names = TEMPORARY_DB_STATES;
    const existing = `${this.path}.existing`;
    const tagList = `${existing}.instances[0].TagList`;
    const reject = failure.raise(names.rejectForeign, 'ResourceConflictError', {
      format: `States.Format('A DB instance named {} already exists and was not created by this execution; it was left untouched', ${this.identifier})`,
    });
    const describeExisting = failure.catch(retrySdkTransient(this.describe(names.describeExisting, existing), 'Rds'));
    // Not at ERROR_PATH: an adopted instance is no failure, and "Deleted after a failure?" reads that path.
    restore.addCatch(describeExisting, {
      errors: ['Rds.DbInstanceAlreadyExistsException'],
      resultPath: `${this.path}.alreadyExists`,
    });
    const adopt = new sfn.Pass(this, names.adopt, {
      parameters: {
        'identifier.$': `${existing}.instances[0].DbInstanceIdentifier`,
        'arn.$': `${existing}.instances[0].DbInstanceArn`,
      },
      resultPath: this.createdPath,
    });
    const ownership = ownedByThisExecution(this, {
      envName: this.props.envName,
      tagListPath: tagList,
      scratchPath: existing,
      onOwned: adopt,
      onOther: reject,
    });
    describeExisting.next(
      new sfn.Choice(this, names.existingHasTags).when(sfn.Condition.isPresent(tagList), ownership).otherwise(reject),
    );
    return adopt;
  }

  /** Wait -> "Describe restored instance" -> "Instance available?" until available, terminal or out of budget. */
  private waitLoop(failure: FailurePath, onAvailable: sfn.IChainable): PollLoop {
    const names = TEMPORARY_DB_STATES;
    const status = `${this.path}.described.instances[0].DbInstanceStatus`;
    return new PollLoop(this, 'Wait', {
      names: { start: names.startWaiting, wait: names.wait, count: names.count, choice: names.available },
      interval: this.props.pollInterval,
      budget: this.props.waitBudget,
      describe: this.describe(names.describe, `${this.path}.described`),
      // Not found yet is "not visible yet" (the describe after a create is eventually consistent).
      transientErrors: [...transientSdkErrors('Rds'), 'Rds.DbInstanceNotFoundException'],
      failure,
      ready: sfn.Condition.and(sfn.Condition.isPresent(status), sfn.Condition.stringEquals(status, 'available')),
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(status),
        sfn.Condition.or(
          ...TERMINAL_STATUSES.map((value) => sfn.Condition.stringEquals(status, value)),
          sfn.Condition.stringMatches(status, 'incompatible-*'),
        ),
      ),
      onReady: onAvailable,
      onFailed: failure.raise(names.restoreFailed, 'ResourceFailedError', {
        format: `States.Format('RDS reports the restored instance {} as {}', ${this.identifier}, ${status})`,
      }),
      onTimeout: failure.raise(names.waitTimedOut, 'WaitTimedOutError', {
        format: `States.Format('The restored instance {} was not available after {} polls', ${this.identifier}, $.poll.count)`,
      }),
    });
  }

  /** DescribeDBInstances of the planned instance; the whole list is kept (`[0]` of an empty list would be a runtime error). */
  private describe(stateName: string, resultPath: string): tasks.CallAwsService {
    return new tasks.CallAwsService(this, stateName, {
      service: 'rds',
      action: 'describeDBInstances',
      parameters: { DbInstanceIdentifier: sfn.JsonPath.stringAt(this.identifier) },
      iamResources: [this.instancesArn],
      iamAction: 'rds:DescribeDBInstances',
      resultSelector: { 'instances.$': '$.DbInstances' },
      resultPath,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
  }
}

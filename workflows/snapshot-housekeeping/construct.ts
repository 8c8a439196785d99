/**
 * SnapshotHousekeepingWorkflow: the nightly retention of the automation's OWN manual DB and cache
 * (ElastiCache) snapshots, the cross-region copy for region DR and, where configured, the nightly
 * cache snapshot (a nested execution of the cache-snapshot workflow). Deletion is three times
 * guarded, for both kinds: the selection Lambda picks only expired, available, manual snapshots
 * tagged `interactions:managed-by` and `interactions:environment` = this environment (of its instance
 * in the source region, named `interactions-<env>-dr-` in the DR region); right before each delete
 * the snapshot is described again and a Choice refuses it if anything changed; IAM allows the delete
 * only on snapshots carrying both tags. dev, staging and prod share the account and region: the
 * environment tag keeps each environment's housekeeping off the others' snapshots.
 * See README.md.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { AutomationConfig } from '../../infra/config/types.js';
import { AutomationFunction } from '../../infra/constructs/automation-function.js';
import { acknowledgeInvokeVersions, acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { type Environment, names } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';
import { nightlySchedule } from '../backup-verification/nightly-schedule.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { TRANSIENT_BACKOFF, transientSdkErrors } from '../common/retry.js';
import { AutomationStateMachine } from '../common/state-machine.js';

const WORKFLOW = 'snapshot-housekeeping';

/** The config.automation fields the housekeeping reads. */
export type SnapshotHousekeepingSettings = Pick<
  AutomationConfig,
  'manualSnapshotRetentionDays' | 'drRegion' | 'cacheSnapshotNightly' | 'nightlySchedule' | 'failureSeverity'
>;

/** Props of SnapshotHousekeepingWorkflow. */
export interface SnapshotHousekeepingWorkflowProps {
  /** The environment: names the state machine, the functions and the DR copies. */
  readonly envName: Environment;
  /** Retention, DR region, nightly cache snapshot, schedule and failure severity (config.automation). */
  readonly automation: SnapshotHousekeepingSettings;
  /** notify-outcome: writes the JSON and Markdown report and notifies the severity topic. */
  readonly notifyFunction: lambda.IFunction;
  /** The automation's shared function log group (`/aws/lambda/interactions-<env>-tasks`). */
  readonly functionLogGroup: logs.ILogGroup;
  /** DB instance whose snapshots are copied to the DR region. @default `names.databaseInstance(envName)` */
  readonly databaseInstanceId?: string;
  /**
   * Replication group whose expired automation cache snapshots (named `interactions-<env>-...`) are
   * pruned every night, whether or not the nightly cache snapshot is on.
   * @default `names.cacheReplicationGroup(envName)` (`interactions-<env>`)
   */
  readonly cacheReplicationGroupId?: string;
  /**
   * The cache-snapshot state machine, started as a nested execution every night. Required when
   * `automation.cacheSnapshotNightly` is on. @default no nightly cache snapshot
   */
  readonly cacheSnapshotStateMachine?: sfn.IStateMachine;
  /**
   * KMS key in the DR region that encrypts the copies (a key or alias ARN of that region).
   * @default the alias `alias/interactions-<env>-dr` in `automation.drRegion`, which the DR region's
   * own stack must create; IAM is then scoped to keys carrying that alias
   */
  readonly drKmsKeyArn?: string;
  /** KMS key of the source DB snapshots: the copy needs a grant on it. @default no grant (unencrypted or AWS-managed key) */
  readonly sourceKmsKey?: kms.IKey;
  /** Snapshot deletions running at once. @default 2 */
  readonly deleteConcurrency?: number;
  /** Log group of the state machine. @default a new `/aws/vendedlogs/states/...` group with `logRetention` */
  readonly logGroup?: logs.ILogGroup;
  /** Retention of the log group created when `logGroup` is absent. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Overall execution timeout (the nested cache snapshot takes up to an hour). @default 2 hours */
  readonly timeout?: Duration;
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
}

/** Where the guard Choice finds what the pre-delete Describe returned. */
const GUARD = '$.guard';

/**
 * The guard: the snapshot is still manual (DB SnapshotType or cache SnapshotSource), available,
 * tagged as this environment's automation's, and its `interactions:expires-at` tag is the value seen at selection
 * (`''` then and now when absent).
 */
function stillOursAndExpired(envName: Environment): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.stringEquals(`${GUARD}.managedBy`, MANAGED_BY),
    sfn.Condition.stringEquals(`${GUARD}.environment`, envName),
    sfn.Condition.stringEquals(`${GUARD}.type`, 'manual'),
    sfn.Condition.stringEquals(`${GUARD}.status`, 'available'),
    sfn.Condition.stringEqualsJsonPath(`${GUARD}.expiresAt`, '$.snapshot.expiresAtTag'),
  );
}

/** The record one Map iteration returns. */
function record(scope: Construct, stateName: string, outcome: string, extra: Record<string, string> = {}): sfn.Pass {
  return new sfn.Pass(scope, stateName, {
    parameters: { 'identifier.$': '$.snapshot.identifier', outcome, ...extra },
  });
}

/** How one guarded deletion Map iteration is named and which errors of its delete it records. */
interface GuardedDeletionOptions {
  /** Inserted in the record states' names: `''` (DB snapshot), `'DR copy '`, `'cache '`. */
  readonly prefix: string;
  /** Name of the guard Choice. */
  readonly choiceName: string;
  /** Errors of the delete recorded `absent` (the snapshot went away after the describe). */
  readonly gone: string[];
  /** Errors of the delete recorded `busy` (the snapshot's state does not allow deleting now). */
  readonly busy: string[];
  /**
   * The delete returns `{ outcome }` (deleted, absent, busy, refused) instead of raising errors: a
   * Choice records it. @default false
   */
  readonly outcomeFromResult?: boolean;
}

/**
 * The errors the optimized `states:startExecution.sync` integration raises that a retry can fix:
 * Step Functions names them `StepFunctions.<exception>` (the prefix its Catch of
 * ExecutionAlreadyExistsException uses), not `Sfn.`: throttling and other unmodeled service errors
 * arrive as the generic AWSStepFunctionsException, network failures as SdkClientException;
 * ExecutionLimitExceeded clears as running executions finish.
 */
export const START_EXECUTION_TRANSIENT_ERRORS = [
  'StepFunctions.AWSStepFunctionsException',
  'StepFunctions.SdkClientException',
  'StepFunctions.ThrottlingException',
  'StepFunctions.ExecutionLimitExceededException',
];

/** The nightly snapshot housekeeping (see the module comment). */
export class SnapshotHousekeepingWorkflow extends Construct {
  /** The state machine `interactions-<env>-snapshot-housekeeping`. */
  readonly stateMachine: sfn.StateMachine;
  /** The functions of the workflow, for alarms and dashboards. */
  readonly functions: { readonly select: lambda.IFunction; readonly operate: lambda.IFunction };
  /** The nightly EventBridge rule that starts the state machine with the scheduled event. */
  readonly schedule: events.Rule;

  private readonly envName: Environment;

  constructor(scope: Construct, id: string, props: SnapshotHousekeepingWorkflowProps) {
    super(scope, id);
    const { automation, envName } = props;
    this.envName = envName;
    const retentionDays = automation.manualSnapshotRetentionDays;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(
        `SnapshotHousekeepingWorkflow: automation.manualSnapshotRetentionDays must be a positive integer (got ${retentionDays})`,
      );
    }
    if (automation.cacheSnapshotNightly && props.cacheSnapshotStateMachine === undefined) {
      throw new Error(
        'SnapshotHousekeepingWorkflow: cacheSnapshotStateMachine is required when automation.cacheSnapshotNightly is on',
      );
    }
    const concurrency = props.deleteConcurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10) {
      throw new Error(
        `SnapshotHousekeepingWorkflow: deleteConcurrency must be an integer from 1 to 10 (got ${concurrency})`,
      );
    }
    const stack = Stack.of(this);
    const drRegion = automation.drRegion;
    if (drRegion !== '' && drRegion === stack.region) {
      throw new Error(
        `SnapshotHousekeepingWorkflow: automation.drRegion must differ from the stack's region (${drRegion})`,
      );
    }
    const instanceId = props.databaseInstanceId ?? names.databaseInstance(envName);
    const replicationGroupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(envName);
    const rdsArn = (resource: string, resourceName: string, region?: string) =>
      stack.formatArn({ service: 'rds', resource, resourceName, region, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const cacheSnapshotArn = (resourceName: string) =>
      stack.formatArn({
        service: 'elasticache',
        resource: 'snapshot',
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    // The cache-snapshot workflow names every snapshot `interactions-<env>-...` (validate-snapshot-request
    // enforces it for explicit names): the prefix scopes the tag reads and the delete.
    const ownCacheSnapshots = cacheSnapshotArn(`${names.prefix(envName)}-*`);
    const cacheManagedByCondition = {
      StringEquals: {
        [`aws:ResourceTag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
        [`aws:ResourceTag/${TAG_KEYS.environment}`]: envName,
      },
    };
    const drCopies = drRegion === '' ? '' : rdsArn('snapshot', `${names.prefix(envName)}-dr-*`, drRegion);
    // Both tags: managed-by (the automation made it) and the environment (this environment's automation).
    const managedByCondition = {
      StringEquals: {
        [`rds:snapshot-tag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
        [`rds:snapshot-tag/${TAG_KEYS.environment}`]: envName,
      },
    };
    const requestTagCondition = {
      StringEquals: {
        [`aws:RequestTag/${TAG_KEYS.managedBy}`]: MANAGED_BY,
        [`aws:RequestTag/${TAG_KEYS.environment}`]: envName,
      },
    };

    const select = new AutomationFunction(this, 'SelectFunction', {
      envName,
      name: 'select-expired-snapshots',
      description:
        'Lists manual DB and cache snapshots and selects the automation snapshots whose retention has passed',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      timeout: Duration.seconds(60),
    });
    select.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['rds:DescribeDBSnapshots'],
        resources: [
          rdsArn('db', instanceId),
          rdsArn('snapshot', '*'),
          ...(drRegion === '' ? [] : [rdsArn('snapshot', '*', drRegion)]),
        ],
      }),
    );
    // Listing by replication group is authorized on the snapshot resource type; the listing includes
    // snapshots of any name, so it needs them all. Tags are read only for the automation's prefix.
    select.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['elasticache:DescribeSnapshots'], resources: [cacheSnapshotArn('*')] }),
    );
    select.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['elasticache:ListTagsForResource'], resources: [ownCacheSnapshots] }),
    );

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: automation.failureSeverity,
      summary: `Snapshot housekeeping of ${envName} failed`,
    });

    const selectSource = failure.catch(
      lambdaTask(this, 'Select expired snapshots', {
        workflow: WORKFLOW,
        lambdaFunction: select.function,
        payload: {
          environment: envName,
          trigger: sfn.JsonPath.objectAt('$'),
          region: stack.region,
          regionRole: 'source',
          instanceIdentifier: instanceId,
          retentionDays,
          planCopy: drRegion !== '',
          cacheReplicationGroupId: replicationGroupId,
        },
        resultPath: '$.source',
        timeout: Duration.seconds(90),
      }),
    );

    // The pre-delete Describe runs in the Lambda in both regions: it flattens the tags for the guard
    // Choice (a JSONPath filter over TagList fails the state when the tag is absent). The source
    // region's Delete is an SDK integration, a CustomState so that its IAM statement can carry the
    // tag condition (CallAwsService grants its action unconditionally).
    const ops = new AutomationFunction(this, 'OperateFunction', {
      envName,
      name: 'operate-regional-snapshots',
      description: 'Describes DB and cache snapshots for the delete guard; copies to and deletes in the DR region',
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      timeout: Duration.seconds(60),
    });
    ops.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['rds:DescribeDBSnapshots'],
        resources: [rdsArn('snapshot', '*'), ...(drRegion === '' ? [] : [drCopies])],
      }),
    );
    ops.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DescribeSnapshots', 'elasticache:ListTagsForResource'],
        resources: [ownCacheSnapshots],
      }),
    );
    const describeFor = (stateName: string, region: string) =>
      lambdaTask(this, stateName, {
        workflow: WORKFLOW,
        lambdaFunction: ops.function,
        payload: { action: 'describe', region, identifier: sfn.JsonPath.stringAt('$.snapshot.identifier') },
        resultPath: GUARD,
      });
    const describeSource = describeFor('Describe snapshot before delete', stack.region);
    const deleteSource = sdkDelete(this, 'Delete snapshot', {
      resource: `arn:${stack.partition}:states:::aws-sdk:rds:deleteDBSnapshot`,
      parameters: { 'DbSnapshotIdentifier.$': '$.snapshot.identifier' },
      statusPath: '$.DbSnapshot.Status',
      service: 'Rds',
    });
    const sourceIteration = this.guardedDeletion(describeSource, deleteSource, {
      prefix: '',
      choiceName: 'Snapshot still ours and expired?',
      // The describe Lambda reports a vanished snapshot as status `absent`; the delete may still race it.
      gone: ['Rds.DbSnapshotNotFoundException'],
      busy: ['Rds.InvalidDbSnapshotStateException'],
    });
    const deleteExpired = failure.catch(
      deletionMap(this, 'Delete expired snapshots', {
        itemsPath: '$.source.selected',
        resultPath: '$.deletions',
        concurrency,
      }).itemProcessor(sourceIteration),
    );

    // Expired cache snapshots, the same three guards: the selection above, the Lambda re-reading the
    // tags (ElastiCache returns them only through ListTagsForResource) for the guard Choice, and the
    // delete as an SDK integration whose IAM statement requires the managed-by resource tag. This runs
    // in every environment, before tonight's cache snapshot is started: the selection was made before
    // that snapshot exists, and it would not be expired anyway (its expires-at lies weeks ahead).
    const describeCache = lambdaTask(this, 'Describe cache snapshot before delete', {
      workflow: WORKFLOW,
      lambdaFunction: ops.function,
      payload: { action: 'describe-cache', identifier: sfn.JsonPath.stringAt('$.snapshot.identifier') },
      resultPath: GUARD,
    });
    const deleteCache = sdkDelete(this, 'Delete cache snapshot', {
      resource: `arn:${stack.partition}:states:::aws-sdk:elasticache:deleteSnapshot`,
      parameters: { 'SnapshotName.$': '$.snapshot.identifier' },
      statusPath: '$.Snapshot.SnapshotStatus',
      service: 'ElastiCache',
    });
    const cacheIteration = this.guardedDeletion(describeCache, deleteCache, {
      prefix: 'cache ',
      choiceName: 'Cache snapshot still ours and expired?',
      // Deleted by someone else since the describe: what the delete wanted is done.
      gone: ['ElastiCache.SnapshotNotFoundException'],
      busy: ['ElastiCache.InvalidSnapshotStateException'],
    });
    const deleteExpiredCache = failure.catch(
      deletionMap(this, 'Delete expired cache snapshots', {
        itemsPath: '$.source.cache.selected',
        resultPath: '$.cacheDeletions',
        concurrency,
      }).itemProcessor(cacheIteration),
    );

    selectSource.next(deleteExpired);
    deleteExpired.next(deleteExpiredCache);
    let tail: sfn.INextable = deleteExpiredCache;
    const reportDetails: Record<string, unknown> = {
      'sourceRegion.$': '$.source.region',
      'scanned.$': '$.source.scanned',
      'selected.$': '$.source.selected',
      'deletions.$': '$.deletions',
      cacheReplicationGroup: replicationGroupId,
      'cacheScanned.$': '$.source.cache.scanned',
      'cacheSelected.$': '$.source.cache.selected',
      'cacheDeletions.$': '$.cacheDeletions',
    };

    if (drRegion !== '') {
      const kmsKeyArn =
        props.drKmsKeyArn ??
        stack.formatArn({
          service: 'kms',
          region: drRegion,
          resource: 'alias',
          resourceName: `${names.prefix(envName)}-dr`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        });
      const dr = ops;
      dr.role.addToPolicy(
        new iam.PolicyStatement({
          // CopyDBSnapshot is authorized on the source snapshot (automated ones are `snapshot:rds:...`,
          // in the source region) and on the target, which must be one of this environment's DR copies.
          actions: ['rds:CopyDBSnapshot'],
          resources: [rdsArn('snapshot', '*'), drCopies],
          conditions: requestTagCondition,
        }),
      );
      dr.role.addToPolicy(
        new iam.PolicyStatement({
          // Tagging the new copy only: never another snapshot (tags are what the delete guards read).
          actions: ['rds:AddTagsToResource'],
          resources: [drCopies],
          conditions: requestTagCondition,
        }),
      );
      dr.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['rds:DeleteDBSnapshot'],
          resources: [drCopies],
          conditions: managedByCondition,
        }),
      );
      // The copy makes RDS create grants on the source and the DR key: CreateGrant only for an AWS
      // resource (RDS), never a grant the function could use itself or hand to anyone.
      const grantForAwsResource = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };
      const drKeys =
        props.drKmsKeyArn === undefined
          ? {
              resources: [
                stack.formatArn({
                  service: 'kms',
                  region: drRegion,
                  resource: 'key',
                  resourceName: '*',
                  arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
                }),
              ],
              conditions: {
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${names.prefix(envName)}-dr` },
              },
            }
          : { resources: [props.drKmsKeyArn], conditions: {} };
      dr.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:DescribeKey'],
          resources: drKeys.resources,
          conditions: drKeys.conditions,
        }),
      );
      dr.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:CreateGrant'],
          resources: drKeys.resources,
          conditions: { ...drKeys.conditions, ...grantForAwsResource },
        }),
      );
      if (props.sourceKmsKey !== undefined) {
        // Written out instead of key.grant(): the CreateGrant needs the GrantIsForAWSResource condition.
        dr.role.addToPolicy(
          new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [props.sourceKmsKey.keyArn] }),
        );
        dr.role.addToPolicy(
          new iam.PolicyStatement({
            actions: ['kms:CreateGrant'],
            resources: [props.sourceKmsKey.keyArn],
            conditions: grantForAwsResource,
          }),
        );
      }

      const copy = failure.catch(
        lambdaTask(this, 'Copy snapshot to DR region', {
          workflow: WORKFLOW,
          lambdaFunction: dr.function,
          payload: {
            action: 'copy',
            region: drRegion,
            sourceArn: sfn.JsonPath.stringAt('$.source.copy.sourceArn'),
            targetName: sfn.JsonPath.stringAt('$.source.copy.targetName'),
            kmsKeyId: kmsKeyArn,
            tags: sfn.JsonPath.listAt('$.source.copy.tags'),
          },
          resultPath: '$.drCopy',
        }),
      );
      const noSource = new sfn.Pass(this, 'Record no copy source', {
        result: sfn.Result.fromObject({ outcome: 'no-source' }),
        resultPath: '$.drCopy',
      });
      const selectDr = failure.catch(
        lambdaTask(this, 'Select expired DR copies', {
          workflow: WORKFLOW,
          lambdaFunction: select.function,
          payload: {
            environment: envName,
            trigger: sfn.JsonPath.objectAt('$$.Execution.Input'),
            region: drRegion,
            regionRole: 'dr',
            instanceIdentifier: instanceId,
            retentionDays,
            planCopy: false,
          },
          resultPath: '$.dr',
          timeout: Duration.seconds(90),
        }),
      );
      const drPayload = (action: string) => ({
        action,
        region: drRegion,
        identifier: sfn.JsonPath.stringAt('$.snapshot.identifier'),
      });
      const describeDr = describeFor('Describe DR copy before delete', drRegion);
      const deleteDr = lambdaTask(this, 'Delete DR copy', {
        workflow: WORKFLOW,
        lambdaFunction: dr.function,
        payload: drPayload('delete'),
        resultPath: '$.deleted',
      });
      const drIteration = this.guardedDeletion(describeDr, deleteDr, {
        prefix: 'DR copy ',
        choiceName: 'DR copy still ours and expired?',
        gone: [],
        busy: [],
        // The Lambda re-checks and returns refused/busy/absent: one drifted copy must not fail the run.
        outcomeFromResult: true,
      });
      const deleteDrExpired = failure.catch(
        deletionMap(this, 'Delete expired DR copies', {
          itemsPath: '$.dr.selected',
          resultPath: '$.drDeletions',
          concurrency,
        }).itemProcessor(drIteration),
      );
      deleteExpiredCache.next(
        new sfn.Choice(this, 'Copy source found?')
          .when(sfn.Condition.isNull('$.source.copy'), noSource)
          .otherwise(copy),
      );
      copy.next(selectDr);
      noSource.next(selectDr);
      selectDr.next(deleteDrExpired);
      tail = deleteDrExpired;
      Object.assign(reportDetails, {
        drRegion,
        'drCopy.$': '$.drCopy',
        'drSelected.$': '$.dr.selected',
        'drDeletions.$': '$.drDeletions',
      });
    }

    if (props.cacheSnapshotStateMachine !== undefined) {
      const startCache = new tasks.StepFunctionsStartExecution(this, 'Snapshot cache', {
        stateMachine: props.cacheSnapshotStateMachine,
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        // Named from the scheduled event: a duplicate delivery finds the execution already there.
        name: sfn.JsonPath.format('nightly-{}', sfn.JsonPath.stringAt('$$.Execution.Input.id')),
        input: sfn.TaskInput.fromObject({ requestedBy: WORKFLOW, reason: 'Nightly cache snapshot' }),
        associateWithParent: true,
        resultSelector: { 'executionArn.$': '$.ExecutionArn', 'status.$': '$.Status' },
        resultPath: '$.cacheSnapshot',
        taskTimeout: sfn.Timeout.duration(Duration.minutes(75)),
      });
      startCache.addRetry({ ...TRANSIENT_BACKOFF, errors: START_EXECUTION_TRANSIENT_ERRORS });
      const alreadyTaken = new sfn.Pass(this, 'Record cache snapshot already started', {
        result: sfn.Result.fromObject({ status: 'ALREADY_STARTED' }),
        resultPath: '$.cacheSnapshot',
      });
      startCache.addCatch(alreadyTaken, {
        errors: ['StepFunctions.ExecutionAlreadyExistsException'],
        resultPath: '$.cacheSnapshotError',
      });
      failure.catch(startCache);
      tail.next(startCache);
      const joined = new sfn.Pass(this, 'Cache snapshot done');
      startCache.next(joined);
      alreadyTaken.next(joined);
      tail = joined;
      reportDetails['cacheSnapshot.$'] = '$.cacheSnapshot';
    }

    const report = failure.catch(
      lambdaTask(this, 'Report housekeeping', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          environment: envName,
          status: 'SUCCEEDED',
          severity: 'low',
          summary: sfn.JsonPath.format(
            'Snapshot housekeeping ran: {} expired automation DB snapshots selected of {} manual DB snapshots, {} expired automation cache snapshots of {} manual cache snapshots',
            sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.source.selected')),
            sfn.JsonPath.stringAt('$.source.scanned'),
            sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.source.cache.selected')),
            sfn.JsonPath.stringAt('$.source.cache.scanned'),
          ),
          details: reportDetails,
        },
        resultPath: '$.notification',
      }),
    );
    tail.next(report);
    report
      .next(
        new sfn.Pass(this, 'Build output', {
          parameters: { ...reportDetails, 'report.$': '$.notification.reports' },
        }),
      )
      .next(new sfn.Succeed(this, 'Housekeeping done'));

    this.functions = { select: select.function, operate: ops.function };

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: selectSource,
      timeout: props.timeout ?? Duration.hours(2),
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: 'Nightly: delete expired automation DB and cache snapshots, copy to the DR region, snapshot the cache',
    });
    this.stateMachine = machine.stateMachine;
    machine.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['rds:DeleteDBSnapshot'],
        resources: [rdsArn('snapshot', '*')],
        conditions: managedByCondition,
      }),
    );
    machine.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticache:DeleteSnapshot'],
        resources: [ownCacheSnapshots],
        conditions: cacheManagedByCondition,
      }),
    );

    this.schedule = nightlySchedule(this, 'NightlySchedule', {
      schedule: automation.nightlySchedule,
      stateMachine: this.stateMachine,
      description: `Starts ${names.stateMachine(envName, WORKFLOW)} every night`,
      enabled: props.scheduleEnabled,
    });
    const snapshotsReason =
      'Manual snapshots of the automation carry operator-chosen names, so no name prefix scopes them: Describe is read-only, Delete requires the rds:snapshot-tag managed-by and environment conditions, and Copy (source side only; its target is scoped to interactions-<env>-dr-*) the managed-by and environment request tags.';
    acknowledgeWildcard(this.stateMachine, rdsArn('snapshot', '*'), snapshotsReason);
    acknowledgeWildcard(select.role, rdsArn('snapshot', '*'), snapshotsReason);
    acknowledgeWildcard(ops.role, rdsArn('snapshot', '*'), snapshotsReason);
    const cacheSnapshotsReason =
      'Cache snapshots of the automation are named interactions-<env>-<...> per execution: the prefix scopes them. Describe and ListTags are read-only; Delete requires the aws:ResourceTag managed-by and environment conditions.';
    acknowledgeWildcard(this.stateMachine, ownCacheSnapshots, cacheSnapshotsReason);
    acknowledgeWildcard(select.role, ownCacheSnapshots, cacheSnapshotsReason);
    acknowledgeWildcard(ops.role, ownCacheSnapshots, cacheSnapshotsReason);
    acknowledgeWildcard(
      select.role,
      cacheSnapshotArn('*'),
      'Read-only DescribeSnapshots listing of the replication group (filtered by ReplicationGroupId), authorized on the snapshot resource type.',
    );
    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'The X-Ray and log-delivery actions have no resource type: IAM accepts only "*". None mutates a snapshot.',
    );
    for (const fn of [select.function, ops.function, props.notifyFunction])
      acknowledgeInvokeVersions(this.stateMachine, fn.functionArn);
    for (const fn of [select.function, ops.function]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by Step Functions only: errors return to the state machine, whose Retry and Catch handle them; a DLQ applies to asynchronous invocations.',
      });
    }
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a night that still never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
    if (drRegion !== '') {
      acknowledgeWildcard(
        select.role,
        rdsArn('snapshot', '*', drRegion),
        'Read-only listing of the DR region: expired DR copies are found by their tags.',
      );
      acknowledgeWildcard(
        ops.role,
        drCopies,
        'DR copies are named per source snapshot under interactions-<env>-dr-; Copy and AddTags require the managed-by and environment request tags, Delete the same resource tags.',
      );
      if (props.drKmsKeyArn === undefined) {
        acknowledgeWildcard(
          ops.role,
          stack.formatArn({
            service: 'kms',
            region: drRegion,
            resource: 'key',
            resourceName: '*',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
          'The DR key lives in another region and is referenced by alias; the statements are limited to keys carrying that alias (kms:ResourceAliases), CreateGrant also to grants for an AWS resource.',
        );
      }
    }
    if (props.cacheSnapshotStateMachine !== undefined) {
      // What StepFunctionsStartExecution grants for .sync: Describe/Stop on the nested machine's executions.
      const machineName = stack.splitArn(
        props.cacheSnapshotStateMachine.stateMachineArn,
        ArnFormat.COLON_RESOURCE_NAME,
      ).resourceName;
      acknowledgeWildcard(
        this.stateMachine,
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${machineName}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        'Describe/Stop of the nested cache snapshot executions, whose names are generated per night; scoped to that one state machine.',
      );
    }
  }

  /**
   * One Map iteration: describe the snapshot again, let the guard Choice decide, delete or refuse,
   * and return `{ identifier, outcome }` (deleted, refused, absent, busy).
   */
  private guardedDeletion(
    describe: sfn.TaskStateBase,
    remove: sfn.CustomState | sfn.TaskStateBase,
    options: GuardedDeletionOptions,
  ): sfn.IChainable {
    const { prefix } = options;
    const gone = record(this, `Record ${prefix}snapshot already gone`, 'absent');
    const refused = record(this, `Refuse ${prefix}snapshot`, 'refused', {
      'status.$': `${GUARD}.status`,
      'managedBy.$': `${GUARD}.managedBy`,
      'environment.$': `${GUARD}.environment`,
      'expiresAt.$': `${GUARD}.expiresAt`,
    });
    const deleted = record(this, `Record ${prefix}snapshot deleted`, 'deleted');
    if (options.busy.length > 0)
      remove.addCatch(record(this, `Record ${prefix}snapshot busy`, 'busy'), {
        errors: options.busy,
        resultPath: '$.busy',
      });
    if (options.gone.length > 0) remove.addCatch(gone, { errors: options.gone, resultPath: '$.notFound' });
    if (options.outcomeFromResult === true) {
      const refusedAtDelete = new sfn.Pass(this, `Refuse ${prefix}snapshot at delete`, {
        parameters: { 'identifier.$': '$.snapshot.identifier', outcome: 'refused', 'reason.$': '$.deleted.reason' },
      });
      const busyAtDelete = new sfn.Pass(this, `Record ${prefix}snapshot busy`, {
        parameters: { 'identifier.$': '$.snapshot.identifier', outcome: 'busy', 'reason.$': '$.deleted.reason' },
      });
      remove.next(
        new sfn.Choice(
          this,
          `${prefix}delete outcome?`.replace(/^./, (c) => c.toUpperCase()),
        )
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'deleted'), deleted)
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'absent'), gone)
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'busy'), busyAtDelete)
          .otherwise(refusedAtDelete),
      );
    } else {
      remove.next(deleted);
    }
    describe.next(
      new sfn.Choice(this, options.choiceName)
        .when(sfn.Condition.stringEquals(`${GUARD}.status`, 'absent'), gone)
        .when(stillOursAndExpired(this.envName), remove)
        .otherwise(refused),
    );
    return describe;
  }
}

/**
 * A delete as a direct SDK integration, written as a CustomState so its IAM statement (added by the
 * construct) can carry the tag conditions; transient errors retried with backoff and jitter.
 */
function sdkDelete(
  scope: Construct,
  stateName: string,
  options: { resource: string; parameters: Record<string, string>; statusPath: string; service: 'Rds' | 'ElastiCache' },
): sfn.CustomState {
  const state = new sfn.CustomState(scope, stateName, {
    stateJson: {
      Type: 'Task',
      Resource: options.resource,
      Parameters: options.parameters,
      ResultSelector: { 'status.$': options.statusPath },
      ResultPath: '$.deleted',
      TimeoutSeconds: 60,
    },
  });
  state.addRetry({ ...TRANSIENT_BACKOFF, errors: transientSdkErrors(options.service) });
  return state;
}

/** A Map over selected snapshots, one item as `$.snapshot`, a few deletes at a time. */
function deletionMap(
  scope: Construct,
  stateName: string,
  options: { itemsPath: string; resultPath: string; concurrency: number },
): sfn.Map {
  return new sfn.Map(scope, stateName, {
    itemsPath: options.itemsPath,
    itemSelector: { 'snapshot.$': '$$.Map.Item.Value' },
    maxConcurrency: options.concurrency,
    resultPath: options.resultPath,
  });
}

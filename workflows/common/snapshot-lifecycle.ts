/**
 * SnapshotLifecycle: the state graph both snapshot workflows (RDS on-demand, ElastiCache) run, built
 * once from a SnapshotService descriptor:
 *
 *   Validate request -> [beforeCreate, e.g. RDS's quota check] -> Create snapshot (tagged)
 *     -> on AlreadyExists: Describe existing snapshot -> [read its tags] -> adopt it when THIS
 *        execution created it (a retried create whose first attempt succeeded), else reject the name
 *     -> on quota: reject
 *   -> Wait -> Describe -> Count -> Choice loop -> Verify snapshot -> report -> Snapshot ready
 *
 * Every failure goes to one FailurePath whose cleanup deletes only a snapshot this execution created
 * and has not verified, through the guarded-delete function. State names are the workflows' public
 * contract (tests, runbooks, dashboards): they are the same for both services.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Environment, WorkflowName } from '../../shared/naming.js';
import { REQUESTED_BY_TAG } from '../on-demand-snapshot/contract.js';
import { CleanupIfCreated } from './cleanup-if-created.js';
import { ERROR_PATH, FailurePath } from './failure-path.js';
import { lambdaTask } from './lambda-task.js';
import { ownedByThisExecution } from './ownership.js';
import { PollLoop } from './poll-loop.js';
import { ReportAndSucceed } from './report-and-succeed.js';
import { retrySdkTransient, transientSdkErrors } from './retry.js';
import type { SnapshotService } from './snapshot-service.js';
import type { SnapshotWorkflowFunctionRefs, SnapshotWorkflowSettings } from './snapshot-workflow.js';
import { alreadyManagedConditions, ownedResourceConditions, tagOnCreateConditions } from './tag-conditions.js';

/** Where the validated plan names the snapshot. */
export const PLANNED_NAME_PATH = '$.plan.snapshotName';
/** Where the wait loop's Describe puts the snapshot (absent while Describe returns an empty list). */
export const DESCRIBED_SNAPSHOT_PATH = '$.describe.snapshots[0]';

/** Props of SnapshotLifecycle. */
export interface SnapshotLifecycleProps {
  /** The workflow: names reports and log correlation. */
  readonly workflow: WorkflowName;
  /** The environment the snapshot is planned, tagged and reported for. */
  readonly envName: Environment;
  /** notify-outcome. */
  readonly notifyFunction: lambda.IFunction;
  /** Timing, retention and failure severity (snapshotWorkflowSettings). */
  readonly settings: SnapshotWorkflowSettings;
  /** The validate, verify and guarded-delete functions (snapshotWorkflowFunctions). */
  readonly functions: SnapshotWorkflowFunctionRefs;
  /** What is special about the service. */
  readonly service: SnapshotService;
  /** First line of the failure notification. */
  readonly failureSummary: string;
  /**
   * Builds the states between "Validate request" and `create` (they raise failures on `failure`).
   * @default none: the request goes straight to "Create snapshot"
   */
  readonly beforeCreate?: (failure: FailurePath, create: sfn.IChainable) => sfn.IChainable;
  /** Inputs of "Verify snapshot": `source` before the described snapshot, `extra` after it. */
  readonly verify: {
    readonly source: Readonly<Record<string, unknown>>;
    /** @default nothing besides the snapshot name, `source` and the snapshot */
    readonly extra?: Readonly<Record<string, unknown>>;
  };
  /** The success report. */
  readonly report: {
    /** Summary `<subject> <snapshot> of <source> is available and verified`, e.g. subject `Cache snapshot`. */
    readonly subject: string;
    /** What was snapshotted (the instance, the replication group). */
    readonly source: string;
    /** Details besides request, snapshot and checks. @default no further details */
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/** The snapshot workflow's whole graph as a fragment (see the module comment); it has no end states. */
export class SnapshotLifecycle extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[] = [];
  /** The catch-all failure path. */
  readonly failure: FailurePath;

  constructor(scope: Construct, id: string, props: SnapshotLifecycleProps) {
    super(scope, id);
    const { service, settings, functions, workflow } = props;
    const snapshotName = sfn.JsonPath.stringAt(PLANNED_NAME_PATH);
    grantGuardedDelete(functions.delete, service, props.envName);

    // `$.created` exists only once the create succeeded (or an own snapshot was adopted): before that
    // there is nothing of ours to delete. `$.verification` exists once the snapshot passed verification:
    // a later failure (the success notification) is reported, but a good snapshot is never deleted for it.
    this.failure = new FailurePath(this, 'Failure', {
      workflow,
      envName: props.envName,
      notifyFunction: props.notifyFunction,
      severity: settings.failureSeverity,
      summary: props.failureSummary,
      cleanup: (next) =>
        new CleanupIfCreated(this, 'Cleanup', {
          workflow,
          choiceName: 'Snapshot created?',
          deleteName: 'Delete snapshot',
          deleteFunction: functions.delete,
          payload: { service: service.service, snapshotName },
          createdPath: '$.created',
          keepPath: '$.verification',
          comment: 'Deletes the snapshot only if its tags name this execution',
          next,
        }),
    });
    const failure = this.failure;

    // No AWS call before this passes.
    const validate = failure.catch(
      lambdaTask(this, 'Validate request', {
        workflow,
        lambdaFunction: functions.validate,
        payload: {
          kind: service.requestKind,
          environment: props.envName,
          retentionDays: settings.retentionDays,
          request: sfn.JsonPath.objectAt('$'),
        },
        resultPath: '$.plan',
      }),
    );

    // The order in which states are linked to the failure path decides their order in the rendered
    // definition (and so in the generated docs): build in this order.
    const create = this.createSnapshot(props);
    validate.next(props.beforeCreate ? props.beforeCreate(failure, create) : create);
    const adopt = this.adoptOrReject(props, create);
    // Order matters: the AlreadyExists and quota catches (added above) come before the catch-all.
    failure.catch(create);
    const wait = this.waitLoop(props, this.verifyAndReport(props));
    create.next(wait);
    adopt.next(wait);
    this.startState = validate;
  }

  /** "Create snapshot", tagged (IAM requires the automation's request tags); its catches come from adoptOrReject. */
  private createSnapshot(props: SnapshotLifecycleProps): tasks.CallAwsService {
    const { service } = props;
    const addTags = `${service.service}:AddTagsToResource`;
    const create = new tasks.CallAwsService(this, 'Create snapshot', {
      service: service.service,
      action: service.create.action,
      parameters: {
        ...service.create.source,
        [service.snapshotNameParameter]: sfn.JsonPath.stringAt(PLANNED_NAME_PATH),
        Tags: sfn.JsonPath.listAt('$.plan.tags'),
      },
      iamResources: [...service.create.iamResources],
      iamAction: service.create.iamAction,
      additionalIamStatements: [
        // The service authorizes the request's tags as AddTagsToResource on the new snapshot.
        new iam.PolicyStatement({
          actions: [service.create.iamAction, addTags],
          resources: [service.snapshotsArn],
          conditions: tagOnCreateConditions(props.envName, [REQUESTED_BY_TAG]),
        }),
        // Tags only at creation: a snapshot already carrying the automation's tags is never retagged.
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: [addTags],
          resources: [service.snapshotsArn],
          conditions: alreadyManagedConditions(service.resourceTagKey),
        }),
      ],
      resultSelector: { ...service.create.resultSelector },
      resultPath: '$.created',
    });
    return retrySdkTransient(create, service.errorPrefix);
  }

  /**
   * The name is taken. A retried create whose first attempt succeeded (response lost) also lands
   * here: read the existing snapshot's tags and adopt it if THIS execution created it; otherwise
   * explain and delete nothing (`$.created` stays absent). A quota refusal is rejected too.
   * Returns "Adopt own snapshot".
   */
  private adoptOrReject(props: SnapshotLifecycleProps, create: tasks.CallAwsService): sfn.Pass {
    const { service } = props;
    const failure = this.failure;
    const rejectDuplicate = failure.raise('Reject duplicate name', 'ResourceConflictError', {
      format: service.messages.duplicateName,
    });
    const describeExisting = failure.catch(
      retrySdkTransient(
        this.describeSnapshot(service, 'Describe existing snapshot', '$.existing'),
        service.errorPrefix,
      ),
    );
    create.addCatch(describeExisting, { errors: [service.errors.alreadyExists], resultPath: ERROR_PATH });
    create.addCatch(
      failure.raise('Reject quota exceeded', 'QuotaExceededError', { format: service.messages.quotaRefused }),
      { errors: [service.errors.quotaExceeded], resultPath: ERROR_PATH },
    );

    const adopt = new sfn.Pass(this, 'Adopt own snapshot', {
      parameters: { 'id.$': PLANNED_NAME_PATH, ...service.adoptedFields },
      resultPath: '$.created',
    });
    const { tagListPath, read } = service.existingTags;
    const ownershipCheck = ownedByThisExecution(this, {
      envName: props.envName,
      tagListPath,
      scratchPath: '$.existing',
      onOwned: adopt,
      onOther: rejectDuplicate,
    });
    const hasTags = new sfn.Choice(this, 'Existing snapshot has tags?')
      .when(sfn.Condition.isPresent(tagListPath), ownershipCheck)
      .otherwise(rejectDuplicate);
    describeExisting.next(read ? read({ scope: this, failure, next: hasTags, notFound: rejectDuplicate }) : hasTags);
    return adopt;
  }

  /** Wait -> Describe -> Count -> "Snapshot available?" until ready, terminal or out of budget. */
  private waitLoop(props: SnapshotLifecycleProps, onReady: sfn.IChainable): PollLoop {
    const { service, settings } = props;
    const failure = this.failure;
    const status = `${DESCRIBED_SNAPSHOT_PATH}.${service.statusField}`;
    const { equals, matches = [] } = service.terminalStatuses;
    return new PollLoop(this, 'Wait', {
      names: {
        start: 'Start waiting',
        wait: 'Wait for snapshot',
        count: 'Count snapshot poll',
        choice: 'Snapshot available?',
      },
      interval: settings.pollInterval,
      budget: settings.waitBudget,
      // No Retry or Catch on it: the loop owns them (a throttled attempt counts as a poll).
      describe: this.describeSnapshot(service, 'Describe snapshot', '$.describe'),
      // A snapshot not found yet is "not yet visible" like an empty list (the service's read after the
      // create is eventually consistent): failing here would clean up nothing and leave the snapshot
      // that appears a moment later until its expires-at.
      transientErrors: [...transientSdkErrors(service.errorPrefix), service.errors.notFound],
      failure,
      // An empty list (or no status) is "not yet available": the loop polls again until its budget.
      ready: sfn.Condition.and(sfn.Condition.isPresent(status), sfn.Condition.stringEquals(status, 'available')),
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(status),
        sfn.Condition.or(
          ...equals.map((value) => sfn.Condition.stringEquals(status, value)),
          ...matches.map((pattern) => sfn.Condition.stringMatches(status, pattern)),
        ),
      ),
      onReady,
      onFailed: failure.raise('Snapshot creation failed', 'ResourceFailedError', {
        format: service.messages.snapshotFailed,
      }),
      onTimeout: failure.raise('Snapshot wait timed out', 'WaitTimedOutError', {
        format: service.messages.waitTimedOut,
      }),
    });
  }

  /** "Verify snapshot" -> notify, build the output, "Snapshot ready". */
  private verifyAndReport(props: SnapshotLifecycleProps): sfn.IChainable {
    const verify = this.failure.catch(
      lambdaTask(this, 'Verify snapshot', {
        workflow: props.workflow,
        lambdaFunction: props.functions.verify,
        payload: {
          snapshotName: sfn.JsonPath.stringAt(PLANNED_NAME_PATH),
          ...props.verify.source,
          snapshot: sfn.JsonPath.objectAt(DESCRIBED_SNAPSHOT_PATH),
          ...props.verify.extra,
        },
        resultPath: '$.verification',
      }),
    );
    const report = new ReportAndSucceed(this, 'Report', {
      workflow: props.workflow,
      notifyFunction: props.notifyFunction,
      failure: this.failure,
      payload: {
        environment: props.envName,
        status: 'SUCCEEDED',
        severity: 'low',
        summary: sfn.JsonPath.format(
          `${props.report.subject} {} of {} is available and verified`,
          sfn.JsonPath.stringAt(PLANNED_NAME_PATH),
          props.report.source,
        ),
        details: {
          'request.$': '$.plan',
          'snapshot.$': '$.verification.snapshot',
          'checks.$': '$.verification.checks',
          ...props.report.details,
        },
      },
      output: { 'snapshot.$': '$.verification.snapshot' },
      succeedName: 'Snapshot ready',
    });
    verify.next(report);
    return verify;
  }

  /**
   * A Describe of the planned snapshot. The whole list is selected: `[0]` of an empty list (or a
   * filter matching nothing) would be an uncatchable States.Runtime error, so the Choices test presence.
   */
  private describeSnapshot(service: SnapshotService, stateName: string, resultPath: string): tasks.CallAwsService {
    return new tasks.CallAwsService(this, stateName, {
      service: service.service,
      action: service.describe.action,
      parameters: { [service.snapshotNameParameter]: sfn.JsonPath.stringAt(PLANNED_NAME_PATH) },
      iamResources: [...service.describe.iamResources],
      iamAction: service.describe.iamAction,
      resultSelector: { 'snapshots.$': service.describe.listPath },
      resultPath,
    });
  }
}

/**
 * The guarded-delete function's grants: the reads its tag guard makes, and the delete only on
 * snapshots carrying the automation's tags of this environment (the guard in code adds this
 * execution's tag, which IAM cannot know).
 */
function grantGuardedDelete(deleteFunction: lambda.IFunction, service: SnapshotService, envName: Environment): void {
  const { readActions, deleteAction } = service.guardedDelete;
  deleteFunction.addToRolePolicy(
    new iam.PolicyStatement({ actions: [...readActions], resources: [service.snapshotsArn] }),
  );
  deleteFunction.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [deleteAction],
      resources: [service.snapshotsArn],
      conditions: ownedResourceConditions(envName, service.resourceTagKey),
    }),
  );
}

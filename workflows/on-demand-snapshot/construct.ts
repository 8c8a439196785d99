/**
 * OnDemandSnapshotWorkflow: the seed's "Manual Snapshots: taken before major updates"
 * (`backup.sh create-snapshot prod interactions-pre-migration`) as a state machine:
 * validate the request -> check the manual snapshot quota -> create the snapshot, tagged ->
 * wait until available -> verify it against the instance -> report. Every failure goes to one
 * path that deletes only a snapshot THIS execution created, notifies and fails. The lifecycle is
 * the shared SnapshotLifecycle; this file says what is special about RDS. See README.md.
 */
import { Duration } from 'aws-cdk-lib';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { rdsArn } from '../common/arns.js';
import type { FailurePath } from '../common/failure-path.js';
import { retrySdkTransient } from '../common/retry.js';
import type { SnapshotService } from '../common/snapshot-service.js';
import {
  buildSnapshotWorkflow,
  type SnapshotWorkflowFunctionRefs,
  type SnapshotWorkflowProps,
} from '../common/snapshot-workflow.js';
import type { AutomationWorkflow } from '../common/workflow-props.js';

/** The AccountQuotaName of the manual DB snapshot quota in DescribeAccountAttributes. */
const MANUAL_SNAPSHOTS = 'ManualSnapshots';

/** The ManualSnapshots account quota as RDS counts it (`[{ Used, Max }]`, empty if RDS omits it). */
const QUOTA = '$.quota.manualSnapshots[0]';

/** Props of OnDemandSnapshotWorkflow. */
export interface OnDemandSnapshotWorkflowProps extends SnapshotWorkflowProps {
  /** The instance to snapshot. */
  readonly database: rds.IDatabaseInstance;
}

/**
 * RDS DB snapshots of `database` as the snapshot lifecycle uses them. Step Functions' SDK
 * integration spells the parameters `DbSnapshotIdentifier`, `DbInstanceIdentifier` (Java SDK v2 style).
 */
export function rdsSnapshotService(scope: Construct, database: rds.IDatabaseInstance): SnapshotService {
  const snapshots = rdsArn(scope, 'snapshot', '*');
  const describe = { iamResources: [database.instanceArn, snapshots], iamAction: 'rds:DescribeDBSnapshots' };
  return {
    service: 'rds',
    errorPrefix: 'Rds',
    requestKind: 'db',
    snapshotNameParameter: 'DbSnapshotIdentifier',
    // Snapshot names are the operator's: IAM cannot narrow them; the tag conditions do.
    snapshotsArn: snapshots,
    create: {
      action: 'createDBSnapshot',
      source: { DbInstanceIdentifier: database.instanceIdentifier },
      iamResources: [database.instanceArn],
      iamAction: 'rds:CreateDBSnapshot',
      resultSelector: { 'id.$': '$.DbSnapshot.DbSnapshotIdentifier', 'arn.$': '$.DbSnapshot.DbSnapshotArn' },
    },
    describe: { action: 'describeDBSnapshots', ...describe, listPath: '$.DbSnapshots' },
    statusField: 'Status',
    // RDS ends a snapshot it cannot complete in `failed`; `incompatible-*` and `deleting` never become available either.
    terminalStatuses: { equals: ['failed', 'deleting'], matches: ['incompatible*'] },
    adoptedFields: { 'arn.$': '$.existing.snapshots[0].DbSnapshotArn' },
    // DescribeDBSnapshots returns the TagList itself.
    existingTags: { tagListPath: '$.existing.snapshots[0].TagList' },
    errors: {
      alreadyExists: 'Rds.DbSnapshotAlreadyExistsException',
      quotaExceeded: 'Rds.SnapshotQuotaExceededException',
      notFound: 'Rds.DbSnapshotNotFoundException',
    },
    messages: {
      duplicateName:
        "States.Format('A DB snapshot named {} already exists. It was not created by this execution and was left untouched; choose another name.', $.plan.snapshotName)",
      quotaRefused:
        "States.Format('RDS refused snapshot {}: the manual DB snapshot quota is exhausted. Delete old manual snapshots or raise the quota, then retry.', $.plan.snapshotName)",
      snapshotFailed:
        "States.Format('RDS reports snapshot {} as {}', $.plan.snapshotName, $.describe.snapshots[0].Status)",
      waitTimedOut: "States.Format('Snapshot {} was not available after {} polls', $.plan.snapshotName, $.poll.count)",
    },
    resourceTagKey: 'rds:snapshot-tag',
    guardedDelete: {
      readActions: ['rds:DescribeDBSnapshots'],
      deleteAction: 'rds:DeleteDBSnapshot',
    },
  };
}

/** The on-demand DB snapshot workflow (see the module comment). */
export class OnDemandSnapshotWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-on-demand-snapshot`. */
  readonly stateMachine: sfn.StateMachine;
  /** Functions of the workflow, for alarms and dashboards. */
  readonly functions: SnapshotWorkflowFunctionRefs;

  constructor(scope: Construct, id: string, props: OnDemandSnapshotWorkflowProps) {
    super(scope, id);
    const instanceId = props.database.instanceIdentifier;
    const workflow = buildSnapshotWorkflow(this, props, {
      construct: 'OnDemandSnapshotWorkflow',
      workflow: 'on-demand-snapshot',
      defaultTimeout: Duration.hours(2),
      verifyFunction: { name: 'verify-db-snapshot', description: 'Verifies a finished DB snapshot (no AWS calls)' },
      service: rdsSnapshotService(this, props.database),
      failureSummary: `On-demand snapshot of ${instanceId} failed`,
      beforeCreate: (failure, create) => this.quotaCheck(props.database, failure, create),
      // The instance's size and engine, to compare the snapshot with.
      verify: {
        source: { instanceIdentifier: instanceId },
        extra: { instance: sfn.JsonPath.objectAt('$.database.instance') },
      },
      report: {
        subject: 'Snapshot',
        source: instanceId,
        details: { 'quota.$': '$.quota.manualSnapshots' },
      },
      comment: `On-demand manual snapshot of ${instanceId}: validate, quota, create, wait, verify, report`,
      snapshotsWildcardReason:
        'Snapshot names come from the operator at run time. Create is allowed only with the interactions:managed-by request tag; delete only on snapshots carrying it, and the guard function also checks this execution tag.',
    });
    this.stateMachine = workflow.stateMachine;
    this.functions = workflow.functions;

    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'rds:DescribeAccountAttributes (the manual snapshot quota) has no resource type: IAM accepts only "*". It is read-only.',
    );
  }

  /**
   * Describe database (proves the instance exists; its size and engine are verified against) ->
   * Check snapshot quota (ManualSnapshots Used/Max as RDS itself counts them) -> `create` when
   * quota is left. A quota answer without the ManualSnapshots entry, or without its Used or Max,
   * has nothing to compare: the create decides.
   */
  private quotaCheck(database: rds.IDatabaseInstance, failure: FailurePath, create: sfn.IChainable): sfn.IChainable {
    const describeDatabase = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Describe database', {
          service: 'rds',
          action: 'describeDBInstances',
          parameters: { DbInstanceIdentifier: database.instanceIdentifier },
          iamResources: [database.instanceArn],
          iamAction: 'rds:DescribeDBInstances',
          resultSelector: { 'instance.$': '$.DbInstances[0]' },
          resultPath: '$.database',
        }),
        'Rds',
      ),
    );
    const checkQuota = failure.catch(
      retrySdkTransient(
        new tasks.CallAwsService(this, 'Check snapshot quota', {
          service: 'rds',
          action: 'describeAccountAttributes',
          parameters: {},
          // DescribeAccountAttributes has no resource type: IAM accepts only "*" (read-only).
          iamResources: ['*'],
          iamAction: 'rds:DescribeAccountAttributes',
          // The whole answer: a filter matching nothing is an uncatchable States.Runtime error (AWS and
          // the local engine), so the ManualSnapshots entry is selected only once it is known to be listed.
          resultPath: '$.quota.answer',
        }),
        'Rds',
      ),
    );
    // Whether some string of the answer is exactly `ManualSnapshots` (the answer as JSON, split at the
    // double quotes): only an AccountQuotaName can be that word. No filter, no Choice on a filter.
    const findQuota = new sfn.Pass(this, 'Find manual snapshot quota', {
      parameters: {
        'listed.$': `States.ArrayContains(States.StringSplit(States.JsonToString($.quota.answer), '"'), '${MANUAL_SNAPSHOTS}')`,
      },
      resultPath: '$.quota.found',
    });
    const selectQuota = new sfn.Pass(this, 'Select manual snapshot quota', {
      parameters: {
        'manualSnapshots.$': `$.quota.answer.AccountQuotas[?(@.AccountQuotaName == '${MANUAL_SNAPSHOTS}')]`,
      },
      resultPath: '$.quota',
    });
    // An answer without the entry has nothing to compare: the create decides (and reports no quota).
    const quotaUnknown = new sfn.Pass(this, 'Note quota not listed', {
      result: sfn.Result.fromObject({ manualSnapshots: [] }),
      resultPath: '$.quota',
    });
    const quotaReached = failure.raise('Reject over quota', 'QuotaExceededError', {
      format: `States.Format('Manual DB snapshot quota reached: {} of {} used. Delete old manual snapshots or raise the quota, then retry.', ${QUOTA}.Used, ${QUOTA}.Max)`,
    });
    const quotaChoice = new sfn.Choice(this, 'Snapshot quota left?')
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent(`${QUOTA}.Used`),
          sfn.Condition.isPresent(`${QUOTA}.Max`),
          sfn.Condition.numberGreaterThanEqualsJsonPath(`${QUOTA}.Used`, `${QUOTA}.Max`),
        ),
        quotaReached,
      )
      .otherwise(create);
    quotaUnknown.next(create);
    selectQuota.next(quotaChoice);
    return describeDatabase
      .next(checkQuota)
      .next(findQuota)
      .next(
        new sfn.Choice(this, 'Manual snapshot quota listed?')
          .when(sfn.Condition.booleanEquals('$.quota.found.listed', true), selectQuota)
          .otherwise(quotaUnknown),
      );
  }
}

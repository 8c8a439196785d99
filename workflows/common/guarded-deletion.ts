/**
 * GuardedDeletion: a Map over selected snapshots that, per item, describes the snapshot again, lets
 * a guard Choice decide, deletes or refuses, and records `{ identifier, outcome }` (deleted,
 * refused, absent, busy, failed). The fragment owns the delete's IAM statement: a delete written as an SDK
 * integration registers it on the state machine's role when the graph is built, a Lambda delete on
 * the function's role, so a state and its permission cannot drift apart.
 *
 * Every error of the describe or the delete that no retry fixes is caught per item and recorded
 * `failed` with its error and cause: one stubborn snapshot never aborts the others or the rest of the
 * workflow. Only a defect of the iteration itself (a malformed describe result failing the Choice)
 * fails the Map, which the workflow routes to its failure path.
 *
 * The guard re-checks what the selection decided on, whatever its reason (`expires-at`, `age`, or
 * `failed-run`, a leftover of a failed run selected before its expiry): still ours, and the
 * `interactions:expires-at` and `interactions:execution` tags unchanged since selection. It never
 * compares the expiry with the clock itself: the selection did, or judged the owning run instead.
 *
 * State shape: each item arrives as `$.<noun>` (`$.snapshot` by default: `identifier`, `expiresAtTag`,
 * `execution`); the describe task
 * writes the guard fields (`managedBy`, `environment`, `execution`, `type`, `status`, `expiresAt`) to
 * `$.guard`, tag values as strings (`''` when the tag is absent).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Environment } from '../../shared/naming.js';
import { MANAGED_BY } from '../../shared/tags.js';
import { type SdkErrorPrefix, TRANSIENT_BACKOFF, transientSdkErrors } from './retry.js';
import { ownedResourceConditions, type ResourceTagConditionKey } from './tag-conditions.js';

/** Where the guard Choice finds what the pre-delete describe returned. */
export const GUARD_PATH = '$.guard';

/** Where an item's describe or delete error is kept for its `failed` record. */
const ITEM_ERROR_PATH = '$.itemError';

/**
 * What the Map iterates over: the word in its record states' names (and the key each item arrives
 * under, `$.<noun>`), and what the describe must report for an item that may be deleted.
 */
export interface GuardedItem {
  /** `snapshot`, `leftover`: "Record snapshot deleted", items at `$.snapshot`. */
  readonly noun: string;
  /** The describe's `type` of a deletable item (a manual snapshot: `manual`). */
  readonly type: string;
  /** The describe's `status` of a deletable item (a snapshot: `available`). */
  readonly status: string;
}

/** Manual snapshots, available: what every snapshot pruning deletes. */
export const SNAPSHOT_ITEM: GuardedItem = { noun: 'snapshot', type: 'manual', status: 'available' };

/** The outcomes an item is recorded with. */
export type DeletionOutcome = 'deleted' | 'refused' | 'absent' | 'busy' | 'failed';

/** The delete action and the resources it may touch; the tag conditions are added by the fragment. */
export interface DeletePermission {
  /** IAM actions of the delete, e.g. `rds:DeleteDBSnapshot`. */
  readonly actions: string[];
  /** The snapshots (ARN patterns) the delete may touch. */
  readonly resources: string[];
  /** The service's resource-tag condition key prefix. */
  readonly tagConditionPrefix: ResourceTagConditionKey;
}

/** A delete as a direct SDK integration, run by the state machine's role. */
export interface SdkDeleteStep {
  readonly kind: 'sdk';
  /** State name, a verb phrase such as "Delete snapshot". */
  readonly stateName: string;
  /** `arn:<partition>:states:::aws-sdk:<service>:<action>`. */
  readonly resource: string;
  /** The call's parameters (JSONPath values allowed). */
  readonly parameters: Record<string, string | boolean>;
  /** JSONPath of the snapshot status in the response, kept as `$.deleted.status`. */
  readonly statusPath: string;
  /** Prefix of the service's error names, for the transient-error retry. */
  readonly service: SdkErrorPrefix;
}

/** A delete done by a Lambda task, whose function runs as `runsAs`. */
export interface LambdaDeleteStep {
  readonly kind: 'lambda';
  /** The task (its result goes to `$.deleted`). */
  readonly state: sfn.TaskStateBase;
  /** The function's role: receives the delete permission. */
  readonly runsAs: iam.IGrantable;
}

/** Props of GuardedDeletion. */
export interface GuardedDeletionProps {
  /** The environment whose tag the snapshot must carry. */
  readonly envName: Environment;
  /** What is deleted. @default SNAPSHOT_ITEM */
  readonly item?: GuardedItem;
  /** Name of the Map state, e.g. "Delete expired snapshots". */
  readonly mapName: string;
  /** Name of the guard Choice, e.g. "Snapshot still ours and expired?". */
  readonly choiceName: string;
  /** Inserted in the record states' names: `''` (DB snapshot), `'DR copy '`, `'cache '`. */
  readonly recordPrefix: string;
  /** JSONPath of the selected snapshots. */
  readonly itemsPath: string;
  /** Where the Map writes the list of outcomes. */
  readonly resultPath: string;
  /** Deletions running at once. */
  readonly concurrency: number;
  /** The pre-delete describe; writes the guard fields to `$.guard`. */
  readonly describe: sfn.TaskStateBase;
  /** The delete itself. */
  readonly deleteStep: SdkDeleteStep | LambdaDeleteStep;
  /** What the delete may touch. */
  readonly permission: DeletePermission;
  /** Errors of the delete recorded `absent` (the snapshot went away after the describe). @default none */
  readonly gone?: string[];
  /** Errors of the delete recorded `busy` (the snapshot's state does not allow deleting now). @default none */
  readonly busy?: string[];
  /**
   * The delete returns `{ outcome, reason }` (deleted, absent, busy, refused) instead of raising
   * errors: a Choice records it. @default false: reaching the end of the delete means deleted
   */
  readonly outcomeFromResult?: boolean;
}

/** The guarded deletion Map (see the module comment). */
export class GuardedDeletion extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[];
  /** The Map state: route its errors to the workflow's failure path. */
  readonly map: sfn.Map;

  constructor(scope: Construct, id: string, props: GuardedDeletionProps) {
    super(scope, id);
    if (!Number.isInteger(props.concurrency) || props.concurrency < 1) {
      throw new Error(`GuardedDeletion ${id}: concurrency must be a positive integer (got ${props.concurrency})`);
    }
    const statement = deleteStatement(props.envName, props.permission);
    const remove =
      props.deleteStep.kind === 'sdk' ? new SdkDelete(this, props.deleteStep, statement) : props.deleteStep.state;
    if (props.deleteStep.kind === 'lambda') props.deleteStep.runsAs.grantPrincipal.addToPrincipalPolicy(statement);

    const item = props.item ?? SNAPSHOT_ITEM;
    if (!/^[a-z][a-zA-Z]*$/.test(item.noun)) {
      throw new Error(`GuardedDeletion ${id}: item.noun must be a lowercase word (got '${item.noun}')`);
    }
    const iteration = this.iteration(props, item, remove);
    this.map = new sfn.Map(this, props.mapName, {
      itemsPath: props.itemsPath,
      itemSelector: { [`${item.noun}.$`]: '$$.Map.Item.Value' },
      maxConcurrency: props.concurrency,
      resultPath: props.resultPath,
    }).itemProcessor(iteration);
    this.startState = this.map;
    this.endStates = [this.map];
  }

  /** One item: describe -> guard Choice -> delete or refuse -> `{ identifier, outcome }`; errors -> `failed`. */
  private iteration(
    props: GuardedDeletionProps,
    item: GuardedItem,
    remove: sfn.TaskStateBase | sfn.CustomState,
  ): sfn.IChainable {
    const prefix = `${props.recordPrefix}${item.noun}`;
    const record = (stateName: string, outcome: string, extra: Record<string, string> = {}) =>
      recordState(this, item, stateName, outcome, extra);
    const gone = record(`Record ${prefix} already gone`, 'absent');
    const refused = record(`Refuse ${prefix}`, 'refused', {
      'status.$': `${GUARD_PATH}.status`,
      'managedBy.$': `${GUARD_PATH}.managedBy`,
      'environment.$': `${GUARD_PATH}.environment`,
      'execution.$': `${GUARD_PATH}.execution`,
      'expiresAt.$': `${GUARD_PATH}.expiresAt`,
    });
    const deleted = record(`Record ${prefix} deleted`, 'deleted');
    const busyErrors = props.busy ?? [];
    const goneErrors = props.gone ?? [];
    if (busyErrors.length > 0)
      remove.addCatch(record(`Record ${prefix} busy`, 'busy'), {
        errors: busyErrors,
        resultPath: '$.busy',
      });
    if (goneErrors.length > 0) remove.addCatch(gone, { errors: goneErrors, resultPath: '$.notFound' });
    // Last, after the specific catches: States.ALL must be the final catcher of a state.
    const failed = record(`Record ${prefix} failed`, 'failed', {
      'error.$': `${ITEM_ERROR_PATH}.Error`,
      'cause.$': `${ITEM_ERROR_PATH}.Cause`,
    });
    remove.addCatch(failed, { errors: ['States.ALL'], resultPath: ITEM_ERROR_PATH });
    props.describe.addCatch(failed, { errors: ['States.ALL'], resultPath: ITEM_ERROR_PATH });
    if (props.outcomeFromResult === true) {
      const refusedAtDelete = record(`Refuse ${prefix} at delete`, 'refused', {
        'reason.$': '$.deleted.reason',
      });
      const busyAtDelete = record(`Record ${prefix} busy`, 'busy', { 'reason.$': '$.deleted.reason' });
      remove.next(
        new sfn.Choice(
          this,
          `${props.recordPrefix}delete outcome?`.replace(/^./, (c) => c.toUpperCase()),
        )
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'deleted'), deleted)
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'absent'), gone)
          .when(sfn.Condition.stringEquals('$.deleted.outcome', 'busy'), busyAtDelete)
          .otherwise(refusedAtDelete),
      );
    } else {
      remove.next(deleted);
    }
    props.describe.next(
      new sfn.Choice(this, props.choiceName)
        .when(sfn.Condition.stringEquals(`${GUARD_PATH}.status`, 'absent'), gone)
        .when(stillOursAndExpired(props.envName, item), remove)
        .otherwise(refused),
    );
    return props.describe;
  }
}

/**
 * The guard: the item still has the deletable type and status (a snapshot: manual, available),
 * tagged as this environment's automation's with an `interactions:execution` (the delete grant
 * requires one: without it the delete would be denied and recorded `failed` every night) that is the
 * one seen at selection (a `failed-run` selection judged that execution's run), and its
 * `interactions:expires-at` tag is the value seen at selection (`''` then and now when absent).
 */
function stillOursAndExpired(envName: Environment, item: GuardedItem): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.stringEquals(`${GUARD_PATH}.managedBy`, MANAGED_BY),
    sfn.Condition.stringEquals(`${GUARD_PATH}.environment`, envName),
    sfn.Condition.not(sfn.Condition.stringEquals(`${GUARD_PATH}.execution`, '')),
    sfn.Condition.stringEqualsJsonPath(`${GUARD_PATH}.execution`, `$.${item.noun}.execution`),
    sfn.Condition.stringEquals(`${GUARD_PATH}.type`, item.type),
    sfn.Condition.stringEquals(`${GUARD_PATH}.status`, item.status),
    sfn.Condition.stringEqualsJsonPath(`${GUARD_PATH}.expiresAt`, `$.${item.noun}.expiresAtTag`),
  );
}

/** The record one Map iteration returns. */
function recordState(
  scope: Construct,
  item: GuardedItem,
  stateName: string,
  outcome: string,
  extra: Record<string, string>,
): sfn.Pass {
  return new sfn.Pass(scope, stateName, {
    parameters: { 'identifier.$': `$.${item.noun}.identifier`, outcome, ...extra },
  });
}

/**
 * The delete's IAM statement, the one rule of every delete grant (as guarded delete's): the snapshot
 * carries managed-by, this environment and an execution tag, i.e. an execution of the automation made it.
 */
function deleteStatement(envName: Environment, permission: DeletePermission): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: permission.actions,
    resources: permission.resources,
    conditions: ownedResourceConditions(envName, permission.tagConditionPrefix),
  });
}

/**
 * A delete as a direct SDK integration, written as a CustomState so that its IAM statement can carry
 * the tag conditions (CallAwsService grants its action unconditionally); the statement is registered
 * on the state machine's role when the graph is bound. Transient errors retried with backoff and jitter.
 */
class SdkDelete extends sfn.CustomState {
  constructor(
    scope: Construct,
    step: SdkDeleteStep,
    private readonly statement: iam.PolicyStatement,
  ) {
    super(scope, step.stateName, {
      stateJson: {
        Type: 'Task',
        Resource: step.resource,
        Parameters: step.parameters,
        ResultSelector: { 'status.$': step.statusPath },
        ResultPath: '$.deleted',
        TimeoutSeconds: 60,
      },
    });
    this.addRetry({ ...TRANSIENT_BACKOFF, errors: transientSdkErrors(step.service) });
  }

  override bindToGraph(graph: sfn.StateGraph): void {
    super.bindToGraph(graph);
    graph.registerPolicyStatement(this.statement);
  }
}

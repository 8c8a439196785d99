/**
 * "Clean up if this execution created it": the cleanup step of a failure path. A Choice continues
 * to the guarded delete only when the state records that this execution created the resource
 * (`createdPath` present) and it is not a result worth keeping (`keepPath` absent: e.g. a snapshot
 * that already passed verification is never deleted because a later step failed). The delete runs
 * in a function whose tag guard checks this execution's tag; any error of it is caught into
 * `$.cleanupError`, so the notification always follows.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WorkflowName } from '../../shared/naming.js';
import { catchCleanup } from './failure-path.js';
import { lambdaTask } from './lambda-task.js';

/** Props of CleanupIfCreated. */
export interface CleanupIfCreatedProps {
  /** The workflow (sent to the function for log correlation). */
  readonly workflow: WorkflowName;
  /** Name of the Choice, e.g. "Snapshot created?". */
  readonly choiceName: string;
  /** Name of the delete task, e.g. "Delete snapshot". */
  readonly deleteName: string;
  /** The guarded delete function. */
  readonly deleteFunction: lambda.IFunction;
  /** Payload of the delete (JSONPath values allowed). */
  readonly payload: Record<string, unknown>;
  /** Present once this execution created the resource, e.g. `$.created`. */
  readonly createdPath: string;
  /** Present when the resource must be kept even though the execution fails. @default always delete what was created */
  readonly keepPath?: string;
  /** Console comment of the delete task. @default no comment */
  readonly comment?: string;
  /** Where the cleanup goes next (the failure notification). */
  readonly next: sfn.IChainable;
}

/** The Choice and the guarded delete, both continuing to `next` (see the module comment). */
export class CleanupIfCreated extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[] = [];

  constructor(scope: Construct, id: string, props: CleanupIfCreatedProps) {
    super(scope, id);
    const deleteResource = lambdaTask(this, props.deleteName, {
      workflow: props.workflow,
      lambdaFunction: props.deleteFunction,
      payload: props.payload,
      resultPath: '$.cleanup',
      comment: props.comment,
    });
    catchCleanup(deleteResource, props.next).next(props.next);
    const created = sfn.Condition.isPresent(props.createdPath);
    this.startState = new sfn.Choice(this, props.choiceName)
      .when(
        props.keepPath === undefined
          ? created
          : sfn.Condition.and(created, sfn.Condition.not(sfn.Condition.isPresent(props.keepPath))),
        deleteResource,
      )
      .otherwise(props.next);
  }
}

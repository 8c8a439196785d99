/**
 * The success tail of a workflow: notify-outcome writes the report and notifies the severity
 * topic, a Pass builds the execution output (with the report's S3 URIs), and the execution
 * succeeds. A failed notification goes to the failure path like any other task.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WorkflowName } from '../../shared/naming.js';
import { SNAPSHOT_VERIFIED_STATE } from '../../shared/naming.js';
import type { FailurePath } from './failure-path.js';
import { lambdaTask } from './lambda-task.js';

/** Props of ReportAndSucceed. */
export interface ReportAndSucceedProps {
  /** The workflow (sent to notify-outcome for log correlation). */
  readonly workflow: WorkflowName;
  /** notify-outcome. */
  readonly notifyFunction: lambda.IFunction;
  /** Where a failed notification goes. */
  readonly failure: FailurePath;
  /** notify-outcome's payload (`environment`, `status`, `severity`, `summary`, `details`...). */
  readonly payload: Record<string, unknown>;
  /** Output fields besides `report` (JSONPath keys ending in `.$` allowed). */
  readonly output: Record<string, unknown>;
  /** Name of the Succeed state, e.g. "Snapshot ready". */
  readonly succeedName: string;
  /** Name of the notification task. @default 'Notify success' (SNAPSHOT_VERIFIED_STATE: housekeeping reads it) */
  readonly notifyName?: string;
}

/** "Notify success" -> "Build output" -> the Succeed state (see the module comment). */
export class ReportAndSucceed extends sfn.StateMachineFragment {
  readonly startState: sfn.State;
  readonly endStates: sfn.INextable[] = [];

  constructor(scope: Construct, id: string, props: ReportAndSucceedProps) {
    super(scope, id);
    const notify = props.failure.catch(
      lambdaTask(this, props.notifyName ?? SNAPSHOT_VERIFIED_STATE, {
        workflow: props.workflow,
        lambdaFunction: props.notifyFunction,
        payload: props.payload,
        resultPath: '$.notification',
      }),
    );
    const output = new sfn.Pass(this, 'Build output', {
      parameters: {
        ...props.output,
        report: {
          'json.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.json)",
          'markdown.$': "States.Format('s3://{}/{}', $.notification.reports.bucket, $.notification.reports.markdown)",
        },
      },
    });
    notify.next(output).next(new sfn.Succeed(this, props.succeedName));
    this.startState = notify;
  }
}

/**
 * The end of every restore drill (recovery test, full restore): once its temporary resources are
 * deleted and its evaluation function has judged the run (`$.evaluation`: `passed`, `severity`,
 * `summary` and the drill's measurements), a passed drill files its report and succeeds with the
 * named measurements as output; a failed one goes to the failure path, its summary as the cause.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Environment, WorkflowName } from '../../shared/naming.js';
import type { FailurePath } from './failure-path.js';
import { ReportAndSucceed } from './report-and-succeed.js';

/** Props of drillVerdict. */
export interface DrillVerdictProps {
  readonly workflow: WorkflowName;
  readonly envName: Environment;
  readonly notifyFunction: lambda.IFunction;
  readonly failure: FailurePath;
  /** The Choice's name, a question: "Data verified and cleaned up?". */
  readonly choiceName: string;
  /** Error of a failed drill, e.g. `RecoveryTestFailed`. */
  readonly errorName: string;
  /** Fields of `$.evaluation` the execution returns (the workflow's output contract). */
  readonly outputFields: readonly string[];
}

/** "<choiceName>" → "Notify drill result" → "Drill passed", or "Drill failed" through the failure path. */
export function drillVerdict(scope: Construct, props: DrillVerdictProps): sfn.Choice {
  const report = new ReportAndSucceed(scope, 'Report', {
    workflow: props.workflow,
    notifyFunction: props.notifyFunction,
    failure: props.failure,
    notifyName: 'Notify drill result',
    payload: {
      environment: props.envName,
      status: 'SUCCEEDED',
      severity: sfn.JsonPath.stringAt('$.evaluation.severity'),
      summary: sfn.JsonPath.stringAt('$.evaluation.summary'),
      details: { 'plan.$': '$.plan', 'evaluation.$': '$.evaluation' },
    },
    output: Object.fromEntries(props.outputFields.map((field) => [`${field}.$`, `$.evaluation.${field}`])),
    succeedName: 'Drill passed',
  });
  return new sfn.Choice(scope, props.choiceName)
    .when(sfn.Condition.booleanEquals('$.evaluation.passed', true), report)
    .otherwise(
      props.failure.raise('Drill failed', props.errorName, { format: "States.Format('{}', $.evaluation.summary)" }),
    );
}

/**
 * AutomationStateMachine: a Standard state machine with the defaults every workflow of the
 * automation layer must have: its physical name, an overall timeout, logging level ALL (with
 * execution data) to a log group with retention, X-Ray tracing, and the JSONPath query language
 * (which the local test harness executes).
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';

/** Props of AutomationStateMachine. */
export interface AutomationStateMachineProps {
  /** The environment: part of the state machine's name. */
  readonly envName: Environment;
  /** The workflow: the state machine is named `interactions-<env>-<workflow>`. */
  readonly workflow: WorkflowName;
  /** The first state of the definition. */
  readonly definition: sfn.IChainable;
  /** Overall execution timeout. */
  readonly timeout: Duration;
  /** Log group for execution history. @default a new group `/aws/vendedlogs/states/interactions-<env>-<workflow>` */
  readonly logGroup?: logs.ILogGroup;
  /** Retention of the log group this construct creates (ignored with `logGroup`). @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Description shown in the console. @default no comment */
  readonly comment?: string;
}

/** A state machine with the automation's defaults (see the module comment). */
export class AutomationStateMachine extends Construct {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Where its execution history is logged. */
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: AutomationStateMachineProps) {
    super(scope, id);
    if (props.timeout.toSeconds() <= 0) throw new Error('AutomationStateMachine: timeout must be positive');
    const name = names.stateMachine(props.envName, props.workflow);
    // `/aws/vendedlogs/` keeps the log group out of CloudWatch Logs' resource policy size limit.
    this.logGroup =
      props.logGroup ??
      new logs.LogGroup(this, 'Logs', {
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: props.comment,
    });
  }
}

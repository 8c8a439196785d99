/**
 * AutomationStateMachine: a Standard state machine with the defaults every workflow of the
 * automation layer must have: its physical name, an overall timeout, logging level ALL (with
 * execution data) to a log group with retention, X-Ray tracing, and the JSONPath query language
 * (which the local test harness executes). It also acknowledges the cdk-nag findings those defaults
 * cause (X-Ray and log-delivery actions on "*", the `<function>:*` invoke grant of every Lambda
 * task), so a workflow acknowledges only what its own states add.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeInvokeVersions, acknowledgeWildcard } from '../../infra/constructs/nag.js';
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

    acknowledgeWildcard(
      this.stateMachine,
      '*',
      'The X-Ray and CloudWatch Logs log-delivery actions of tracing and logging have no resource type: IAM accepts only "*". None mutates a resource.',
    );
    for (const functionArn of invokedFunctionArns(props.definition)) {
      acknowledgeInvokeVersions(this.stateMachine, functionArn);
    }
  }
}

/** Matches the optimized Lambda integration's resource (`arn:<partition>:states:::lambda:invoke`). */
const LAMBDA_INVOKE_RESOURCE = /:states:::lambda:invoke(\.waitForTaskToken)?$/;

/**
 * The function ARNs the definition's Lambda tasks invoke (reachable states, error handlers and
 * Parallel/Map branches included), read from the rendered states: a direct function ARN resource
 * (`payloadResponseOnly`) or the optimized integration's `FunctionName`.
 */
export function invokedFunctionArns(definition: sfn.IChainable): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const state = value as Record<string, unknown>;
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      const parameters = state.Parameters as Record<string, unknown> | undefined;
      if (LAMBDA_INVOKE_RESOURCE.test(state.Resource)) {
        if (typeof parameters?.FunctionName === 'string') found.add(parameters.FunctionName);
      } else if (/:lambda:|^\$\{Token/.test(state.Resource) && !state.Resource.includes(':states:::')) {
        found.add(state.Resource);
      }
    }
    for (const child of Object.values(state)) visit(child);
  };
  for (const state of sfn.State.findReachableStates(definition.startState, { includeErrorHandlers: true })) {
    visit(state.toStateJson());
  }
  return [...found];
}

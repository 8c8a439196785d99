/**
 * The gate of blue/green deployments: the lifecycle hook function
 * `interactions-<env>-deployment-lifecycle-hook` (functions/deployment-lifecycle-hook) ECS calls at
 * POST_TEST_TRAFFIC_SHIFT and the role ECS invokes it with.
 *
 * It lives in the platform stack, beside the services it guards, while the verification state machine
 * is the automation stack's, which depends on this one: the function reaches the state machine and
 * the shared tasks log group by their fixed names, so no reference (and no dependency cycle) arises.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Environment, names } from '../../../shared/naming.js';
import { AutomationFunction } from '../automation-function.js';
import { acknowledgeInvokeVersions, acknowledgeWildcard } from '../nag.js';

/** The function's folder in functions/ and the suffix of its name. */
export const LIFECYCLE_HOOK_FUNCTION = 'deployment-lifecycle-hook';

/** Properties of {@link DeploymentGate}. */
export interface DeploymentGateProps {
  /** Environment; names the function, the state machine it starts and its log group. */
  readonly envName: Environment;
  /** Base URL of the ALB's test listener (`http://<alb dns>:<port>`). */
  readonly testUrl: string;
  /** Both target groups of each service; the verification checks every target in them. */
  readonly targetGroupArns: { readonly backend: readonly string[]; readonly frontend: readonly string[] };
  /** Seconds ECS waits before calling the hook again while the verification runs. */
  readonly callbackDelaySeconds: number;
}

/**
 * The hook function with grants limited to: starting `interactions-<env>-deployment-verification`,
 * describing that machine's `lifecycle-hook-*` executions, and describing this cluster's service
 * revisions (the green revision's task definition).
 */
export class DeploymentGate extends Construct {
  /** The hook function. */
  readonly function: AutomationFunction;
  /** Role ECS assumes to invoke the hook. */
  readonly invokeRole: iam.Role;

  constructor(scope: Construct, id: string, props: DeploymentGateProps) {
    super(scope, id);
    const { envName } = props;
    const stack = Stack.of(this);
    const stateMachineName = names.stateMachine(envName, 'deployment-verification');
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The hook names its executions `lifecycle-hook-<component>-<deployment id>` (gate.ts).
    const hookExecutions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:lifecycle-hook-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const serviceRevisions = stack.formatArn({
      service: 'ecs',
      resource: 'service-revision',
      resourceName: `${names.cluster(envName)}/*`,
    });

    this.function = new AutomationFunction(this, 'Function', {
      envName,
      name: LIFECYCLE_HOOK_FUNCTION,
      description: `Blue/green gate of ${names.cluster(envName)}: runs the deployment verification on test traffic`,
      // Every call answers at once (start, or describe): ECS calls again after the callback delay.
      timeout: Duration.seconds(30),
      logGroup: logs.LogGroup.fromLogGroupName(this, 'TasksLogGroup', names.lambdaLogGroup(envName)),
      environment: {
        WORKFLOW: 'deployment-verification',
        STATE_MACHINE_ARN: stateMachineArn,
        TEST_URL: props.testUrl,
        BACKEND_TARGET_GROUP_ARNS: props.targetGroupArns.backend.join(','),
        FRONTEND_TARGET_GROUP_ARNS: props.targetGroupArns.frontend.join(','),
        CALLBACK_DELAY_SECONDS: String(props.callbackDelaySeconds),
      },
    });
    const role = this.function.role;
    role.addToPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [hookExecutions] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['ecs:DescribeServiceRevisions'], resources: [serviceRevisions] }),
    );
    acknowledgeWildcard(
      role,
      hookExecutions,
      'Execution names carry the deployment id, known only at run time; limited to the lifecycle-hook-* executions of the one verification state machine',
    );
    acknowledgeWildcard(
      role,
      serviceRevisions,
      "Service revision ids are known only at run time; limited to read-only DescribeServiceRevisions on this environment's cluster",
    );

    Validations.of(this.function.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by ECS during a deployment: a failed call is an error ECS sees (and rolls back on), no event is lost',
    });

    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `ECS invokes ${names.lambdaFunction(envName, LIFECYCLE_HOOK_FUNCTION)} at POST_TEST_TRAFFIC_SHIFT`,
    });
    this.function.function.grantInvoke(this.invokeRole);
    acknowledgeInvokeVersions(this.invokeRole, this.function.function.functionArn);
  }

  /** The hook target for one service: this function at POST_TEST_TRAFFIC_SHIFT, invoked with {@link invokeRole}. */
  hook(id: string): ecs.DeploymentLifecycleLambdaTarget {
    return new ecs.DeploymentLifecycleLambdaTarget(this.function.function, id, {
      lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
      role: this.invokeRole,
    });
  }
}

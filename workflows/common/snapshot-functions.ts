/**
 * The Lambda functions of the snapshot workflows, with the automation's function defaults:
 * Node.js 24 on arm64, the esbuild bundle `dist/functions/<name>`, X-Ray tracing, JSON logs,
 * the environment variables shared/settings.ts validates, a role that starts empty of service
 * permissions (the workflow adds exactly what each function needs).
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Environment, names, type WorkflowName } from '../../shared/naming.js';
import { acknowledgeWildcard } from './nag.js';

/** Props of snapshotFunction. */
export interface SnapshotFunctionProps {
  readonly envName: Environment;
  readonly workflow: WorkflowName;
  /** Folder under functions/ (and dist/functions/). */
  readonly name: string;
  /** Physical name suffix: the function is `interactions-<env>-<functionSuffix>`, unique per workflow. */
  readonly functionSuffix: string;
  /** Shared log group. @default a group of the function's own, one month retention */
  readonly logGroup?: logs.ILogGroup;
}

/** Creates one function of a snapshot workflow (see the module comment). */
export function snapshotFunction(scope: Construct, id: string, props: SnapshotFunctionProps): lambda.Function {
  const holder = new Construct(scope, id);
  const functionName = names.lambdaFunction(props.envName, props.functionSuffix);
  const logGroup =
    props.logGroup ??
    new logs.LogGroup(holder, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: logs.RetentionDays.ONE_MONTH,
    });
  // Logging permissions scoped to the log group, instead of the AWSLambdaBasicExecutionRole managed policy.
  const role = new iam.Role(holder, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [
        Stack.of(holder).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: `${logGroup.logGroupName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  const fn = new lambda.Function(holder, 'Function', {
    functionName,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(`dist/functions/${props.name}`),
    memorySize: 256,
    timeout: Duration.seconds(60),
    tracing: lambda.Tracing.ACTIVE,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    environment: {
      ENVIRONMENT: props.envName,
      WORKFLOW: props.workflow,
      POWERTOOLS_SERVICE_NAME: `interactions-${props.workflow}`,
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
  acknowledgeWildcard(
    role,
    '*',
    'X-Ray PutTraceSegments/PutTelemetryRecords have no resource type: IAM accepts only "*".',
  );
  acknowledgeWildcard(
    role,
    Stack.of(holder).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${logGroup.logGroupName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    "Log streams of the function's own log group: their names are chosen by Lambda at run time.",
  );
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'Invoked synchronously by Step Functions only: failures return to the state machine, whose Retry and Catch handle them; a DLQ applies to asynchronous invocations.',
  });
  return fn;
}

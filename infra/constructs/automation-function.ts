/**
 * One Lambda function of the automation layer, with the defaults every function shares.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';
import { acknowledgeWildcard } from './nag.js';

/** Props of AutomationFunction. */
export interface AutomationFunctionProps {
  /** Environment the function serves: names it and becomes its ENVIRONMENT variable. */
  readonly envName: Environment;
  /** Kebab-case folder in functions/ (bundled to dist/functions/<name>); the function is `interactions-<env>-<name>`. */
  readonly name: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Extra environment variables (e.g. WORKFLOW, REPORTS_BUCKET). @default only the shared ones */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 256 MiB */
  readonly memorySize?: number;
  /** The automation's shared log group (`/aws/lambda/interactions-<env>-tasks`). */
  readonly logGroup: logs.ILogGroup;
  /**
   * VPC to run in, for probes that reach private endpoints (the database, the cache, internal load
   * balancers). @default outside any VPC: the function reaches only public AWS endpoints
   */
  readonly vpc?: ec2.IVpc;
  /** Subnets in `vpc`. @default the VPC's private subnets with egress (CDK's default selection) */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups of the function's network interfaces in `vpc`. @default one group CDK creates, outbound open, no inbound */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/**
 * A Lambda function of the automation with fixed defaults: Node.js 24 on arm64; the esbuild bundle
 * `dist/functions/<name>/index.mjs` (handler `index.handler`); X-Ray tracing active; JSON logs into
 * the shared log group; 30 s timeout and 256 MiB unless given; environment ENVIRONMENT,
 * POWERTOOLS_SERVICE_NAME and NODE_OPTIONS=--enable-source-maps; a role of its own that may only
 * write to the shared log group and send traces (callers grant what the function needs).
 * Fails at synth when the bundle is missing, telling to run `npm run bundle`.
 */
export class AutomationFunction extends Construct {
  /** The Lambda function. */
  readonly function: lambda.Function;
  /** The function's execution role, for the caller's grants. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AutomationFunctionProps) {
    super(scope, id);
    if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
      throw new Error(`AutomationFunction ${props.name}: vpcSubnets and securityGroups need a vpc`);
    }
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(props.name)) {
      throw new Error(`AutomationFunction name must be kebab-case (a folder of functions/), got "${props.name}"`);
    }
    // Relative to the working directory, as cdk.json and jest both run from the repository root.
    const bundleDir = resolve('dist', 'functions', props.name);
    if (!existsSync(join(bundleDir, 'index.mjs'))) {
      throw new Error(
        `AutomationFunction ${props.name}: ${join('dist', 'functions', props.name, 'index.mjs')} is missing; run \`npm run bundle\` first`,
      );
    }
    const functionName = names.lambdaFunction(props.envName, props.name);

    // Not AWSLambdaBasicExecutionRole: that managed policy may write to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: logs to the shared tasks log group; further grants added by its workflow`,
    });
    const logStreams = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${props.logGroup.logGroupName}:log-stream:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams] }),
    );
    if (props.vpc !== undefined) {
      // What AWSLambdaVPCAccessExecutionRole grants, without attaching a managed policy (CDK adds it only to roles it creates).
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundleDir),
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: props.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups === undefined ? undefined : [...props.securityGroups],
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        ...props.environment,
        ENVIRONMENT: props.envName,
        POWERTOOLS_SERVICE_NAME: functionName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    acknowledgeWildcard(
      this.role,
      logStreams,
      'Lambda names its log streams at run time; the grant is limited to the streams of the shared tasks log group',
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        props.vpc === undefined
          ? 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions'
          : 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and the Lambda VPC network interface actions (ec2:Describe*, ec2:*NetworkInterface, ec2:*PrivateIpAddresses, as in AWSLambdaVPCAccessExecutionRole) support no resource-level permissions',
    });
  }
}

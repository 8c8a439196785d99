/**
 * The seed's four IAM roles ("IAM Policies"), one set per environment. IAM names are global to an
 * account, so the seed's names are kept with the environment inserted
 * (`interactions-ecs-execution` -> `interactions-<env>-ecs-execution`): dev, staging and prod can
 * then share one account without colliding.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import type { EnvironmentName } from '../../config/index.js';
import {
  CreateRequestTags,
  DestructiveTagConditions,
  NoMutatingWildcard,
  safetyFindingId,
} from '../../safety-rules/index.js';
import { acknowledgeWildcard } from '../nag.js';

/** GitHub Actions' OIDC issuer; its IAM provider exists once per account (`interactions-global`). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** Properties of {@link ComputeRoles}. */
export interface ComputeRolesProps {
  /** Environment the roles belong to; it is part of every role name and resource scope. */
  readonly envName: EnvironmentName;
  /** ECS cluster name (`interactions-<env>`): the CI/CD role may deploy only its services. */
  readonly clusterName: string;
  /** S3 bucket of the static assets: read by the tasks, written by CI/CD. */
  readonly assetsBucketName: string;
  /** GitHub repository `owner/name` whose deploy jobs for this environment may assume the CI/CD role. */
  readonly githubRepository: string;
}

/**
 * `interactions-<env>-ecs-execution`, `-ecs-task`, `-ci-cd` and `-monitoring`.
 *
 * The execution role starts empty: the task definitions grant it exactly what they use (ECR pull
 * of their repository, writes to their log group, reads of the secrets they inject).
 * The CI/CD role trusts GitHub's OIDC tokens of one subject only, `repo:<repo>:environment:<env>`:
 * the subject GitHub issues to jobs that declare `environment: <env>` (.github/workflows/deploy.yml),
 * so only jobs that passed that GitHub environment's protection rules can assume it; a branch or
 * pull-request workflow (subject `repo:<repo>:ref:...` / `:pull_request`) cannot, and therefore
 * cannot reach the CDK bootstrap roles either. GitHub's OIDC provider is account-global, so the
 * `interactions-global` stack creates it (infra/stacks/global-stack.ts) and the environment's stacks
 * deploy after that one; its ARN is fixed by the issuer, so the role names it without a reference.
 */
export class ComputeRoles extends Construct {
  /** Used by the ECS agent to pull images, ship logs and inject secrets. */
  readonly execution: iam.Role;
  /** Assumed by the application containers at run time. */
  readonly task: iam.Role;
  /** Assumed by GitHub Actions jobs of the configured repository running in this environment's GitHub environment. */
  readonly ciCd: iam.Role;
  /** Assumed by monitoring tooling of this account to read and manage this environment's CloudWatch. */
  readonly monitoring: iam.Role;

  constructor(scope: Construct, id: string, props: ComputeRolesProps) {
    super(scope, id);
    const { envName, clusterName, assetsBucketName, githubRepository } = props;
    const stack = Stack.of(this);
    const prefix = names.prefix(envName);
    const bucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: assetsBucketName });
    const logGroupArns = (['frontend', 'backend'] as const).map((component) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${names.ecsLogGroup(envName, component)}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );

    this.execution = new iam.Role(this, 'Execution', {
      roleName: `${prefix}-ecs-execution`,
      description: `ECS task execution (${envName}): ECR pull, CloudWatch Logs, secrets injection`,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });

    this.task = new iam.Role(this, 'Task', {
      roleName: `${prefix}-ecs-task`,
      description: `ECS task runtime (${envName}): S3 read of the assets, Parameter Store read`,
      // Confused-deputy guard: only ECS acting for this account may assume it.
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*' }) },
      }),
    });
    this.task.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadAssets', actions: ['s3:GetObject'], resources: [`${bucketArn}/*`] }),
    );
    this.task.addToPolicy(
      new iam.PolicyStatement({ sid: 'ListAssets', actions: ['s3:ListBucket'], resources: [bucketArn] }),
    );
    const parameterPrefix = names.parameterPrefix(envName).slice(1);
    const parametersArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: `${parameterPrefix}/*`,
    });
    this.task.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadParameters',
        actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        // The path itself (GetParametersByPath) and everything below it.
        resources: [
          stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterPrefix }),
          parametersArn,
        ],
      }),
    );
    acknowledgeWildcards(this.task, [
      [`${bucketArn}/*`, 'Objects of the assets bucket: the application reads any asset it serves.'],
      [parametersArn, "Parameters under /interactions/<env>/: the application's whole configuration tree."],
    ]);

    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      this,
      'GithubOidcProvider',
      stack.formatArn({ service: 'iam', region: '', resource: 'oidc-provider', resourceName: GITHUB_OIDC_HOST }),
    );
    this.ciCd = new iam.Role(this, 'CiCd', {
      roleName: `${prefix}-ci-cd`,
      description: `Deployment automation (${envName}): ECS deploy, ECR push, S3 write, CloudWatch read`,
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          // Exact subject, no wildcard: only this repository's jobs running in the `<env>` environment.
          [`${GITHUB_OIDC_HOST}:sub`]: `repo:${githubRepository}:environment:${envName}`,
        },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    const serviceArns = (['frontend', 'backend'] as const).map((component) =>
      stack.formatArn({
        service: 'ecs',
        resource: 'service',
        resourceName: `${clusterName}/${names.service(envName, component)}`,
      }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeployServices',
        actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
        resources: serviceArns,
      }),
    );
    // ECS authorizes neither RegisterTaskDefinition nor DescribeTaskDefinition per resource
    // (aws/containers-roadmap#929): they need `*`. What a registered revision can do is bounded
    // by the PassRole statement below (only this environment's two roles) and by UpdateService
    // being limited to this environment's two services.
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterTaskDefinitions',
        actions: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    // The project's safety rules guard what the automation creates and deletes; this role deploys
    // the platform itself, whose services and task definitions never carry the automation's tags.
    const safetyAcknowledgements: ReadonlyArray<readonly [id: string, reason: string]> = [
      [
        safetyFindingId(NoMutatingWildcard, 'Action::ecs:RegisterTaskDefinition'),
        'ECS authorizes RegisterTaskDefinition only on "*"; a revision is inert until UpdateService (two services) runs it with PassRole (two roles).',
      ],
      [
        safetyFindingId(CreateRequestTags, 'Action::ecs:RegisterTaskDefinition'),
        "CI registers the platform's task definition revisions, not automation resources: they carry the platform's tags, not the automation's.",
      ],
      [
        safetyFindingId(DestructiveTagConditions, 'Action::ecs:UpdateService'),
        "Deploying is updating the platform's own two services of this environment, named by ARN in its cluster; they are not the automation's.",
      ],
    ];
    for (const [id, reason] of safetyAcknowledgements) Validations.of(this.ciCd).acknowledge({ id, reason });
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassTaskRoles',
        actions: ['iam:PassRole'],
        resources: [this.execution.roleArn, this.task.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteAssets',
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [`${bucketArn}/*`],
      }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({ sid: 'ListAssets', actions: ['s3:ListBucket'], resources: [bucketArn] }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadMetrics',
        // CloudWatch metric and alarm reads have no resource-level scoping.
        actions: [
          'cloudwatch:GetMetricData',
          'cloudwatch:GetMetricStatistics',
          'cloudwatch:ListMetrics',
          'cloudwatch:DescribeAlarms',
        ],
        resources: ['*'],
      }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadServiceLogs',
        actions: ['logs:FilterLogEvents', 'logs:GetLogEvents'],
        resources: logGroupArns,
      }),
    );
    const verification = names.stateMachine(envName, 'deployment-verification');
    const verificationExecutionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${verification}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartDeploymentVerification',
        actions: ['states:StartExecution'],
        resources: [
          stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: verification,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FollowDeploymentVerification',
        actions: ['states:DescribeExecution'],
        resources: [verificationExecutionsArn],
      }),
    );

    // `cdk deploy` works through the bootstrap stack's roles (default qualifier hnb659fds: deploy,
    // file and image publishing, lookup), in the environment's region and in us-east-1 (edge stack).
    const bootstrapRolesArn = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `cdk-hnb659fds-*-${stack.account}-*`,
    });
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseCdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [bootstrapRolesArn],
      }),
    );
    // A deploy without new tags keeps the images the environment runs: the platform publishes them here.
    const imageTagParametersArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: `interactions/${envName}/images/*`,
    });
    this.ciCd.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRunningImageTags',
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: [imageTagParametersArn],
      }),
    );

    acknowledgeWildcards(this.ciCd, [
      [
        bootstrapRolesArn,
        'The CDK bootstrap roles of this account (deploy, publishing, lookup) in every region the app deploys to.',
      ],
      [imageTagParametersArn, 'The two image tag parameters of this environment.'],
      [
        '*',
        'Only actions without resource-level permissions: ecs:RegisterTaskDefinition/DescribeTaskDefinition (bounded by PassRole on the two task roles and UpdateService on the two services), ecr:GetAuthorizationToken, CloudWatch metric and alarm reads.',
      ],
      [`${bucketArn}/*`, 'Objects of the assets bucket: a deploy uploads the new build and removes stale files.'],
      ...logGroupArns.map((arn): [string, string] => [
        arn,
        'Log streams of one service log group of this environment.',
      ]),
      [
        verificationExecutionsArn,
        "Executions of this environment's deployment-verification state machine, to follow the one CI started.",
      ],
    ]);

    // The seed's "CloudWatch full access", scoped: writes only to this environment's alarms and
    // dashboards, reads anywhere (CloudWatch reads have no resource-level scoping).
    const alarmsArn = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${prefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const dashboardsArn = stack.formatArn({
      service: 'cloudwatch',
      region: '',
      resource: 'dashboard',
      resourceName: `${prefix}-*`,
    });
    // `*` spans slashes in IAM ARNs: ECS, Lambda, ElastiCache and RDS groups of this environment.
    const environmentLogsArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/*/${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.monitoring = new iam.Role(this, 'Monitoring', {
      roleName: `${prefix}-monitoring`,
      description: `Monitoring (${envName}): CloudWatch reads, this environment's alarms and dashboards`,
      // Monitoring tools and on-call identities of this account, when their own policy allows it.
      assumedBy: new iam.AccountPrincipal(stack.account),
      maxSessionDuration: Duration.hours(4),
    });
    this.monitoring.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageAlarms',
        actions: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:PutCompositeAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:SetAlarmState',
          'cloudwatch:EnableAlarmActions',
          'cloudwatch:DisableAlarmActions',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
        ],
        resources: [
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: `${prefix}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.monitoring.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageDashboards',
        actions: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard'],
        resources: [
          stack.formatArn({ service: 'cloudwatch', region: '', resource: 'dashboard', resourceName: `${prefix}-*` }),
        ],
      }),
    );
    this.monitoring.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCloudWatch',
        actions: [
          'cloudwatch:DescribeAlarms',
          'cloudwatch:DescribeAlarmHistory',
          'cloudwatch:DescribeAlarmsForMetric',
          'cloudwatch:GetMetricData',
          'cloudwatch:GetMetricStatistics',
          'cloudwatch:GetMetricWidgetImage',
          'cloudwatch:ListMetrics',
          'cloudwatch:ListDashboards',
          'cloudwatch:ListTagsForResource',
          'logs:DescribeLogGroups',
          'logs:GetQueryResults',
        ],
        resources: ['*'],
      }),
    );
    this.monitoring.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnvironmentLogs',
        actions: ['logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartQuery'],
        resources: [environmentLogsArn],
      }),
    );
    acknowledgeWildcards(this.monitoring, [
      ['*', 'Only CloudWatch and CloudWatch Logs reads, which have no resource-level permissions.'],
      [alarmsArn, 'Alarms of this environment, all named interactions-<env>-...'],
      [dashboardsArn, 'Dashboards of this environment, all named interactions-<env>-...'],
      [environmentLogsArn, 'Reads of the log groups of this environment (/aws/<service>/interactions-<env>...).'],
    ]);
    acknowledgeWildcards(this.execution, [
      [
        '*',
        'ecr:GetAuthorizationToken, which has no resource-level permissions; the image pull itself is scoped to the repositories.',
      ],
    ]);
  }
}

/**
 * Acknowledges cdk-nag's IAM5 finding for each wildcard resource of `role`'s policy, with its
 * reason. cdk-nag names a finding after the flattened CloudFormation form of the resource
 * (`arn:<AWS::Partition>:...`), so the ARN is resolved and flattened the same way.
 */
function acknowledgeWildcards(
  role: iam.Role,
  wildcards: ReadonlyArray<readonly [resource: string, reason: string]>,
): void {
  for (const [resource, reason] of wildcards) acknowledgeWildcard(role, resource, reason);
}

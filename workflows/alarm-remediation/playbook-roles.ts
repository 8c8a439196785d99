/**
 * The grants of each playbook function's own role: read what it diagnoses, change only what it
 * may change, only in its environment. The platform's resources are not the automation's (they do
 * not carry `interactions:managed-by`), so the destructive grants require the platform's own
 * tags instead (`environment` = the environment and `project` = interactions, which the CDK app
 * puts on every resource): another environment's service, database or cache is out of reach.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { DestructiveTagConditions, safetyFindingId } from '../../infra/safety-rules/index.js';
import { type Environment, names } from '../../shared/naming.js';
import type { PlaybookId } from '../../shared/remediation/playbooks.js';
import { elastiCacheArn, rdsArn } from '../common/arns.js';

/** Why a playbook's destructive grant carries the platform's tags, not the automation's. */
const PLATFORM_RESOURCE_REASON =
  "Remediation acts on the platform's own resources (not created by the automation, so without interactions:managed-by); the grant names this environment's resources and requires their environment and project tags instead.";

/** Conditions of a change to a platform resource of `envName` (see the module comment). */
export function platformResourceConditions(
  envName: Environment,
  keyPrefix: string,
): Record<string, Record<string, string>> {
  return { StringEquals: { [`${keyPrefix}/environment`]: envName, [`${keyPrefix}/project`]: 'interactions' } };
}

/** The ARN of an ECS service of the environment's cluster. */
function ecsServiceArn(scope: Construct, envName: Environment, component: 'frontend' | 'backend'): string {
  return Stack.of(scope).formatArn({
    service: 'ecs',
    resource: 'service',
    resourceName: `${names.cluster(envName)}/${names.service(envName, component)}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** What the grants need to know. */
export interface PlaybookGrantOptions {
  readonly envName: Environment;
  /** Whether cache-memory may change the node type (config allows scaling). */
  readonly cacheScaling: boolean;
}

function statement(actions: string[], resources: string[], conditions?: Record<string, Record<string, string>>) {
  return new iam.PolicyStatement({ actions, resources, conditions });
}

/** Adds the grants of playbook `id` to its role, with the narrow acknowledgements they need. */
export function grantPlaybook(role: iam.Role, id: PlaybookId, options: PlaybookGrantOptions): void {
  const { envName } = options;
  const scope = role;
  const readMetrics = () => {
    role.addToPolicy(statement(['cloudwatch:GetMetricData'], ['*']));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData has no resource type: IAM accepts only "*". It is read-only.',
    });
  };
  const ecs = (components: readonly ('frontend' | 'backend')[]) => {
    const services = components.map((c) => ecsServiceArn(scope, envName, c));
    role.addToPolicy(statement(['ecs:DescribeServices'], services));
    // ListTaskDefinitions has no resource type; read-only.
    role.addToPolicy(statement(['ecs:ListTaskDefinitions'], ['*']));
    role.addToPolicy(
      statement(['ecs:UpdateService'], services, platformResourceConditions(envName, 'ecs:ResourceTag')),
    );
    Validations.of(role).acknowledge({
      id: safetyFindingId(DestructiveTagConditions, 'Action::ecs:UpdateService'),
      reason: PLATFORM_RESOURCE_REASON,
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecs:ListTaskDefinitions has no resource type: IAM accepts only "*". It is read-only.',
    });
  };
  const database = rdsArn(scope, 'db', names.databaseInstance(envName));
  switch (id) {
    case 'ecs-service-health':
      ecs(['frontend', 'backend']);
      return;
    case 'api-error-rate':
      ecs(['backend']);
      return;
    case 'database-cpu': {
      role.addToPolicy(statement(['rds:DescribeDBInstances'], [database]));
      // The Performance Insights resource is the instance's DbiResourceId, known only after it exists.
      const metrics = Stack.of(scope).formatArn({
        service: 'pi',
        resource: 'metrics',
        resourceName: 'rds/*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      role.addToPolicy(statement(['pi:DescribeDimensionKeys'], [metrics]));
      acknowledgeWildcard(
        role,
        metrics,
        'Read-only: Performance Insights names its resource by the DbiResourceId of the instance, which CloudFormation knows only after it exists.',
      );
      readMetrics();
      return;
    }
    case 'cache-memory': {
      const group = elastiCacheArn(scope, 'replicationgroup', names.cacheReplicationGroup(envName));
      role.addToPolicy(statement(['elasticache:DescribeReplicationGroups'], [group]));
      if (options.cacheScaling) {
        role.addToPolicy(
          statement(
            ['elasticache:ModifyReplicationGroup'],
            [group],
            platformResourceConditions(envName, 'aws:ResourceTag'),
          ),
        );
        Validations.of(role).acknowledge({
          id: safetyFindingId(DestructiveTagConditions, 'Action::elasticache:ModifyReplicationGroup'),
          reason: PLATFORM_RESOURCE_REASON,
        });
      }
      readMetrics();
      return;
    }
    case 'rds-storage':
      role.addToPolicy(statement(['rds:DescribeDBInstances'], [database]));
      role.addToPolicy(
        statement(['rds:ModifyDBInstance'], [database], platformResourceConditions(envName, 'rds:db-tag')),
      );
      Validations.of(role).acknowledge({
        id: safetyFindingId(DestructiveTagConditions, 'Action::rds:ModifyDBInstance'),
        reason: PLATFORM_RESOURCE_REASON,
      });
      return;
    case 'security-notify':
      readMetrics();
      return;
  }
}

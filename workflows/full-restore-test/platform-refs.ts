/**
 * The platform's cache and backend as the full restore test references them: by the names the
 * platform stack gives them (shared/naming.ts, infra/constructs/cache.ts and compute/roles.ts), so
 * the automation stack needs no new cross-stack references. The automation stack and the workflow
 * testbed both build them here, so a test runs the workflow exactly as the stack wires it.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../infra/config/index.js';
import { names } from '../../shared/naming.js';
import type { FullRestoreBackendRefs, FullRestoreCacheRefs } from './construct.js';

/** The backend's container (AppService names its container after the component). */
const BACKEND_CONTAINER = 'backend';

/** The cache and backend references of `config`'s environment. */
export function fullRestorePlatformRefs(
  scope: Construct,
  config: EnvironmentConfig,
): { readonly cache: FullRestoreCacheRefs; readonly backend: FullRestoreBackendRefs } {
  const env = config.name;
  const prefix = names.prefix(env);
  const replicationGroupId = names.cacheReplicationGroup(env);
  return {
    cache: {
      replicationGroupId,
      subnetGroupName: `${replicationGroupId}-redis`,
      engineVersion: config.cache.engineVersion,
      // The platform has an AUTH token exactly where it encrypts in transit (the seed: not in dev).
      ...(config.cache.transitEncryption
        ? {
            authToken: {
              secret: secretsmanager.Secret.fromSecretNameV2(
                scope,
                'CacheAuthToken',
                `${names.parameterPrefix(env)}/redis-auth-token`,
              ),
              keyAlias: `alias/${prefix}-redis`,
            },
          }
        : {}),
    },
    backend: {
      clusterName: names.cluster(env),
      serviceName: names.service(env, 'backend'),
      containerName: BACKEND_CONTAINER,
      port: config.compute.backendPort,
      executionRole: iam.Role.fromRoleName(scope, 'BackendExecutionRole', `${prefix}-ecs-execution`),
      taskRole: iam.Role.fromRoleName(scope, 'BackendTaskRole', `${prefix}-ecs-task`),
    },
  };
}

/**
 * Removal policies of resources with fixed physical names.
 *
 * A plain `RETAIN` keeps such a resource also when the stack's first create fails and rolls back
 * (or a dev stack is torn down), so the retry fails with "already exists". CloudFormation's
 * `RetainExceptOnCreate` (CDK `RETAIN_ON_UPDATE_OR_DELETE`) keeps the resource on stack deletion
 * and replacement but removes it when the create that made it rolls back.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { EnvironmentName } from '../config/index.js';

/**
 * Removal policy of a fixed-name resource: dev is torn down and rebuilt freely (`DESTROY`);
 * elsewhere the resource outlives the stack, except when its own create rolls back.
 */
export function fixedNameRemovalPolicy(envName: EnvironmentName): RemovalPolicy {
  return envName === 'dev' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}

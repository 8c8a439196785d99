/**
 * The first deploy of an environment: its ECR repositories are created by the same platform stack
 * as the services that pull from them, so no image can be there yet. `-c firstDeploy=true` creates
 * the services with zero tasks (and auto scaling pinned at zero), so the deploy completes without
 * pulling anything; once the application pipeline has pushed the images, the next deploy without
 * the flag starts the configured number of tasks (README, "First deploy").
 */
import type { IConstruct } from 'constructs';

/** The CDK context key: `cdk deploy -c firstDeploy=true`. */
export const FIRST_DEPLOY_CONTEXT = 'firstDeploy';

/**
 * Whether `scope` is synthesized for a first deploy (context `firstDeploy` is `true`). Any other
 * value than `true`/`false` is an error, so a typo cannot start tasks that have no image.
 */
export function isFirstDeploy(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(FIRST_DEPLOY_CONTEXT);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`-c ${FIRST_DEPLOY_CONTEXT}=${String(value)}: expected true or false`);
}

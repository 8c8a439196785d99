/**
 * The first deploy of an environment needs no console step: `-c firstDeploy=true` creates both
 * services with zero tasks and auto scaling pinned at zero, so nothing pulls from the still empty
 * ECR repositories the same deploy creates; without the flag the services run their configured tasks.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../infra/config/index.js';
import { FIRST_DEPLOY_CONTEXT } from '../../infra/constructs/compute/first-deploy.js';
import { PlatformStack } from '../../infra/stacks/platform-stack.js';
import { testApp } from '../support/cdk-app.js';

const config = loadConfig('prod');

/** prod's platform stack, synthesized with the given CDK context. */
function platform(context: Record<string, unknown> = {}) {
  const app = testApp({ context });
  return new PlatformStack(app, 'interactions-prod-platform', { config, env: { region: config.region } });
}

describe('a first deploy (-c firstDeploy=true)', () => {
  const stack = platform({ [FIRST_DEPLOY_CONTEXT]: 'true' });
  const template = Template.fromStack(stack);

  it('creates both services with zero tasks', () => {
    template.resourcePropertiesCountIs('AWS::ECS::Service', { DesiredCount: 0 }, 2);
  });

  it('pins their auto scaling at zero, so no scaling policy starts a task without an image', () => {
    template.resourcePropertiesCountIs(
      'AWS::ApplicationAutoScaling::ScalableTarget',
      { MinCapacity: 0, MaxCapacity: 0, ServiceNamespace: 'ecs' },
      2,
    );
  });

  it('still creates the ECR repositories the images are pushed to', () => {
    template.resourcePropertiesCountIs(
      'AWS::ECR::Repository',
      { RepositoryName: Match.stringLikeRegexp('^interactions-prod-(frontend|backend)$') },
      2,
    );
  });

  it('warns, per service, that the next deploy must drop the flag', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('runs no task'));
    expect(warnings.map((w) => w.id).sort()).toEqual([
      '/interactions-prod-platform/Compute/Backend/Service',
      '/interactions-prod-platform/Compute/Frontend/Service',
    ]);
  });
});

describe('a later deploy (no flag)', () => {
  const template = Template.fromStack(platform());

  it("runs the configured minimum of tasks and scales within the config's bounds", () => {
    template.resourcePropertiesCountIs('AWS::ECS::Service', { DesiredCount: config.compute.minCapacity }, 2);
    template.resourcePropertiesCountIs(
      'AWS::ApplicationAutoScaling::ScalableTarget',
      { MinCapacity: config.compute.minCapacity, MaxCapacity: config.compute.maxCapacity },
      2,
    );
  });

  it('fails on a value that is neither true nor false, rather than guess', () => {
    expect(() => platform({ [FIRST_DEPLOY_CONTEXT]: 'yes' })).toThrow('-c firstDeploy=yes: expected true or false');
  });
});

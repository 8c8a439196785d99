/**
 * Builds the stacks of one or more environments into a CDK app, with cdk-nag's AwsSolutions and
 * Serverless packs and the project's safety rules (infra/safety-rules) registered so any
 * unacknowledged finding fails the synth.
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { EnvironmentConfig } from './config/index.js';
import { InteractionsSafetyChecks } from './safety-rules/index.js';
import { AutomationStack } from './stacks/automation-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
  readonly edge: EdgeStack;
  readonly automation: AutomationStack;
}

/** Adds one environment's stacks (`interactions-<env>-platform`, `-edge`, `-automation`). */
export function addEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const account = config.account === '' ? undefined : config.account;
  const prefix = `interactions-${config.name}`;
  const platform = new PlatformStack(app, `${prefix}-platform`, {
    stackName: `${prefix}-platform`,
    description: `Interaction Management System platform (${config.name}): VPC, ECS, RDS, ElastiCache, ALB, monitoring`,
    env: { account, region: config.region },
    config,
    terminationProtection: config.name === 'prod',
  });
  const edge = new EdgeStack(app, `${prefix}-edge`, {
    stackName: `${prefix}-edge`,
    description: `Interaction Management System static assets and CDN (${config.name})`,
    env: { account, region: 'us-east-1' },
    config,
    terminationProtection: config.name === 'prod',
  });
  const automation = new AutomationStack(app, `${prefix}-automation`, {
    stackName: `${prefix}-automation`,
    description: `Interaction Management System automation (${config.name}): backups, drills, verification, remediation`,
    env: { account, region: config.region },
    config,
    platform,
  });
  for (const stack of [platform, edge, automation]) {
    for (const [key, value] of Object.entries(config.tags)) Tags.of(stack).add(key, value);
  }
  return { platform, edge, automation };
}

/** Registers cdk-nag on the whole app: synth exits non-zero on any unacknowledged finding. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new InteractionsSafetyChecks(app),
  );
}

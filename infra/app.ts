/**
 * Builds the stacks of one or more environments into a CDK app, with cdk-nag's AwsSolutions and
 * Serverless packs and the project's safety rules (infra/safety-rules) registered so any
 * unacknowledged finding fails the synth.
 */
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { names } from '../shared/naming.js';
import type { EnvironmentConfig } from './config/index.js';
import { InteractionsSafetyChecks } from './safety-rules/index.js';
import { AutomationStack } from './stacks/automation-stack.js';
import { DrStack } from './stacks/dr-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
  readonly edge: EdgeStack;
  readonly automation: AutomationStack;
  /** Present only where `automation.drRegion` is set (staging, prod): the DR copies' KMS key. */
  readonly dr?: DrStack;
}

/**
 * Adds one environment's stacks (`interactions-<env>-platform`, `-edge`, `-automation`, and `-dr`
 * in the DR region where the environment has one).
 */
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
    platform: {
      monitoring: platform.monitoring,
      database: platform.database,
      network: platform.network,
      failover: platform,
    },
  });
  const dr = config.automation.drRegion === '' ? undefined : addDrStack(app, config, account, automation);
  for (const stack of [platform, edge, automation, ...(dr === undefined ? [] : [dr])]) {
    for (const [key, value] of Object.entries(config.tags)) Tags.of(stack).add(key, value);
  }
  return { platform, edge, automation, dr };
}

/**
 * `interactions-<env>-dr` in the DR region. The automation depends on it so that
 * `cdk deploy 'interactions-<env>-*'` creates the DR key before the first night's copy needs it.
 */
function addDrStack(app: App, config: EnvironmentConfig, account: string | undefined, automation: AutomationStack) {
  const stackName = names.stack(config.name, 'dr');
  const dr = new DrStack(app, stackName, {
    stackName,
    description: `Interaction Management System DR region resources (${config.name}): KMS key of the DB snapshot copies`,
    env: { account, region: config.automation.drRegion },
    config,
    terminationProtection: config.name === 'prod',
  });
  automation.addStackDependency(dr, "the nightly DR copy encrypts with the DR stack's KMS key");
  return dr;
}

/** Registers cdk-nag on the whole app: synth exits non-zero on any unacknowledged finding. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new InteractionsSafetyChecks(app),
  );
}

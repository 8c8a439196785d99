/**
 * One test stack per environment holding the network, database and cache constructs, wired as
 * the platform stack wires them. Built lazily and once per test file (synth is the slow part).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type EnvironmentConfig, type EnvironmentName, loadConfig } from '../../infra/config/index.js';
import { Cache } from '../../infra/constructs/cache.js';
import { Database } from '../../infra/constructs/database.js';
import { Network } from '../../infra/constructs/network.js';
import { testApp } from '../support/cdk-app.js';

export interface DataStack {
  readonly config: EnvironmentConfig;
  readonly stack: Stack;
  readonly network: Network;
  readonly database: Database;
  readonly cache: Cache;
  readonly template: Template;
}

const built = new Map<EnvironmentName, DataStack>();

/** The environment's test stack, synthesized on first use. */
export function dataStack(envName: EnvironmentName): DataStack {
  const existing = built.get(envName);
  if (existing) return existing;
  const config = loadConfig(envName);
  const app = testApp();
  const stack = new Stack(app, `Data-${envName}`);
  const network = new Network(stack, 'Network', {
    envName,
    config: config.network,
    appPorts: [config.compute.frontendPort, config.compute.backendPort],
  });
  const database = new Database(stack, 'Database', {
    envName,
    config: config.database,
    vpc: network.vpc,
    securityGroup: network.databaseSecurityGroup,
  });
  const cache = new Cache(stack, 'Cache', {
    envName,
    config: config.cache,
    vpc: network.vpc,
    securityGroup: network.cacheSecurityGroup,
  });
  const result = { config, stack, network, database, cache, template: Template.fromStack(stack) };
  built.set(envName, result);
  return result;
}

/** Every resource of `type` in the template, as `[logicalId, properties]`. */
export function resourcesOfType(template: Template, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.findResources(type)).map(([id, r]) => [
    id,
    (r as { Properties?: Record<string, unknown> }).Properties ?? {},
  ]);
}

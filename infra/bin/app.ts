#!/usr/bin/env node
/**
 * CDK entry point. With no context it synthesizes `interactions-global` and every environment;
 * `-c env=<name>` restricts the environments to one (the global stack is always there: every
 * environment depends on it). Image tags and the ALB certificate may come from context too, together with
 * `-c env` (see README).
 */
import { App } from 'aws-cdk-lib';
import { addEnvironment, addGlobal, addNagChecks } from '../app.js';
import { GLOBAL, githubRepositoryProblems, validateGlobalConfig } from '../config/global.js';
import { ConfigError, loadConfig, resolveSelection } from '../config/index.js';

/** Builds and synthesizes the app; a bad configuration is thrown as ConfigError. */
function main(): void {
  const app = new App();
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  // Tags and the certificate need `-c env=<name>`: they belong to one environment.
  const { environments, overrides } = resolveSelection(context);

  const configs = environments.map((name) => loadConfig(name, overrides));
  const globalProblems = [...validateGlobalConfig(GLOBAL), ...githubRepositoryProblems(GLOBAL, configs)];
  if (globalProblems.length > 0) throw new ConfigError('global', globalProblems);
  // One interactions-global per account: it holds what IAM and Route53 allow once per account.
  const accounts = [...new Set(configs.map((config) => config.account).filter((account) => account !== ''))];
  if (accounts.length > 1) {
    throw new ConfigError('global', [
      `account: the selected environments are in ${accounts.join(', ')}; deploy one account at a time (-c env=<name>), each gets its own interactions-global`,
    ]);
  }
  const global = addGlobal(app, GLOBAL, accounts[0]);
  for (const config of configs) addEnvironment(app, config, { global });
  addNagChecks(app);
  app.synth();
}

try {
  main();
} catch (error) {
  // A configuration mistake is the operator's to fix: its problems, each naming its field, and no
  // stack trace. Anything else is a defect and keeps its stack.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}

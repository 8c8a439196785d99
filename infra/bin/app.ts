#!/usr/bin/env node
/**
 * CDK entry point. With no context it synthesizes every environment; `-c env=<name>` restricts
 * it to one. Image tags and the ALB certificate may come from context too, together with
 * `-c env` (see README).
 */
import { App } from 'aws-cdk-lib';
import { addEnvironment, addNagChecks } from '../app.js';
import { loadConfig, resolveSelection } from '../config/index.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

// Tags and the certificate need `-c env=<name>`: they belong to one environment.
const { environments, overrides } = resolveSelection(context);

for (const name of environments) addEnvironment(app, loadConfig(name, overrides));
addNagChecks(app);
app.synth();

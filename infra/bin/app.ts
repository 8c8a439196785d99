#!/usr/bin/env node
/**
 * CDK entry point. With no context it synthesizes every environment; `-c env=<name>` restricts
 * it to one. Image tags and the ALB certificate may come from context too (see README).
 */
import { App } from 'aws-cdk-lib';
import { addEnvironment, addNagChecks } from '../app.js';
import { type ConfigOverrides, ENVIRONMENT_NAMES, loadConfig } from '../config/index.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const overrides: ConfigOverrides = {
  account: context('account'),
  frontendTag: context('frontendTag'),
  backendTag: context('backendTag'),
  albCertificateArn: context('albCertificateArn'),
};
const only = context('env');
const selected = only === undefined ? ENVIRONMENT_NAMES : [only];

for (const name of selected) addEnvironment(app, loadConfig(name, overrides));
addNagChecks(app);
app.synth();

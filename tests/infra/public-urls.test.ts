/**
 * The environment's public URLs in the synthesized automation stack: the deployment verification's
 * probes get them as targets and the failover drill's prober gets its HEALTH_URL from the app URL,
 * whether a domain or config gives them; without either, today's behaviour (probes skipped, the
 * prober on the ALB's DNS name).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { addEnvironment, addGlobal } from '../../infra/app.js';
import { type DomainConfig, GLOBAL } from '../../infra/config/global.js';
import { type EnvironmentConfig, loadConfig } from '../../infra/config/index.js';
import { AutomationStack } from '../../infra/stacks/automation-stack.js';
import { testApp } from '../support/cdk-app.js';
import { FakePlatform } from './support-automation-platform.js';

const DOMAIN: DomainConfig = {
  zoneName: 'interactions.example.com',
  existingHostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hosts: {
    dev: { app: 'app.dev.interactions.example.com', assets: 'assets.dev.interactions.example.com' },
    staging: { app: 'app.staging.interactions.example.com', assets: 'assets.staging.interactions.example.com' },
    prod: { app: 'app.interactions.example.com', assets: 'assets.interactions.example.com' },
  },
};

/** staging's automation stack (the failover drill enabled) on the fake platform (ALB DNS name `alb.example.internal`). */
function automationTemplate(config: EnvironmentConfig): Template {
  const app = testApp();
  const platform = new FakePlatform(app, 'staging');
  return Template.fromStack(new AutomationStack(app, 'interactions-staging-automation', { config, platform }));
}

/** The definition of staging's deployment verification, its intrinsics (ARNs) replaced by `TOKEN`. */
function verificationDefinition(template: Template): string {
  const machines = Object.values(
    template.findResources('AWS::StepFunctions::StateMachine', {
      Properties: { StateMachineName: 'interactions-staging-deployment-verification' },
    }),
  );
  expect(machines).toHaveLength(1);
  const definition: unknown = machines[0]?.Properties.DefinitionString;
  if (typeof definition === 'string') return definition;
  const [, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
}

/** The JSON object of the definition's only `"<key>":{...}` (the probes Lambda's payload field). */
function payloadObject(definition: string, key: 'targets' | 'verification'): Record<string, unknown> {
  const marker = `"${key}":{`;
  const at = definition.indexOf(marker);
  expect(at).toBeGreaterThan(-1);
  expect(definition.indexOf(marker, at + 1)).toBe(-1);
  const start = at + marker.length - 1;
  let depth = 0;
  for (let end = start; end < definition.length; end++) {
    if (definition[end] === '{') depth++;
    if (definition[end] === '}' && --depth === 0) return JSON.parse(definition.slice(start, end + 1));
  }
  throw new Error(`unbalanced "${key}" object in the definition`);
}

/** The failover drill's prober's HEALTH_URL. */
function proberHealthUrl(template: Template): unknown {
  const urls = Object.values(template.findResources('AWS::Lambda::Function'))
    .map((fn) => fn.Properties.Environment?.Variables?.HEALTH_URL)
    .filter((url) => url !== undefined);
  expect(urls).toHaveLength(1);
  return urls[0];
}

describe('public URLs in the automation stack', () => {
  it("without a domain or config URLs, gives the probes no URL and the prober the ALB's DNS name", () => {
    // Act
    const template = automationTemplate(loadConfig('staging'));

    // Assess
    const targets = payloadObject(verificationDefinition(template), 'targets');
    expect(targets).not.toHaveProperty('appUrl');
    expect(targets).not.toHaveProperty('cdnUrl');
    expect(proberHealthUrl(template)).toBe('https://alb.example.internal/health');
  });

  it("with config's verification.appUrl and cdnUrl, gives them to the probes and the app URL to the prober", () => {
    // Prepare
    const config = loadConfig('staging');
    const verification = {
      ...config.verification,
      appUrl: 'https://app.example.com',
      cdnUrl: 'https://d111111abcdef8.cloudfront.net',
    };

    // Act
    const template = automationTemplate({ ...config, verification });

    // Assess
    const definition = verificationDefinition(template);
    expect(payloadObject(definition, 'targets')).toMatchObject({
      appUrl: 'https://app.example.com',
      cdnUrl: 'https://d111111abcdef8.cloudfront.net',
    });
    expect(payloadObject(definition, 'verification')).not.toHaveProperty('appUrl');
    expect(payloadObject(definition, 'verification')).not.toHaveProperty('cdnUrl');
    expect(proberHealthUrl(template)).toBe('https://app.example.com/health');
  });

  it("with a domain, gives the environment's hosts to the probes and the prober, over config URLs", () => {
    // Prepare
    const app = testApp();
    const global = addGlobal(app, { ...GLOBAL, domain: DOMAIN });
    const config = loadConfig('staging');
    const verification = { ...config.verification, appUrl: 'https://ignored.example.com' };

    // Act
    const staging = addEnvironment(app, { ...config, verification }, { global });
    const template = Template.fromStack(staging.automation);

    // Assess
    expect(payloadObject(verificationDefinition(template), 'targets')).toMatchObject({
      appUrl: 'https://app.staging.interactions.example.com',
      cdnUrl: 'https://assets.staging.interactions.example.com',
    });
    expect(proberHealthUrl(template)).toBe('https://app.staging.interactions.example.com/health');
  });
});

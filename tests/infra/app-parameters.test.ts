import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { AppParameters } from '../../infra/constructs/app-parameters.js';
import { testApp } from '../support/cdk-app.js';
import { unacknowledgedFindings } from './support-nag.js';

function build(
  envName: (typeof ENVIRONMENT_NAMES)[number],
  frontendTag?: string,
  extend: (stack: Stack, parameters: AppParameters) => void = () => {},
) {
  const config = loadConfig(envName, { frontendTag });
  const stack = new Stack(testApp(), `Params-${envName}`, { env: { region: 'us-east-1', account: '123456789012' } });
  const parameters = new AppParameters(stack, 'Params', {
    envName,
    cache: config.cache,
    compute: config.compute,
    cdn: config.cdn,
  });
  extend(stack, parameters);
  return { stack, parameters, config, template: Template.fromStack(stack) };
}

/** Every SSM parameter of the template as name -> value. */
function publishedParameters(template: Template): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const resource of Object.values(template.findResources('AWS::SSM::Parameter'))) {
    const properties = resource.Properties as { Name: string; Value: unknown; Type: string; Tier: string };
    expect(properties.Type).toBe('String');
    expect(properties.Tier).toBe('Standard');
    result[properties.Name] = properties.Value;
  }
  return result;
}

describe.each(ENVIRONMENT_NAMES)('AppParameters for %s', (envName) => {
  const { stack, parameters, config, template } = build(envName);

  test('publishes exactly the seed settings under /interactions/<env>/', () => {
    expect(publishedParameters(template)).toEqual({
      [`/interactions/${envName}/cache/ttl/auth-tokens-seconds`]: '86400',
      [`/interactions/${envName}/cache/ttl/search-results-seconds`]: '300',
      [`/interactions/${envName}/cache/ttl/reference-data-seconds`]: '3600',
      [`/interactions/${envName}/cache/maxmemory-policy`]: 'volatile-lru',
      [`/interactions/${envName}/assets/bucket-name`]: `interactions-${envName}-assets`,
      [`/interactions/${envName}/ecs/cluster-name`]: `interactions-${envName}`,
      [`/interactions/${envName}/images/frontend-tag`]: config.compute.images.frontendTag,
      [`/interactions/${envName}/images/backend-tag`]: config.compute.images.backendTag,
    });
  });

  test('exposes each parameter by its name relative to the prefix', () => {
    expect(parameters.prefix).toBe(`/interactions/${envName}`);
    expect(Object.keys(parameters.parameters).sort()).toEqual([
      'assets/bucket-name',
      'cache/maxmemory-policy',
      'cache/ttl/auth-tokens-seconds',
      'cache/ttl/reference-data-seconds',
      'cache/ttl/search-results-seconds',
      'ecs/cluster-name',
      'images/backend-tag',
      'images/frontend-tag',
    ]);
    // The exposed object is the very resource that carries the name: its Ref points at it.
    const bucketParameter = parameters.parameters['assets/bucket-name'];
    const ref = bucketParameter && (stack.resolve(bucketParameter.parameterName) as { Ref: string }).Ref;
    expect(template.toJSON().Resources[ref ?? ''].Properties.Name).toBe(`/interactions/${envName}/assets/bucket-name`);
  });

  test('has no unacknowledged cdk-nag findings', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('AppParameters image tags', () => {
  test('publish the tag a deploy passes as context', () => {
    const { template } = build('staging', 'frontend-1.4.2-staging-a1b2c3d');
    expect(publishedParameters(template)['/interactions/staging/images/frontend-tag']).toBe(
      'frontend-1.4.2-staging-a1b2c3d',
    );
  });
});

describe('AppParameters.grantRead', () => {
  test('allows reading only the environment prefix, by name and by path', () => {
    const { template } = build('prod', undefined, (stack, parameters) => {
      const role = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      parameters.grantRead(role);
    });
    const prefixArn = (suffix: string) => `arn:aws:ssm:us-east-1:123456789012:parameter/interactions/prod${suffix}`;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
            Resource: [prefixArn(''), prefixArn('/*')],
          },
        ],
      },
    });
  });
});

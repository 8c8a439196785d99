/**
 * The seed's "Parameter Store: configuration values, non-sensitive settings": values the
 * application and the operators read at run time, published under `/interactions/<env>/`.
 * Secrets (database credentials, cache auth token) live in Secrets Manager, never here.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import type { CacheConfig, CdnConfig, ComputeConfig, EnvironmentName } from '../config/index.js';

export interface AppParametersProps {
  /** Environment whose prefix (`/interactions/<env>/`) the parameters live under. */
  readonly envName: EnvironmentName;
  /** Cache slice: the TTL strategy and the eviction policy. */
  readonly cache: CacheConfig;
  /** Compute slice: cluster name and the deployed image tags. */
  readonly compute: ComputeConfig;
  /** CDN slice: the assets bucket name. */
  readonly cdn: CdnConfig;
}

/** Name (relative to the environment prefix) and value of every published setting. */
export function parameterValues(props: AppParametersProps): Readonly<Record<string, string>> {
  const { cache, compute, cdn } = props;
  return {
    'cache/ttl/auth-tokens-seconds': String(cache.ttlSeconds.authTokens),
    'cache/ttl/search-results-seconds': String(cache.ttlSeconds.searchResults),
    'cache/ttl/reference-data-seconds': String(cache.ttlSeconds.referenceData),
    'cache/maxmemory-policy': cache.maxmemoryPolicy,
    'assets/bucket-name': cdn.bucketName,
    'ecs/cluster-name': compute.clusterName,
    'images/frontend-tag': compute.images.frontendTag,
    'images/backend-tag': compute.images.backendTag,
  };
}

/** Non-secret settings as SSM String parameters under `/interactions/<env>/`. */
export class AppParameters extends Construct {
  /** The common prefix, `/interactions/<env>` (no trailing slash). */
  readonly prefix: string;
  /** Each parameter by its name relative to the prefix, e.g. `cache/ttl/auth-tokens-seconds`. */
  readonly parameters: Readonly<Record<string, ssm.StringParameter>>;

  constructor(scope: Construct, id: string, props: AppParametersProps) {
    super(scope, id);
    this.prefix = names.parameterPrefix(props.envName);
    const parameters: Record<string, ssm.StringParameter> = {};
    for (const [relativeName, value] of Object.entries(parameterValues(props))) {
      if (value === '') throw new Error(`AppParameters: the value of '${relativeName}' must not be empty`);
      // Construct ids derive from the parameter name, so adding a setting never renames another.
      parameters[relativeName] = new ssm.StringParameter(this, relativeName.replaceAll('/', '-'), {
        parameterName: `${this.prefix}/${relativeName}`,
        stringValue: value,
        description: `interactions ${props.envName}: ${relativeName}`,
        tier: ssm.ParameterTier.STANDARD,
      });
    }
    this.parameters = parameters;
  }

  /** Lets `grantee` read every parameter under the prefix (by name or by path), nothing else. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resourceArns: [
        // `GetParametersByPath` is authorized on the path itself, the others on each parameter.
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.prefix.slice(1) }),
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${this.prefix.slice(1)}/*` }),
      ],
    });
  }
}

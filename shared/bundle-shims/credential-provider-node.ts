/**
 * The credential provider of deployed bundles. Lambda hands a function its role's credentials in
 * environment variables, so the SDK's default chain (SSO, INI files, IMDS, web identity, and the
 * STS/SSO clients behind them: about 100 KB per bundle) is never used there. esbuild substitutes
 * this module for `@aws-sdk/credential-provider-node` in the Lambda bundles only; tests, the CLI
 * and the bench's NodejsFunction-style build keep the real chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same signature as the default chain's `defaultProvider`: reads AWS_ACCESS_KEY_ID and friends. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

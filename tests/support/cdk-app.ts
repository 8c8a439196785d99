/**
 * The one way a test builds a CDK App: with cdk.json's context (the feature flags), so a test
 * synthesizes what `cdk synth` synthesizes. CloudFormation validation stays off in tests through
 * `CDK_VALIDATION=false` (env-setup.ts), which the App reads when it synthesizes.
 * `tests/unit/test-apps.test.ts` fails when a test constructs `new App(` itself.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { CURRENT_VERSION_EXPIRED_FLAGS } from 'aws-cdk-lib/cx-api';

/**
 * The project's cdk.json. Found from the working directory (jest, `npm run bench` and the scripts all
 * run from the project root) rather than `__dirname`: the benchmarks load this module as an ES module
 * under tsx, where `__dirname` does not exist.
 */
const CDK_JSON = resolve(process.cwd(), 'cdk.json');

/** cdk.json's context minus flags CDK v2 removed (aws-cdk-lib throws on those). */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> }).context).filter(
    ([key]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(key),
  ),
);

/**
 * Reporting only, it changes no template: with it on, every synth that carries a warning (an
 * environment without a high-severity subscriber) prints the warning to the test output. Tests read
 * annotations with `Annotations.fromStack` instead.
 */
const QUIET_ANNOTATIONS = { '@aws-cdk/core:annotationsInValidationReport': false };

/**
 * A CDK App with cdk.json's context; `props.context` adds to it or overrides single keys (e.g.
 * `-c env=prod` as a test would pass it).
 */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...CDK_JSON_CONTEXT, ...QUIET_ANNOTATIONS, ...props.context } });
}

/**
 * cdk-nag in tests: runs the AwsSolutions, Serverless and project safety (Interactions) packs over a stack and returns what is
 * left after acknowledgements, one line per finding, so a test can `expect(...).toEqual([])` and
 * a failure prints exactly which construct broke which rule.
 */
import { App, type Stack, Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { InteractionsSafetyChecks } from '../../infra/safety-rules/index.js';

/** The packs every stack of this project must pass. */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks(), new InteractionsSafetyChecks()];
}

/**
 * Every unacknowledged cdk-nag finding of `stack` as `"<construct path> <rule id>: <message>"`.
 * Acknowledged findings (`Validations.of(scope).acknowledge(...)`) are already dropped by the packs.
 * The stack's app is synthesized first so that constructs added late (aspects, lazy children)
 * are part of the tree the packs walk.
 */
export function unacknowledgedFindings(stack: Stack): string[] {
  const root = stack.node.root;
  if (root instanceof App || root instanceof Stage) root.synth();
  const findings: string[] = [];
  for (const pack of nagPacks()) {
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push(`${resource.constructPath ?? '<unknown>'} ${violation.ruleName}: ${violation.description}`);
      }
    }
  }
  return findings.sort();
}

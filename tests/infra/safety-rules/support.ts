/**
 * Test helpers for the safety rules: a fresh stack, policies built from plain statements, and the
 * findings one rule of the pack reports for a stack (routed through the pack, as synth does).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InteractionsSafetyChecks, type SafetyRule } from '../../../infra/safety-rules/index.js';
import { testApp } from '../../support/cdk-app.js';

/** A stack with a concrete account and region, in an app of its own. */
export function newStack(): Stack {
  return new Stack(testApp(), 'interactions-test-automation', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
}

/** Attaches `statements` to a new role of `stack` as its default policy (an AWS::IAM::Policy). */
export function grant(stack: Stack, ...statements: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(stack, `Role${stack.node.children.length}`, {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
  });
  for (const statement of statements) role.addToPolicy(statement);
  return role;
}

/** The ids (`Interactions-<rule>[<finding>]`) that `rule` reports for `stack`, sorted. */
export function findingsOf(stack: Stack, rule: SafetyRule): string[] {
  const report = new InteractionsSafetyChecks().validateScope(stack);
  return report.violations
    .map((violation) => violation.ruleName)
    .filter((name) => name === `Interactions-${rule.id}` || name.startsWith(`Interactions-${rule.id}[`))
    .sort();
}

/** `arn:<partition>:<service>:us-east-1:<account>:<resource>` built as the CDK builds ARNs (a Fn::Join). */
export function arn(stack: Stack, service: string, resource: string): string {
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
}

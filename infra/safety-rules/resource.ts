/**
 * A CfnResource's properties exactly as they go into the template: property overrides applied,
 * tokens resolved to CloudFormation intrinsics (`Fn::Join`, `Ref`, `Fn::GetAtt`), policy statements
 * merged as the CDK writes them.
 */
import { type CfnResource, Stack } from 'aws-cdk-lib';

/** Resolved `Properties` of `node` (an empty object when it has none). */
export function resolvedProperties(node: CfnResource): Record<string, unknown> {
  const stack = Stack.of(node);
  const rendered = stack.resolve(node._toCloudFormation()) as {
    Resources?: Record<string, { Properties?: Record<string, unknown> }>;
  };
  const [resource] = Object.values(rendered.Resources ?? {});
  return resource?.Properties ?? {};
}

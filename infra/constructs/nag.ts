/**
 * Narrow cdk-nag acknowledgements of IAM5 (wildcard) findings: one resource string at a time,
 * rendered exactly as cdk-nag renders it (`<Logical.Arn>`, `<AWS::Region>`), on the given scope only.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const value = node as Record<string, unknown>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value.Ref !== undefined) return `<${flatten(value.Ref)}>`;
  return JSON.stringify(node);
}

/** Acknowledges `AwsSolutions-IAM5[Resource::<resource>]` on `scope` with `reason`. */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  const rendered = flatten(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}]`, reason });
}

/** Acknowledges the wildcard `<function ARN>:*` the CDK grants so that every version/alias can be invoked. */
export function acknowledgeInvokeVersions(scope: IConstruct, functionArn: string): void {
  acknowledgeWildcard(
    scope,
    `${functionArn}:*`,
    'lambda:InvokeFunction on the function and its versions/aliases (the CDK grant); scoped to this one function.',
  );
}

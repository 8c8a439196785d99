/**
 * The Lambda functions of the snapshot workflows, built with workflowFunction
 * (Node.js 24 arm64, bundle dist/functions/<name>, tracing, shared log group). Its physical name is
 * `interactions-<env>-<name>`, so a function two workflows share (validate-snapshot-request,
 * guarded-delete-snapshot) must exist once per stack: it is created at stack level on first use
 * and reused; each workflow adds only the grants it needs.
 */
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AutomationFunction } from '../../infra/constructs/automation-function.js';
import type { Environment } from '../../shared/naming.js';
import { workflowFunction } from './workflow-function.js';

/** Props of snapshotFunction. */
export interface SnapshotFunctionProps {
  /** The environment: names the function. */
  readonly envName: Environment;
  /** Folder under functions/ (and dist/functions/). */
  readonly name: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** The automation's shared log group. */
  readonly logGroup: logs.ILogGroup;
}

/** The stack's one function `name` (see the module comment). */
export function snapshotFunction(scope: Construct, props: SnapshotFunctionProps): lambda.Function {
  const stack = Stack.of(scope);
  const id = `SnapshotFunction-${props.name}`;
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof AutomationFunction) return existing.function;
  return workflowFunction(stack, id, props).function;
}

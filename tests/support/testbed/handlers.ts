/**
 * The one place where the testbed turns a state machine's Lambda tasks into real handlers, by
 * convention: function `interactions-<env>-<name>` runs `functions/<name>/handler.ts`'s `handler`.
 * Handlers read their settings from process.env at module load (the testbed sets it before calling
 * this); when they take injected settings and clients instead, only this module changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../../../shared/naming.js';
import { names } from '../../../shared/naming.js';
import type { AslDefinition, AslState } from '../harness/template.js';
import type { LambdaHandler } from '../state-machine-harness.js';

const FUNCTIONS_DIR = join(__dirname, '..', '..', '..', 'functions');
const LAMBDA_INVOKE = /^arn:[a-z-]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[^:]+)?$/;

function eachState(definition: Pick<AslDefinition, 'States'>, visit: (state: AslState) => void): void {
  for (const state of Object.values(definition.States)) {
    visit(state);
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) eachState(branch, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) eachState(processor, visit);
  }
}

/** Names of the Lambda functions the definition invokes (optimized `lambda:invoke` and direct ARNs). */
export function invokedFunctionNames(definition: AslDefinition): string[] {
  const found = new Set<string>();
  eachState(definition, (state) => {
    if (state.Type !== 'Task') return;
    const resource = String(state.Resource);
    const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
    const arn = LAMBDA_INVOKE.test(resource) ? String(parameters.FunctionName) : resource;
    const name = FUNCTION_ARN.exec(arn)?.[1];
    if (name !== undefined) found.add(name);
  });
  return [...found].sort();
}

/** `functions/<name>/handler.ts` of the function `interactions-<env>-<name>`; throws when it does not exist. */
export function handlerModulePath(functionName: string, env: Environment): string {
  const prefix = names.lambdaFunction(env, '');
  if (!functionName.startsWith(prefix)) {
    throw new Error(`Function "${functionName}" is not named ${prefix}<name>: the testbed cannot find its handler.`);
  }
  const path = join(FUNCTIONS_DIR, functionName.slice(prefix.length), 'handler.ts');
  if (!existsSync(path)) {
    throw new Error(`Function "${functionName}" has no handler at ${path} (expected functions/<name>/handler.ts).`);
  }
  return path;
}

/** Imports the real handler of every function the definition invokes, keyed by function name. */
export async function loadHandlers(
  definition: AslDefinition,
  env: Environment,
): Promise<Record<string, LambdaHandler>> {
  const entries = await Promise.all(
    invokedFunctionNames(definition).map(async (functionName) => {
      const module = (await import(handlerModulePath(functionName, env))) as { handler?: LambdaHandler };
      if (typeof module.handler !== 'function') {
        throw new Error(`${handlerModulePath(functionName, env)} exports no \`handler\` function.`);
      }
      return [functionName, module.handler] as const;
    }),
  );
  return Object.fromEntries(entries);
}

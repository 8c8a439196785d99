/**
 * "Run smoke checks" task of the full restore test: the configured health and API checks of the
 * deployment verification (shared/probes, the same code `verify-deployment` runs), against the
 * restored backend task's private IP. A check that fails is a result (`passed: false`), not an
 * error: the state machine tears everything down either way and the evaluation fails the drill.
 */
import { ValidationError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { runChecks } from '../../shared/probes/check.js';
import { httpChecks } from '../../shared/probes/http.js';
import { executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import type { SmokeChecksOutput } from '../../workflows/full-restore-test/contract.js';

const httpCheckSchema = z.object({
  name: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a check name')),
  method: z.optional(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])),
  path: z.string().check(z.regex(/^\/\S*$/, 'must be a path starting with /')),
  expectedStatus: z.optional(z.number().check(z.int())),
  jsonFields: z.optional(
    z.array(
      z.object({
        path: z.string().check(z.minLength(1)),
        equals: z.optional(z.union([z.string(), z.number(), z.boolean(), z.null()])),
      }),
    ),
  ),
  body: z.optional(z.unknown()),
});

/** The running task as DescribeTasks returns it through the SDK integration (`Tasks[0]`), the port, the checks. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  task: z.looseObject({
    Attachments: z.optional(
      z.array(
        z.looseObject({
          Details: z.optional(z.array(z.looseObject({ Name: z.optional(z.string()), Value: z.optional(z.string()) }))),
        }),
      ),
    ),
  }),
  port: z.number().check(z.int(), z.gte(1), z.lte(65535)),
  checks: z.array(httpCheckSchema).check(z.minLength(1, 'must name at least the health check')),
  timeoutSeconds: z.number().check(z.positive(), z.lte(120)),
});
export type SmokeChecksInput = z.infer<typeof inputSchema>;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The task's private IPv4 address from its ENI attachment, or a ValidationError saying what was there. */
export function privateIpOf(task: SmokeChecksInput['task']): string {
  const details = (task.Attachments ?? []).flatMap((attachment) => attachment.Details ?? []);
  const address = details.find((detail) => detail.Name === 'privateIPv4Address')?.Value;
  if (address === undefined || !IPV4.test(address)) {
    throw new ValidationError(
      `The task has no private IPv4 address in its network attachment (found ${address === undefined ? 'none' : `"${address}"`})`,
    );
  }
  return address;
}

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { clock }): Promise<SmokeChecksOutput> => {
    const startedAt = clock().toISOString();
    const target = `http://${privateIpOf(input.task)}:${input.port}`;
    const results = await runChecks(
      httpChecks(input.checks, { baseUrl: target }, Math.round(input.timeoutSeconds * 1000)),
    );
    return {
      passed: results.every((result) => result.status === 'pass'),
      target,
      checks: results.map(({ name, status, durationMs, finding }) => ({ name, status, durationMs, finding })),
      startedAt,
      checkedAt: clock().toISOString(),
    };
  },
});

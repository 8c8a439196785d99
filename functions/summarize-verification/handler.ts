/**
 * Turns the check groups' results into the verification's verdict, summary and report plan
 * (summarize.ts). Pure: no AWS call.
 */
import { automationHandler } from '../../shared/middleware.js';
import { executionContextSchema, severitySchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import {
  checkResultSchema,
  deploymentVerificationInputSchema,
} from '../../workflows/deployment-verification/contract.js';
import { summarize } from './summarize.js';

export const inputSchema = z.object({
  ...executionContextSchema.shape,
  request: deploymentVerificationInputSchema,
  /**
   * Each branch's result, in the order of the Parallel state's branches: `{ checks }`, or the error
   * that stopped the whole group (`{ group, error: { Error, Cause } }`, from the branch's Catch).
   */
  groups: z.array(
    z.union([
      z.object({ checks: z.array(checkResultSchema) }),
      z.object({
        group: z.string().check(z.minLength(1)),
        error: z.object({ Error: z.string(), Cause: z._default(z.string(), '') }),
      }),
    ]),
  ),
  failureSeverity: severitySchema,
});

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  handler: async (input, { settings }) =>
    summarize(input.groups, input.request, settings.ENVIRONMENT, input.failureSeverity),
});

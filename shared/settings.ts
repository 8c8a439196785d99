/**
 * Environment variables of the functions, validated with zod when a handler is built (the Lambda
 * entry builds it on its first invocation, tests build it from the variables they pass), so a
 * missing or invalid variable fails with a message naming it instead of failing later inside an
 * AWS call. Nothing here reads `process.env` at module load.
 */
import { ConfigurationError } from './errors.js';
import { awsRegionSchema, environmentSchema, workflowSchema } from './schemas.js';
import * as z from './zod.js';

/** Where variables come from: `process.env` in Lambda, a plain object in tests. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Validates `env` against `schema` and returns the typed result.
 * Throws ConfigurationError listing every offending variable (`REPORTS_BUCKET: required`).
 */
export function defineSettings<Shape extends z.core.$ZodShape>(
  shape: Shape,
  env: EnvSource = process.env,
): z.infer<z.ZodMiniObject<Shape>> {
  const schema = z.object(shape);
  const picked: Record<string, string | undefined> = {};
  // Only the declared keys: the rest of the environment (credentials included) never reaches zod's error messages.
  for (const key of Object.keys(shape)) picked[key] = env[key] === '' ? undefined : env[key];
  const result = z.safeParse(schema, picked);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      // An absent variable fails whatever check comes first (type, enum, regex): say what is actually wrong.
      const message = picked[name] === undefined ? 'required' : issue.message;
      return `${name}: ${message}`;
    });
    throw new ConfigurationError(`Invalid environment variables: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Variables every automation function has: ENVIRONMENT and WORKFLOW are set by the AutomationFunction
 * construct, AWS_REGION by the Lambda runtime. They are the function's identity for every safety
 * decision (which environment's resources it may touch, which region it runs in): a payload never overrides them.
 */
export const baseSettingsShape = {
  /** dev | staging | prod. */
  ENVIRONMENT: environmentSchema,
  /** Workflow the function belongs to; absent for functions shared by every workflow (notify-outcome). */
  WORKFLOW: z.optional(workflowSchema),
  /** The region the function runs in (set by the Lambda runtime). */
  AWS_REGION: awsRegionSchema,
};

/** The validated base settings. */
export type BaseSettings = z.infer<z.ZodMiniObject<typeof baseSettingsShape>>;

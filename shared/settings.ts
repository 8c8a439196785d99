/**
 * Environment variables of the functions, read once at module load and validated with zod, so a
 * missing or invalid variable fails the cold start with a message naming it instead of failing
 * later inside an AWS call.
 */
import { ConfigurationError } from './errors.js';
import { environmentSchema, workflowSchema } from './schemas.js';
import * as z from './zod.js';

type EnvSource = Readonly<Record<string, string | undefined>>;

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
      const message = issue.code === 'invalid_type' && picked[name] === undefined ? 'required' : issue.message;
      return `${name}: ${message}`;
    });
    throw new ConfigurationError(`Invalid environment variables: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Variables every automation function has (set by the AutomationFunction construct). */
export const baseSettingsShape = {
  /** dev | staging | prod. */
  ENVIRONMENT: environmentSchema,
  /** Workflow the function belongs to; absent for functions shared by every workflow (notify-outcome). */
  WORKFLOW: z.optional(workflowSchema),
  /** Powertools service name, also the logger's `service` key. */
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'interactions-automation'),
};

/** The base settings of this function, validated once at module load. */
export const settings = defineSettings(baseSettingsShape);
export type BaseSettings = typeof settings;

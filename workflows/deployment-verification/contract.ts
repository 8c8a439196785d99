/**
 * Contract of the deployment verification workflow (`interactions-<env>-deployment-verification`):
 * what it is started with (by the CI hook, a blue/green lifecycle hook, the drift schedule or an
 * ECS deployment event, or by hand) and what it returns. The check functions, the CLI and the tests
 * import these schemas; they use `shared/zod.js` (zod/mini) because the functions bundle them.
 */
import * as z from '../../shared/zod.js';

/** `{semver}` of the seed's image tags: MAJOR.MINOR.PATCH with an optional pre-release. */
const SEMVER = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?`;

/** The two ECS services of the platform. */
export const COMPONENTS = ['backend', 'frontend'] as const;
export type Component = (typeof COMPONENTS)[number];

/** An image tag in the seed's format `{component}-{semver}-{env}-{git_short_hash}` for `component`. */
export function imageTagSchema(component: Component) {
  return z
    .string()
    .check(
      z.regex(
        new RegExp(`^${component}-${SEMVER}-(dev|staging|prod)-[0-9a-f]{7,12}$`),
        `must follow '${component}-{semver}-{env}-{git_short_hash}'`,
      ),
    );
}

/** A full ECS task definition ARN with its revision (what a deployment runs). */
export const taskDefinitionArnSchema = z
  .string()
  .check(
    z.regex(
      /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/,
      'must be an ECS task definition ARN with its revision',
    ),
  );

/** An ALB target group ARN. */
export const targetGroupArnSchema = z
  .string()
  .check(
    z.regex(
      /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/,
      'must be an ELBv2 target group ARN',
    ),
  );

/** An http(s) base URL without query or fragment (the test listener of a blue/green deployment is http). */
export const baseUrlSchema = z
  .string()
  .check(z.regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) URL without query or fragment'));

/** What the deployment must be running; absent fields are read from what the platform published (drift). */
export const expectedDeploymentSchema = z.object({
  /** Image tag of the backend; @default `/interactions/<env>/images/backend-tag` (Parameter Store) */
  backendTag: z.optional(imageTagSchema('backend')),
  /** Image tag of the frontend; @default `/interactions/<env>/images/frontend-tag` (Parameter Store) */
  frontendTag: z.optional(imageTagSchema('frontend')),
  /** Task definition the backend's PRIMARY deployment must run; @default not compared (the tag is) */
  backendTaskDefinition: z.optional(taskDefinitionArnSchema),
  /** Task definition the frontend's PRIMARY deployment must run; @default not compared (the tag is) */
  frontendTaskDefinition: z.optional(taskDefinitionArnSchema),
});
export type ExpectedDeployment = z.infer<typeof expectedDeploymentSchema>;

/** Who started the run: decides the report's wording, never which checks run. */
export const triggerSchema = z.enum(['ci', 'lifecycle-hook', 'drift', 'manual']);
export type Trigger = z.infer<typeof triggerSchema>;

/**
 * What the workflow is started with. Every field is optional: `{}` verifies the environment against
 * what it should run (the drift check). The lifecycle hook passes `targetUrl` (the new revision's
 * test listener), `expected.*TaskDefinition` and `targetGroupArns` (the alternate target group).
 */
export const deploymentVerificationInputSchema = z.object({
  /** @default 'manual' */
  trigger: z._default(triggerSchema, 'manual'),
  /** Who or what asked (CI run URL, hook invocation id, event id): goes to the report. */
  requestedBy: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  expected: z._default(expectedDeploymentSchema, {}),
  /** Base URL the HTTP, API and auth probes call instead of the environment's URL. @default the environment's URL (config) */
  targetUrl: z.optional(baseUrlSchema),
  /** Target groups whose targets must all be healthy. @default those of the two services (DescribeServices `loadBalancers`) */
  targetGroupArns: z.optional(z.array(targetGroupArnSchema).check(z.minLength(1), z.maxLength(10))),
  /** The EventBridge event of a drift run (scheduled or ECS Deployment State Change), for the report. */
  event: z.optional(
    z.object({
      id: z.string().check(z.minLength(1)),
      'detail-type': z.string(),
      source: z.string(),
      time: z.optional(z.string()),
      resources: z.optional(z.array(z.string())),
      detail: z.optional(z.record(z.string(), z.unknown())),
    }),
  ),
});
export type DeploymentVerificationInput = z.input<typeof deploymentVerificationInputSchema>;
export type DeploymentVerificationRequest = z.output<typeof deploymentVerificationInputSchema>;

/** Status of one check: `skipped` when it does not apply (no cache in this environment, no login configured). */
export const checkStatusSchema = z.enum(['pass', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** One check's result: what the report, the JUnit file and the step summary show per line. */
export const checkResultSchema = z.object({
  name: z.string().check(z.minLength(1)),
  status: checkStatusSchema,
  durationMs: z.number().check(z.nonnegative()),
  /** What was found: the reason of a failure, what was seen when it passed. */
  finding: z.string(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** The verdict: `failed` when any check failed. */
export const verdictSchema = z.enum(['passed', 'failed']);
export type Verdict = z.infer<typeof verdictSchema>;

/** What "Build output" returns. */
export const deploymentVerificationOutputSchema = z.object({
  verdict: verdictSchema,
  summary: z.string(),
  trigger: triggerSchema,
  checks: z.array(checkResultSchema),
  report: z.object({
    json: z.string().check(z.startsWith('s3://')),
    markdown: z.string().check(z.startsWith('s3://')),
  }),
});
export type DeploymentVerificationOutput = z.infer<typeof deploymentVerificationOutputSchema>;

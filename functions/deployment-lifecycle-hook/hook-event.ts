/**
 * What ECS sends a Lambda lifecycle hook of a native blue/green deployment, and what it expects
 * back. Shape from the ECS developer guide ("Lambda hooks for Amazon ECS service deployments",
 * lifecycle payloads): `resourceArn` is the service deployment, `executionDetails` names the service
 * and the target (green) revision, and the traffic weights map revision ARNs to percentages.
 */
import * as z from '../../shared/zod.js';

const ARN_PARTITION = 'arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}';
const NAME = '[A-Za-z0-9_-]{1,255}';

/** The stages ECS can call a hook at (ECS's `DeploymentLifecycleHook.lifecycleStages`). */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

const arn = (resource: string, what: string) =>
  z.string().check(z.regex(new RegExp(`^${ARN_PARTITION}:${resource}$`), `must be an ECS ${what} ARN`));

/** Revision ARN -> percentage of the traffic it receives. */
const trafficWeightsSchema = z.record(z.string(), z.number().check(z.gte(0), z.lte(100)));

/** One invocation of the hook by ECS. Unknown fields (new ones ECS may add) are ignored. */
export const hookEventSchema = z.object({
  /** This hook execution's id (a new one for every stage; repeated calls of one stage share it). */
  executionId: z.string().check(z.minLength(1), z.maxLength(256)),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  /** The service deployment: `arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>`. */
  resourceArn: arn(`service-deployment/${NAME}/${NAME}/[A-Za-z0-9_-]{1,64}`, 'service deployment'),
  executionDetails: z.object({
    serviceArn: arn(`service/${NAME}/${NAME}`, 'service'),
    /** The green revision; it stays the target during a rollback, while traffic moves away from it. */
    targetServiceRevisionArn: arn(`service-revision/${NAME}/${NAME}/\\d+`, 'service revision'),
    testTrafficWeights: trafficWeightsSchema,
    productionTrafficWeights: trafficWeightsSchema,
  }),
  /** Data from the hook's configuration or a previous IN_PROGRESS answer. @default none */
  hookDetails: z.optional(z.record(z.string(), z.unknown())),
});
export type HookEvent = z.infer<typeof hookEventSchema>;

/** ECS's verdict vocabulary: go on, roll back, or call again after `callBackDelay` seconds. */
export type HookStatus = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';

/** What the hook answers ECS. */
export interface HookResponse {
  readonly hookStatus: HookStatus;
  /** Seconds until ECS calls again; only with IN_PROGRESS. @default ECS's 30 seconds */
  readonly callBackDelay?: number;
}

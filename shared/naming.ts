/**
 * Physical names of the platform and the automation, from the seed: `interactions-<env>-...`.
 * The CDK app, the functions and the operator CLI all derive names here, so they cannot drift.
 */

export type Environment = 'dev' | 'staging' | 'prod';

/** Workflows of the automation layer; each is one state machine `interactions-<env>-<workflow>`. */
export const WORKFLOWS = [
  'on-demand-snapshot',
  'backup-verification',
  'snapshot-housekeeping',
  'cache-snapshot',
  'recovery-test',
  'full-restore-test',
  'failover-drill',
  'deployment-verification',
  'alarm-remediation',
  'drill-leftover-sweep',
] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

export const names = {
  prefix: (env: Environment) => `interactions-${env}`,
  cluster: (env: Environment) => `interactions-${env}`,
  service: (env: Environment, component: 'frontend' | 'backend') => `interactions-${env}-${component}`,
  databaseInstance: (env: Environment) => `interactions-${env}-postgres`,
  cacheReplicationGroup: (env: Environment) => `interactions-${env}`,
  assetsBucket: (env: Environment) => `interactions-${env}-assets`,
  dbCredentialsSecret: (env: Environment) => `/interactions/${env}/db-credentials`,
  stack: (env: Environment, part: 'platform' | 'edge' | 'automation' | 'dr') => `interactions-${env}-${part}`,
  stateMachine: (env: Environment, workflow: WorkflowName) => `interactions-${env}-${workflow}`,
  /** Lambda functions: the seed's `/aws/lambda/interactions-{env}-tasks` log group is shared by them. */
  lambdaFunction: (env: Environment, fn: string) => `interactions-${env}-${fn}`,
  lambdaLogGroup: (env: Environment) => `/aws/lambda/interactions-${env}-tasks`,
  ecsLogGroup: (env: Environment, component: 'frontend' | 'backend') => `/aws/ecs/interactions-${env}-${component}`,
  cacheLogGroup: (env: Environment) => `/aws/elasticache/interactions-${env}`,
  rdsLogGroup: (instanceId: string) => `/aws/rds/instance/${instanceId}/postgresql`,
  reportsBucket: (env: Environment) => `interactions-${env}-automation-reports`,
  /** The KMS key of the DR copies in the DR region (`interactions-<env>-dr` stack), without `alias/`. */
  drKeyAlias: (env: Environment) => `interactions-${env}-dr`,
  topic: (env: Environment, severity: 'high' | 'medium' | 'low') => `interactions-${env}-alerts-${severity}`,
  parameterPrefix: (env: Environment) => `/interactions/${env}`,
  metricsNamespace: 'Interactions/Automation',
} as const;

/**
 * The state a snapshot workflow enters only after "Verify snapshot" passed (its success
 * notification). Housekeeping reads it from a failed run's history to keep the snapshot that run
 * meant to keep, so the workflows and the function take the name from here.
 */
export const SNAPSHOT_VERIFIED_STATE = 'Notify success';

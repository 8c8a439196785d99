/**
 * The workflows the testbed knows: how each one is synthesized for a test (the props the automation
 * stack gives it, from the environment's config) and the contract its input and output follow.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadConfig } from '../../../infra/config/index.js';
import { SUBNET_GROUPS } from '../../../infra/constructs/network.js';
import {
  alarmRemediationConfig,
  backupVerificationConfig,
  deploymentVerificationConfig,
  drillLeftoverSweepConfig,
  fullRestoreTestConfig,
  nightlyCacheSnapshot,
  recoveryTestConfig,
  snapshotHousekeepingConfig,
  snapshotWorkflowConfig,
} from '../../../infra/stacks/workflow-config.js';
import { type Environment, names } from '../../../shared/naming.js';
import type * as z from '../../../shared/zod.js';
import {
  AlarmRemediationWorkflow,
  type AlarmRemediationWorkflowProps,
} from '../../../workflows/alarm-remediation/construct.js';
import {
  alarmRemediationInputSchema,
  alarmRemediationOutputSchema,
} from '../../../workflows/alarm-remediation/contract.js';
import {
  BackupVerificationWorkflow,
  type BackupVerificationWorkflowProps,
} from '../../../workflows/backup-verification/construct.js';
import {
  backupVerificationInputSchema,
  backupVerificationOutputSchema,
} from '../../../workflows/backup-verification/contract.js';
import { CacheSnapshotWorkflow, type CacheSnapshotWorkflowProps } from '../../../workflows/cache-snapshot/construct.js';
import { cacheSnapshotInputSchema, cacheSnapshotOutputSchema } from '../../../workflows/cache-snapshot/contract.js';
import {
  DeploymentVerificationWorkflow,
  type DeploymentVerificationWorkflowProps,
} from '../../../workflows/deployment-verification/construct.js';
import {
  deploymentVerificationInputSchema,
  deploymentVerificationOutputSchema,
} from '../../../workflows/deployment-verification/contract.js';
import {
  DrillLeftoverSweepWorkflow,
  type DrillLeftoverSweepWorkflowProps,
} from '../../../workflows/drill-leftover-sweep/construct.js';
import {
  drillLeftoverSweepInputSchema,
  drillLeftoverSweepOutputSchema,
} from '../../../workflows/drill-leftover-sweep/contract.js';
import { FailoverDrillWorkflow, type FailoverDrillWorkflowProps } from '../../../workflows/failover-drill/construct.js';
import { failoverDrillInputSchema, failoverDrillOutputSchema } from '../../../workflows/failover-drill/contract.js';
import { failoverDrillConfig, failoverDrillPlatformProps } from '../../../workflows/failover-drill/platform.js';
import {
  FullRestoreTestWorkflow,
  type FullRestoreTestWorkflowProps,
} from '../../../workflows/full-restore-test/construct.js';
import { fullRestoreInputSchema, fullRestoreOutputSchema } from '../../../workflows/full-restore-test/contract.js';
import { fullRestorePlatformRefs } from '../../../workflows/full-restore-test/platform-refs.js';
import {
  OnDemandSnapshotWorkflow,
  type OnDemandSnapshotWorkflowProps,
} from '../../../workflows/on-demand-snapshot/construct.js';
import {
  onDemandSnapshotInputSchema,
  onDemandSnapshotOutputSchema,
} from '../../../workflows/on-demand-snapshot/contract.js';
import { RecoveryTestWorkflow, type RecoveryTestWorkflowProps } from '../../../workflows/recovery-test/construct.js';
import { recoveryTestInputSchema, recoveryTestOutputSchema } from '../../../workflows/recovery-test/contract.js';
import {
  SnapshotHousekeepingWorkflow,
  type SnapshotHousekeepingWorkflowProps,
} from '../../../workflows/snapshot-housekeeping/construct.js';
import {
  snapshotHousekeepingInputSchema,
  snapshotHousekeepingOutputSchema,
} from '../../../workflows/snapshot-housekeeping/contract.js';
import { testApp } from '../cdk-app.js';
import { FAKE_ACCOUNT, FAKE_REGION } from '../harness/template.js';

/** Props the testbed always sets itself: the environment, the notify function, the functions' log group. */
type Provided = 'envName' | 'notifyFunction' | 'functionLogGroup';

/** A workflow as the testbed builds it. */
interface WorkflowEntry<Props, Workflow, Input extends z.ZodMiniType, Output extends z.ZodMiniType> {
  /** `workflows/<name>/contract.ts`. */
  readonly contract: { readonly input: Input; readonly output: Output };
  /** Adds the workflow to `stack` with the automation stack's props for `env`, `overrides` on top. */
  build(
    stack: Stack,
    common: Pick<Props, Provided & keyof Props>,
    env: Environment,
    overrides: Partial<Props>,
  ): Workflow;
}

function entry<Props, Workflow, Input extends z.ZodMiniType, Output extends z.ZodMiniType>(
  value: WorkflowEntry<Props, Workflow, Input, Output>,
): WorkflowEntry<Props, Workflow, Input, Output> {
  return value;
}

/** Every workflow the testbed runs, by name. */
export const WORKFLOW_ENTRIES = {
  'on-demand-snapshot': entry<
    OnDemandSnapshotWorkflowProps,
    OnDemandSnapshotWorkflow,
    typeof onDemandSnapshotInputSchema,
    typeof onDemandSnapshotOutputSchema
  >({
    contract: { input: onDemandSnapshotInputSchema, output: onDemandSnapshotOutputSchema },
    build(stack, common, env, overrides) {
      const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
        instanceIdentifier: names.databaseInstance(env),
        instanceEndpointAddress: 'db.example.internal',
        port: 5432,
        securityGroups: [],
      });
      return new OnDemandSnapshotWorkflow(stack, 'OnDemandSnapshot', {
        ...common,
        ...snapshotWorkflowConfig(loadConfig(env)),
        database,
        ...overrides,
      });
    },
  }),
  'cache-snapshot': entry<
    CacheSnapshotWorkflowProps,
    CacheSnapshotWorkflow,
    typeof cacheSnapshotInputSchema,
    typeof cacheSnapshotOutputSchema
  >({
    contract: { input: cacheSnapshotInputSchema, output: cacheSnapshotOutputSchema },
    build(stack, common, env, overrides) {
      return new CacheSnapshotWorkflow(stack, 'CacheSnapshot', {
        ...common,
        ...snapshotWorkflowConfig(loadConfig(env)),
        ...overrides,
      });
    },
  }),
  'backup-verification': entry<
    BackupVerificationWorkflowProps,
    BackupVerificationWorkflow,
    typeof backupVerificationInputSchema,
    typeof backupVerificationOutputSchema
  >({
    contract: { input: backupVerificationInputSchema, output: backupVerificationOutputSchema },
    build(stack, common, env, overrides) {
      return new BackupVerificationWorkflow(stack, 'BackupVerification', {
        ...common,
        ...backupVerificationConfig(loadConfig(env)),
        ...overrides,
      });
    },
  }),
  'snapshot-housekeeping': entry<
    SnapshotHousekeepingWorkflowProps,
    SnapshotHousekeepingWorkflow,
    typeof snapshotHousekeepingInputSchema,
    typeof snapshotHousekeepingOutputSchema
  >({
    contract: { input: snapshotHousekeepingInputSchema, output: snapshotHousekeepingOutputSchema },
    build(stack, common, env, overrides) {
      const config = loadConfig(env);
      // The nested cache snapshot machine is referenced by name, as the automation stack wires it.
      const cache = sfn.StateMachine.fromStateMachineName(
        stack,
        'CacheSnapshot',
        names.stateMachine(env, 'cache-snapshot'),
      );
      return new SnapshotHousekeepingWorkflow(stack, 'SnapshotHousekeeping', {
        ...common,
        ...snapshotHousekeepingConfig(config),
        cacheSnapshotStateMachine: nightlyCacheSnapshot(config) ? cache : undefined,
        ...overrides,
      });
    },
  }),
  'drill-leftover-sweep': entry<
    DrillLeftoverSweepWorkflowProps,
    DrillLeftoverSweepWorkflow,
    typeof drillLeftoverSweepInputSchema,
    typeof drillLeftoverSweepOutputSchema
  >({
    contract: { input: drillLeftoverSweepInputSchema, output: drillLeftoverSweepOutputSchema },
    build(stack, common, env, overrides) {
      return new DrillLeftoverSweepWorkflow(stack, 'DrillLeftoverSweep', {
        ...common,
        ...drillLeftoverSweepConfig(loadConfig(env)),
        ...overrides,
      });
    },
  }),
  'alarm-remediation': entry<
    AlarmRemediationWorkflowProps,
    AlarmRemediationWorkflow,
    typeof alarmRemediationInputSchema,
    typeof alarmRemediationOutputSchema
  >({
    contract: { input: alarmRemediationInputSchema, output: alarmRemediationOutputSchema },
    build(stack, common, env, overrides) {
      const approvalTopic = sns.Topic.fromTopicArn(
        stack,
        'HighTopic',
        `arn:aws:sns:${FAKE_REGION}:${FAKE_ACCOUNT}:${names.topic(env, 'high')}`,
      );
      return new AlarmRemediationWorkflow(stack, 'AlarmRemediation', {
        ...common,
        ...alarmRemediationConfig(loadConfig(env)),
        approvalTopic,
        ...overrides,
      });
    },
  }),
  'deployment-verification': entry<
    DeploymentVerificationWorkflowProps,
    DeploymentVerificationWorkflow,
    typeof deploymentVerificationInputSchema,
    typeof deploymentVerificationOutputSchema
  >({
    contract: { input: deploymentVerificationInputSchema, output: deploymentVerificationOutputSchema },
    build(stack, common, env, overrides) {
      return new DeploymentVerificationWorkflow(stack, 'DeploymentVerification', {
        ...common,
        ...deploymentVerificationConfig(loadConfig(env)),
        ...overrides,
      });
    },
  }),
  'recovery-test': entry<
    RecoveryTestWorkflowProps,
    RecoveryTestWorkflow,
    typeof recoveryTestInputSchema,
    typeof recoveryTestOutputSchema
  >({
    contract: { input: recoveryTestInputSchema, output: recoveryTestOutputSchema },
    build(stack, common, env, overrides) {
      const platform = testbedPlatform(stack, env);
      return new RecoveryTestWorkflow(stack, 'RecoveryTest', {
        ...common,
        ...recoveryTestConfig(loadConfig(env)),
        ...platform,
        dataSubnets: { subnetGroupName: SUBNET_GROUPS.data },
        ...overrides,
      });
    },
  }),
  'full-restore-test': entry<
    FullRestoreTestWorkflowProps,
    FullRestoreTestWorkflow,
    typeof fullRestoreInputSchema,
    typeof fullRestoreOutputSchema
  >({
    contract: { input: fullRestoreInputSchema, output: fullRestoreOutputSchema },
    build(stack, common, env, overrides) {
      const config = loadConfig(env);
      const { databaseSecret: _, ...platform } = testbedPlatform(stack, env);
      return new FullRestoreTestWorkflow(stack, 'FullRestoreTest', {
        ...common,
        ...fullRestoreTestConfig(config),
        ...fullRestorePlatformRefs(stack, config),
        ...platform,
        dataSubnets: { subnetGroupName: SUBNET_GROUPS.data },
        appSubnets: { subnetGroupName: SUBNET_GROUPS.app },
        ...overrides,
      });
    },
  }),
  'failover-drill': entry<
    FailoverDrillWorkflowProps,
    FailoverDrillWorkflow,
    typeof failoverDrillInputSchema,
    typeof failoverDrillOutputSchema
  >({
    contract: { input: failoverDrillInputSchema, output: failoverDrillOutputSchema },
    build(stack, common, env, overrides) {
      const config = loadConfig(env);
      // The platform's references as the automation stack receives them, named as the platform names them.
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
      const alarm = (name: string) =>
        cloudwatch.Alarm.fromAlarmArn(
          stack,
          name,
          `arn:aws:cloudwatch:${FAKE_REGION}:${FAKE_ACCOUNT}:alarm:${names.prefix(env)}-${name}`,
        );
      const platform = failoverDrillPlatformProps(
        {
          monitoring: { alarms: { apiErrorRatePercent: [alarm('api-error-rate')], alb5xxPercent: [alarm('alb-5xx')] } },
          database: {
            instance: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
              instanceIdentifier: names.databaseInstance(env),
              instanceEndpointAddress: 'db.example.internal',
              port: 5432,
              securityGroups: [],
            }),
            secret: secretsmanager.Secret.fromSecretNameV2(stack, 'DbSecret', names.dbCredentialsSecret(env)),
          },
          network: {
            vpc,
            databaseSecurityGroup: new ec2.SecurityGroup(stack, 'DbSg', { vpc }),
            cacheSecurityGroup: new ec2.SecurityGroup(stack, 'CacheSg', { vpc }),
          },
          cache: {
            replicationGroupId: names.cacheReplicationGroup(env),
            primaryEndpointAddress: 'cache.example.internal',
            port: 6379,
          },
          compute: { loadBalancer: { loadBalancerDnsName: 'alb.example.internal' } },
        },
        config,
      );
      return new FailoverDrillWorkflow(stack, 'FailoverDrill', {
        ...common,
        ...failoverDrillConfig(config),
        ...platform,
        ...overrides,
      });
    },
  }),
} as const;

/**
 * What the drills take from the platform stack, as references with the environment's physical
 * names: the database, its key, secret and parameter group, and a VPC with the platform's subnet tiers.
 */
export function testbedPlatform(stack: Stack, env: Environment) {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC },
      { name: SUBNET_GROUPS.app, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: SUBNET_GROUPS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return {
    vpc,
    database: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: names.databaseInstance(env),
      instanceEndpointAddress: 'db.example.internal',
      port: 5432,
      securityGroups: [],
    }),
    encryptionKey: kms.Key.fromKeyArn(
      stack,
      'DbKey',
      `arn:aws:kms:${FAKE_REGION}:${FAKE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    ),
    databaseSecret: secretsmanager.Secret.fromSecretCompleteArn(
      stack,
      'DbSecret',
      `arn:aws:secretsmanager:${FAKE_REGION}:${FAKE_ACCOUNT}:secret:${names.dbCredentialsSecret(env)}-AbCdEf`,
    ),
    parameterGroup: rds.ParameterGroup.fromParameterGroupName(stack, 'DbParameters', `${names.prefix(env)}-postgres15`),
  };
}

/** A workflow the testbed can run. */
export type TestbedWorkflow = keyof typeof WORKFLOW_ENTRIES;
type Entry<W extends TestbedWorkflow> = (typeof WORKFLOW_ENTRIES)[W];
/** Props of the workflow's construct a test may override. */
export type WorkflowOverrides<W extends TestbedWorkflow> = Parameters<Entry<W>['build']>[3];
/** What the workflow is started with, per its contract. */
export type WorkflowInput<W extends TestbedWorkflow> = z.infer<Entry<W>['contract']['input']>;
/** What the workflow returns on success, per its contract. */
export type WorkflowOutput<W extends TestbedWorkflow> = z.infer<Entry<W>['contract']['output']>;

/** The notify-outcome function every workflow reports through, referenced by ARN as the automation stack shares it. */
export function notifyFunctionName(env: Environment): string {
  return names.lambdaFunction(env, 'notify-outcome');
}

/** The workflow's construct (its state machine, functions, schedule). */
export type WorkflowConstruct<W extends TestbedWorkflow> = ReturnType<Entry<W>['build']>;

/** Adds `workflow` alone to a stack named like the automation stack (`suffix` tells variants apart). */
export function synthesizeWorkflow<W extends TestbedWorkflow>(
  workflow: W,
  env: Environment,
  overrides: WorkflowOverrides<W>,
  suffix = '',
): { readonly stack: Stack; readonly construct: WorkflowConstruct<W> } {
  const app = testApp();
  const stack = new Stack(app, `${names.stack(env, 'automation')}${suffix}`);
  const functionLogGroup = new logs.LogGroup(stack, 'TasksLogs', { logGroupName: names.lambdaLogGroup(env) });
  const notifyFunction = lambda.Function.fromFunctionArn(
    stack,
    'Notify',
    `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${notifyFunctionName(env)}`,
  );
  const build = WORKFLOW_ENTRIES[workflow].build as (
    stack: Stack,
    common: Record<Provided, unknown>,
    env: Environment,
    overrides: WorkflowOverrides<W>,
  ) => WorkflowConstruct<W>;
  return { stack, construct: build(stack, { envName: env, notifyFunction, functionLogGroup }, env, overrides) };
}

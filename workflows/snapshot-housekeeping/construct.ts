/**
 * SnapshotHousekeepingWorkflow: the nightly retention of the automation's OWN manual DB and cache
 * (ElastiCache) snapshots, the cross-region copy for region DR and, where configured, the nightly
 * cache snapshot (a nested execution of the cache-snapshot workflow). Deletion is three times
 * guarded, for both kinds: the selection Lambda picks only expired, available, manual snapshots
 * tagged `interactions:managed-by`, `interactions:environment` = this environment and an
 * `interactions:execution` (of its instance in the source region, named `interactions-<env>-dr-` in
 * the DR region); right before each delete the snapshot is described again and a Choice refuses it if
 * anything changed; IAM allows the delete only on snapshots carrying those tags. dev, staging and prod share the account and region: the
 * environment tag keeps each environment's housekeeping off the others' snapshots.
 * See README.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AutomationConfig } from '../../infra/config/types.js';
import { type Environment, names } from '../../shared/naming.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { cachePruning } from './cache-pruning.js';
import { drCopy } from './dr-copy.js';
import { housekeepingFunctions } from './functions.js';
import { acknowledgeHousekeepingFindings } from './nag.js';
import { nightlyCacheSnapshot } from './nightly-cache-snapshot.js';
import { rdsPruning } from './rds-pruning.js';
import { housekeepingReport } from './report.js';
import { HousekeepingResources } from './resources.js';
import { WORKFLOW } from './workflow.js';

/** The config.automation fields the housekeeping reads. */
export type SnapshotHousekeepingSettings = Pick<
  AutomationConfig,
  'manualSnapshotRetentionDays' | 'drRegion' | 'cacheSnapshotNightly' | 'housekeepingSchedule' | 'failureSeverity'
>;

/** Props of SnapshotHousekeepingWorkflow. */
export interface SnapshotHousekeepingWorkflowProps {
  /** The environment: names the state machine, the functions and the DR copies. */
  readonly envName: Environment;
  /** Retention, DR region, nightly cache snapshot, schedule and failure severity (config.automation). */
  readonly automation: SnapshotHousekeepingSettings;
  /** notify-outcome: writes the JSON and Markdown report and notifies the severity topic. */
  readonly notifyFunction: lambda.IFunction;
  /** The automation's shared function log group (`/aws/lambda/interactions-<env>-tasks`). */
  readonly functionLogGroup: logs.ILogGroup;
  /** DB instance whose snapshots are copied to the DR region. @default `names.databaseInstance(envName)` */
  readonly databaseInstanceId?: string;
  /**
   * Replication group whose expired automation cache snapshots (named `interactions-<env>-...`) are
   * pruned every night, whether or not the nightly cache snapshot is on.
   * @default `names.cacheReplicationGroup(envName)` (`interactions-<env>`)
   */
  readonly cacheReplicationGroupId?: string;
  /**
   * The cache-snapshot state machine, started as a nested execution every night. Required when
   * `automation.cacheSnapshotNightly` is on. @default no nightly cache snapshot
   */
  readonly cacheSnapshotStateMachine?: sfn.IStateMachine;
  /**
   * KMS key in the DR region that encrypts the copies (a key or alias ARN of that region).
   * @default the alias `alias/interactions-<env>-dr` in `automation.drRegion`, which the DR region's
   * own stack must create; IAM is then scoped to keys carrying that alias
   */
  readonly drKmsKeyArn?: string;
  /** KMS key of the source DB snapshots: the copy needs a grant on it. @default no grant (unencrypted or AWS-managed key) */
  readonly sourceKmsKey?: kms.IKey;
  /** Snapshot deletions running at once. @default 2 */
  readonly deleteConcurrency?: number;
  /** Log group of the state machine. @default a new `/aws/vendedlogs/states/...` group with `logRetention` */
  readonly logGroup?: logs.ILogGroup;
  /** Retention of the log group created when `logGroup` is absent. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Overall execution timeout (the nested cache snapshot takes up to an hour). @default 2 hours */
  readonly timeout?: Duration;
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
}

/** The nightly snapshot housekeeping (see the module comment). */
export class SnapshotHousekeepingWorkflow extends Construct {
  /** The state machine `interactions-<env>-snapshot-housekeeping`. */
  readonly stateMachine: sfn.StateMachine;
  /** The functions of the workflow, for alarms and dashboards. */
  readonly functions: { readonly select: lambda.IFunction; readonly operate: lambda.IFunction };
  /** The nightly EventBridge rule that starts the state machine with the scheduled event. */
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SnapshotHousekeepingWorkflowProps) {
    super(scope, id);
    const { automation, envName } = props;
    const { retentionDays, concurrency, drRegion } = validate(this, props);
    const stack = Stack.of(this);
    const instanceId = props.databaseInstanceId ?? names.databaseInstance(envName);
    const replicationGroupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(envName);
    const resources = new HousekeepingResources(this, envName, instanceId, drRegion);
    const { select, operate } = housekeepingFunctions(this, envName, props.functionLogGroup, resources, drRegion);

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: automation.failureSeverity,
      summary: `Snapshot housekeeping of ${envName} failed`,
    });

    const selectSource = failure.catch(
      lambdaTask(this, 'Select expired snapshots', {
        workflow: WORKFLOW,
        lambdaFunction: select.function,
        payload: {
          environment: envName,
          trigger: sfn.JsonPath.objectAt('$'),
          region: stack.region,
          regionRole: 'source',
          instanceIdentifier: instanceId,
          retentionDays,
          planCopy: drRegion !== '',
          cacheReplicationGroupId: replicationGroupId,
        },
        resultPath: '$.source',
        timeout: Duration.seconds(90),
      }),
    );
    const pruning = { envName, operateFunction: operate.function, resources, concurrency };
    const deleteExpired = failure.catch(rdsPruning(this, pruning).map);
    const deleteExpiredCache = failure.catch(cachePruning(this, pruning).map);

    selectSource.next(deleteExpired);
    deleteExpired.next(deleteExpiredCache);
    let tail: sfn.INextable = deleteExpiredCache;
    const reportDetails: Record<string, unknown> = {
      'sourceRegion.$': '$.source.region',
      'scanned.$': '$.source.scanned',
      'selected.$': '$.source.selected',
      'deletions.$': '$.deletions',
      cacheReplicationGroup: replicationGroupId,
      'cacheScanned.$': '$.source.cache.scanned',
      'cacheSelected.$': '$.source.cache.selected',
      'cacheDeletions.$': '$.cacheDeletions',
    };

    if (drRegion !== '') {
      const dr = drCopy(this, {
        envName,
        drRegion,
        instanceId,
        retentionDays,
        selectFunction: select.function,
        operateFunction: operate.function,
        operateRole: operate.role,
        resources,
        concurrency,
        failure,
        drKmsKeyArn: props.drKmsKeyArn,
        sourceKmsKey: props.sourceKmsKey,
      });
      tail.next(dr.start);
      tail = dr.end;
      Object.assign(reportDetails, dr.reportDetails);
    }

    if (props.cacheSnapshotStateMachine !== undefined) {
      const cache = nightlyCacheSnapshot(this, props.cacheSnapshotStateMachine, failure);
      tail.next(cache.start);
      tail = cache.end;
      reportDetails['cacheSnapshot.$'] = '$.cacheSnapshot';
    }

    tail.next(
      housekeepingReport(this, {
        envName,
        notifyFunction: props.notifyFunction,
        failure,
        outcomeLists: {
          rds: '$.deletions',
          cache: '$.cacheDeletions',
          ...(drRegion === '' ? {} : { dr: '$.drDeletions' }),
        },
        details: reportDetails,
        // A few stubborn snapshots are tomorrow's work, not a page: at most medium.
        partialFailureSeverity: automation.failureSeverity === 'low' ? 'low' : 'medium',
      }),
    );

    this.functions = { select: select.function, operate: operate.function };

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: oncePerScheduledEvent(this, {
        stateMachineName: names.stateMachine(envName, WORKFLOW),
        run: selectSource,
        failure,
      }),
      timeout: props.timeout ?? Duration.hours(2),
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: 'Nightly: delete expired automation DB and cache snapshots, copy to the DR region, snapshot the cache',
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'NightlySchedule', {
      schedule: automation.housekeepingSchedule,
      stateMachine: this.stateMachine,
      description: `Starts ${names.stateMachine(envName, WORKFLOW)} every night`,
      enabled: props.scheduleEnabled,
      handOver: true,
    });
    acknowledgeHousekeepingFindings({
      stateMachine: this.stateMachine,
      schedule: this.schedule,
      select,
      operate,
      resources,
      drRegion,
      drKeyByAlias: props.drKmsKeyArn === undefined,
      cacheSnapshotStateMachine: props.cacheSnapshotStateMachine,
    });
  }
}

/** Checks the props, naming the one that is wrong; returns the values the graph uses. */
function validate(
  scope: Construct,
  props: SnapshotHousekeepingWorkflowProps,
): { retentionDays: number; concurrency: number; drRegion: string } {
  const { automation } = props;
  const retentionDays = automation.manualSnapshotRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(
      `SnapshotHousekeepingWorkflow: automation.manualSnapshotRetentionDays must be a positive integer (got ${retentionDays})`,
    );
  }
  if (automation.cacheSnapshotNightly && props.cacheSnapshotStateMachine === undefined) {
    throw new Error(
      'SnapshotHousekeepingWorkflow: cacheSnapshotStateMachine is required when automation.cacheSnapshotNightly is on',
    );
  }
  const concurrency = props.deleteConcurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10) {
    throw new Error(
      `SnapshotHousekeepingWorkflow: deleteConcurrency must be an integer from 1 to 10 (got ${concurrency})`,
    );
  }
  const drRegion = automation.drRegion;
  if (drRegion !== '' && drRegion === Stack.of(scope).region) {
    throw new Error(
      `SnapshotHousekeepingWorkflow: automation.drRegion must differ from the stack's region (${drRegion})`,
    );
  }
  return { retentionDays, concurrency, drRegion };
}

/**
 * SnapshotHousekeepingWorkflow: the nightly retention of the automation's OWN manual DB and cache
 * (ElastiCache) snapshots, the cross-region copy for region DR and, where configured, the nightly
 * cache snapshot (a nested execution of the cache-snapshot workflow). Deletion is three times
 * guarded, for both kinds: the selection Lambda picks only expired (or, before expiry, those whose
 * own on-demand or cache snapshot run failed: README "Leftovers of failed runs"), available, manual snapshots
 * tagged `interactions:managed-by`, `interactions:environment` = this environment and an
 * `interactions:execution` (of its instance in the source region, named `interactions-<env>-dr-` in
 * the DR region); right before each delete the snapshot is described again and a Choice refuses it if
 * anything changed; IAM allows the delete only on snapshots carrying those tags. dev, staging and
 * prod share the account and region: the environment tag keeps each environment's housekeeping off
 * the others' snapshots.
 * See README.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { names } from '../../shared/naming.js';
import { isAwsRegion, MAX_RETENTION_DAYS } from '../../shared/schemas.js';
import { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { isScheduleExpression, nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import {
  type AutomationWorkflow,
  type AutomationWorkflowProps,
  type AutomationWorkflowSettings,
  requirePositiveInteger,
  workflowSettings,
} from '../common/workflow-props.js';
import { drCopy } from './dr-copy.js';
import { housekeepingFunctions } from './functions.js';
import { acknowledgeHousekeepingFindings } from './nag.js';
import { CACHE_SNAPSHOT_PATH, nightlyCacheSnapshot } from './nightly-cache-snapshot.js';
import { housekeepingReport } from './report.js';
import { HousekeepingResources } from './resources.js';
import { SOURCE_PRUNING, sourcePruning } from './source-pruning.js';
import { WORKFLOW } from './workflow.js';

const CONSTRUCT = 'SnapshotHousekeepingWorkflow';

/** Props of SnapshotHousekeepingWorkflow (the automation stack maps config.automation onto them). */
export interface SnapshotHousekeepingWorkflowProps extends AutomationWorkflowProps {
  /** EventBridge cron or rate expression of the nightly run (config `automation.housekeepingSchedule`). */
  readonly scheduleExpression: string;
  /**
   * Days the automation keeps its own manual snapshots that carry no `interactions:expires-at` tag,
   * and the expiry tonight's DR copy is tagged with (config `automation.manualSnapshotRetentionDays`);
   * an integer from 1 to MAX_RETENTION_DAYS. @default 35
   */
  readonly retentionDays?: number;
  /**
   * Region that receives a copy of the newest DB snapshot every night, and whose expired copies are
   * pruned (config `automation.drRegion`, `''` there meaning none); not the stack's own region.
   * @default no DR copy and no DR pruning
   */
  readonly drRegion?: string;
  /** DB instance whose snapshots are pruned and copied to the DR region. @default `names.databaseInstance(envName)` */
  readonly databaseInstanceId?: string;
  /**
   * Replication group whose expired automation cache snapshots (named `interactions-<env>-...`) are
   * pruned every night, whether or not the nightly cache snapshot is on.
   * @default `names.cacheReplicationGroup(envName)` (`interactions-<env>`)
   */
  readonly cacheReplicationGroupId?: string;
  /**
   * The cache-snapshot state machine, started as a nested execution every night (pass it where
   * config `automation.cacheSnapshotNightly` is on). @default no nightly cache snapshot
   */
  readonly cacheSnapshotStateMachine?: sfn.IStateMachine;
  /**
   * KMS key in the DR region that encrypts the copies (a key or alias ARN of that region).
   * @default the alias `alias/interactions-<env>-dr` in `drRegion`, which the DR region's own stack
   * must create; IAM is then scoped to keys carrying that alias
   */
  readonly drKmsKeyArn?: string;
  /** KMS key of the source DB snapshots: the copy needs a grant on it. @default no grant (unencrypted or AWS-managed key) */
  readonly sourceKmsKey?: kms.IKey;
  /** Snapshot deletions running at once, from 1 to 10. @default 2 */
  readonly deleteConcurrency?: number;
  /** Overall execution timeout (the nested cache snapshot takes up to an hour). @default 2 hours */
  readonly timeout?: Duration;
  /** Whether the nightly schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
}

/** The props with their defaults filled in and checked. */
interface HousekeepingSettings extends AutomationWorkflowSettings {
  readonly retentionDays: number;
  readonly concurrency: number;
  /** `''`: no DR region. */
  readonly drRegion: string;
}

/** The nightly snapshot housekeeping (see the module comment). */
export class SnapshotHousekeepingWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-snapshot-housekeeping`. */
  readonly stateMachine: sfn.StateMachine;
  /** The functions of the workflow, for alarms and dashboards. */
  readonly functions: { readonly select: lambda.IFunction; readonly operate: lambda.IFunction };
  /** The nightly EventBridge rule that starts the state machine with the scheduled event. */
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SnapshotHousekeepingWorkflowProps) {
    super(scope, id);
    const { envName } = props;
    // Checked before anything is built: a wrong config fails synth, naming the prop.
    const { timeout, failureSeverity, retentionDays, concurrency, drRegion } = housekeepingSettings(this, props);
    const stack = Stack.of(this);
    const instanceId = props.databaseInstanceId ?? names.databaseInstance(envName);
    const replicationGroupId = props.cacheReplicationGroupId ?? names.cacheReplicationGroup(envName);
    const resources = new HousekeepingResources(this, envName, instanceId, drRegion);
    const { select, operate } = housekeepingFunctions(this, envName, props.functionLogGroup, resources, drRegion);

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
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
          // Where the owning runs of the not-yet-expired snapshots are looked up (failed-run leftovers).
          stateMachineArn: sfn.JsonPath.stringAt('$$.StateMachine.Id'),
        },
        resultPath: '$.source',
        timeout: Duration.seconds(90),
      }),
    );
    const pruning = { envName, operateFunction: operate.function, resources, concurrency };
    const deleteExpired = failure.catch(sourcePruning(this, SOURCE_PRUNING.rds, pruning).map);
    const deleteExpiredCache = failure.catch(sourcePruning(this, SOURCE_PRUNING.cache, pruning).map);

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

    // Nested runs whose failure makes the night a partial failure (they notified on their own).
    const nestedRuns: Record<string, string> = {};

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
      reportDetails['cacheSnapshot.$'] = CACHE_SNAPSHOT_PATH;
      nestedRuns.cacheSnapshot = `${CACHE_SNAPSHOT_PATH}.status`;
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
        nestedRuns,
        details: reportDetails,
        // A few stubborn snapshots are tomorrow's work, not a page: at most medium.
        partialFailureSeverity: failureSeverity === 'low' ? 'low' : 'medium',
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
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: 'Nightly: delete expired automation DB and cache snapshots, copy to the DR region, snapshot the cache',
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'NightlySchedule', {
      schedule: props.scheduleExpression,
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

/** Fills the defaults and checks the props; throws `SnapshotHousekeepingWorkflow: <prop> must ...` for a bad one. */
function housekeepingSettings(scope: Construct, props: SnapshotHousekeepingWorkflowProps): HousekeepingSettings {
  const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.hours(2) });
  if (!isScheduleExpression(props.scheduleExpression)) {
    throw new Error(
      `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
    );
  }
  const retentionDays = requirePositiveInteger(CONSTRUCT, 'retentionDays', props.retentionDays ?? 35);
  // The selection and the DR copy's expiry refuse more (shared/schemas.ts retentionDaysSchema): fail synth instead.
  if (retentionDays > MAX_RETENTION_DAYS) {
    throw new Error(`${CONSTRUCT}: retentionDays must be at most ${MAX_RETENTION_DAYS} (got ${retentionDays})`);
  }
  const concurrency = requirePositiveInteger(CONSTRUCT, 'deleteConcurrency', props.deleteConcurrency ?? 2);
  if (concurrency > 10) {
    throw new Error(`${CONSTRUCT}: deleteConcurrency must be at most 10 (got ${concurrency})`);
  }
  const drRegion = props.drRegion ?? '';
  if (props.drRegion !== undefined && !isAwsRegion(props.drRegion)) {
    throw new Error(`${CONSTRUCT}: drRegion must be an AWS region such as us-west-2 (got "${props.drRegion}")`);
  }
  if (drRegion !== '' && drRegion === Stack.of(scope).region) {
    throw new Error(`${CONSTRUCT}: drRegion must differ from the stack's region (${drRegion})`);
  }
  return { timeout, failureSeverity, retentionDays, concurrency, drRegion };
}

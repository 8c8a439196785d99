/**
 * Region DR: copy the newest DB snapshot to the DR region, then prune expired DR copies. Both run in
 * operate-regional-snapshots with a DR-region client (SDK integrations reach only the state machine's
 * region). The copy's target name derives from the source snapshot only, so a re-run or duplicate
 * delivery meets `DBSnapshotAlreadyExists`, which the function reports as done. This module also
 * grants what these states need: CopyDBSnapshot and AddTagsToResource only with the automation's
 * request tags, tags only at creation (a Deny keeps AddTagsToResource off any snapshot already
 * carrying them, as the snapshot workflows do), and the KMS grants RDS makes for the copy.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';
import type { FailurePath } from '../common/failure-path.js';
import { GUARD_PATH, GuardedDeletion } from '../common/guarded-deletion.js';
import { lambdaTask } from '../common/lambda-task.js';
import { alreadyManagedConditions, tagOnCreateConditions } from '../common/tag-conditions.js';
import { SOURCE_SNAPSHOT_TAG } from './contract.js';
import type { HousekeepingResources } from './resources.js';
import { WORKFLOW } from './workflow.js';

/** What the DR copy and the DR pruning need. */
export interface DrCopyProps {
  readonly envName: Environment;
  /** The DR region (not empty). */
  readonly drRegion: string;
  /** The DB instance whose snapshots are copied. */
  readonly instanceId: string;
  /** `automation.manualSnapshotRetentionDays`. */
  readonly retentionDays: number;
  /** select-expired-snapshots: selects the expired DR copies. */
  readonly selectFunction: lambda.IFunction;
  /** operate-regional-snapshots: copies, describes and deletes in the DR region. */
  readonly operateFunction: lambda.IFunction;
  /** The role operate-regional-snapshots runs as. */
  readonly operateRole: iam.IGrantable;
  readonly resources: HousekeepingResources;
  /** Deletions running at once. */
  readonly concurrency: number;
  readonly failure: FailurePath;
  /** KMS key (or alias) ARN in the DR region. @default the alias `alias/interactions-<env>-dr` there */
  readonly drKmsKeyArn?: string;
  /** KMS key of the source snapshots. @default no grant */
  readonly sourceKmsKey?: kms.IKey;
}

/** The DR states: "Copy source found?" first, "Delete expired DR copies" last. */
export interface DrCopyStates {
  readonly start: sfn.Choice;
  readonly end: sfn.INextable;
  /** Report fields the DR states fill. */
  readonly reportDetails: Record<string, unknown>;
}

/** Builds the DR states and grants what they need (see the module comment). */
export function drCopy(scope: Construct, props: DrCopyProps): DrCopyStates {
  const { drRegion, envName, failure, resources } = props;
  const stack = Stack.of(scope);
  const kmsKeyArn =
    props.drKmsKeyArn ??
    stack.formatArn({
      service: 'kms',
      region: drRegion,
      resource: 'alias',
      resourceName: names.drKeyAlias(envName),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const role = props.operateRole.grantPrincipal;
  // The copy's tags (automationTags plus the source it came from): managed-by, environment, an
  // execution and an expiry, and no other key.
  const tagOnCreate = tagOnCreateConditions(envName, [SOURCE_SNAPSHOT_TAG]);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      // CopyDBSnapshot is authorized on the source snapshot (automated ones are `snapshot:rds:...`,
      // in the source region) and on the target, which must be one of this environment's DR copies.
      actions: ['rds:CopyDBSnapshot'],
      resources: [resources.allSnapshots, resources.drCopies],
      conditions: tagOnCreate,
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      // RDS authorizes the copy's tags as AddTagsToResource on the new copy: never another snapshot
      // (tags are what the delete guards read).
      actions: ['rds:AddTagsToResource'],
      resources: [resources.drCopies],
      conditions: tagOnCreate,
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      // Tags only at creation: a copy already carrying the automation's tags is never retagged to
      // another execution, environment or expiry.
      effect: iam.Effect.DENY,
      actions: ['rds:AddTagsToResource'],
      resources: [resources.drCopies],
      conditions: alreadyManagedConditions('rds:snapshot-tag'),
    }),
  );
  const drPruning = drCopyPruning(scope, props);
  grantKms(props, stack);

  const copy = failure.catch(
    lambdaTask(scope, 'Copy snapshot to DR region', {
      workflow: WORKFLOW,
      lambdaFunction: props.operateFunction,
      payload: {
        action: 'copy',
        region: drRegion,
        sourceArn: sfn.JsonPath.stringAt('$.source.copy.sourceArn'),
        targetName: sfn.JsonPath.stringAt('$.source.copy.targetName'),
        kmsKeyId: kmsKeyArn,
        tags: sfn.JsonPath.listAt('$.source.copy.tags'),
      },
      resultPath: '$.drCopy',
    }),
  );
  const noSource = new sfn.Pass(scope, 'Record no copy source', {
    result: sfn.Result.fromObject({ outcome: 'no-source' }),
    resultPath: '$.drCopy',
  });
  const selectDr = failure.catch(
    lambdaTask(scope, 'Select expired DR copies', {
      workflow: WORKFLOW,
      lambdaFunction: props.selectFunction,
      payload: {
        environment: envName,
        trigger: sfn.JsonPath.objectAt('$$.Execution.Input'),
        region: drRegion,
        regionRole: 'dr',
        instanceIdentifier: props.instanceId,
        retentionDays: props.retentionDays,
        planCopy: false,
      },
      resultPath: '$.dr',
      timeout: Duration.seconds(90),
    }),
  );
  const deleteDrExpired = failure.catch(drPruning.map);
  const start = new sfn.Choice(scope, 'Copy source found?')
    .when(sfn.Condition.isNull('$.source.copy'), noSource)
    .otherwise(copy);
  copy.next(selectDr);
  noSource.next(selectDr);
  selectDr.next(deleteDrExpired);
  return {
    start,
    end: deleteDrExpired,
    reportDetails: {
      drRegion,
      'drCopy.$': '$.drCopy',
      'drSelected.$': '$.dr.selected',
      'drDeletions.$': '$.drDeletions',
    },
  };
}

/** The Map "Delete expired DR copies": the Lambda describes and deletes in the DR region. */
function drCopyPruning(scope: Construct, props: DrCopyProps): GuardedDeletion {
  const drPayload = (action: string) => ({
    action,
    region: props.drRegion,
    identifier: sfn.JsonPath.stringAt('$.snapshot.identifier'),
  });
  return new GuardedDeletion(scope, 'DrPruning', {
    envName: props.envName,
    mapName: 'Delete expired DR copies',
    choiceName: 'DR copy still ours and expired?',
    recordPrefix: 'DR copy ',
    itemsPath: '$.dr.selected',
    resultPath: '$.drDeletions',
    concurrency: props.concurrency,
    describe: lambdaTask(scope, 'Describe DR copy before delete', {
      workflow: WORKFLOW,
      lambdaFunction: props.operateFunction,
      payload: drPayload('describe'),
      resultPath: GUARD_PATH,
    }),
    deleteStep: {
      kind: 'lambda',
      state: lambdaTask(scope, 'Delete DR copy', {
        workflow: WORKFLOW,
        lambdaFunction: props.operateFunction,
        payload: drPayload('delete'),
        resultPath: '$.deleted',
      }),
      runsAs: props.operateRole,
    },
    permission: {
      actions: ['rds:DeleteDBSnapshot'],
      resources: [props.resources.drCopies],
      tagConditionPrefix: 'rds:snapshot-tag',
    },
    // The Lambda re-checks and returns refused/busy/absent: one drifted copy must not fail the run.
    outcomeFromResult: true,
  });
}

/**
 * The copy makes RDS create grants on the source and the DR key: CreateGrant only for an AWS
 * resource (RDS), never a grant the function could use itself or hand to anyone.
 */
function grantKms(props: DrCopyProps, stack: Stack): void {
  const role = props.operateRole.grantPrincipal;
  const grantForAwsResource = { Bool: { 'kms:GrantIsForAWSResource': 'true' } };
  const drKeys =
    props.drKmsKeyArn === undefined
      ? {
          resources: [drKeysByAlias(stack, props.drRegion)],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${names.drKeyAlias(props.envName)}` },
          },
        }
      : { resources: [props.drKmsKeyArn], conditions: {} };
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:DescribeKey'],
      resources: drKeys.resources,
      conditions: drKeys.conditions,
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:CreateGrant'],
      resources: drKeys.resources,
      conditions: { ...drKeys.conditions, ...grantForAwsResource },
    }),
  );
  if (props.sourceKmsKey !== undefined) {
    // Written out instead of key.grant(): the CreateGrant needs the GrantIsForAWSResource condition.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [props.sourceKmsKey.keyArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [props.sourceKmsKey.keyArn],
        conditions: grantForAwsResource,
      }),
    );
  }
}

/** Every key of the DR region: the statements narrow it to the alias with `kms:ResourceAliases`. */
export function drKeysByAlias(stack: Stack, drRegion: string): string {
  return stack.formatArn({
    service: 'kms',
    region: drRegion,
    resource: 'key',
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

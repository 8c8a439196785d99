/**
 * AlarmRemediationWorkflow: from a CloudWatch alarm state change to a safe, audited action.
 * An EventBridge rule on "CloudWatch Alarm State Change" for the environment's alarms starts the
 * state machine with the event. "Decide remediation" (intake: parse, dedupe, guardrails, audit)
 * returns one decision per state change; a Map handles each in turn: re-read the alarm's live
 * state, then plan (dry run), ask for approval (task token, no answer = deny) or act, verify
 * recovery (Wait -> playbook verify -> Choice), notify by the alarm's severity with what was seen,
 * decided and done, and write the outcome to the audit trail. Suppressed and ignored decisions end
 * quietly (intake audited them); a rejected payload is notified at low severity. Any failure goes
 * to the catch-all path: the audit trail records it, the failure is notified with the state
 * (what was already done), and the execution fails. See README.md.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { APPROVAL_DENIED } from '../../functions/remediation-request-approval/message.js';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { RETRYABLE_ERROR_NAMES } from '../../shared/errors.js';
import { names } from '../../shared/naming.js';
import { REMEDIATION_TABLE_SCHEMA } from '../../shared/remediation/dynamodb-state-store.js';
import { PLAYBOOK_IDS, type PlaybookId } from '../../shared/remediation/playbooks.js';
import type { GuardrailPolicy } from '../../shared/remediation/policy.js';
import type { Severity } from '../../shared/schemas.js';
import { catchCleanup, ERROR_PATH, FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { PollLoop } from '../common/poll-loop.js';
import {
  LAMBDA_TASK_TRANSIENT_ERRORS,
  retryLambdaTransient,
  retrySdkTransient,
  TRANSIENT_BACKOFF,
} from '../common/retry.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import {
  type AutomationWorkflow,
  type AutomationWorkflowProps,
  requirePositiveInteger,
  workflowSettings,
} from '../common/workflow-props.js';
import type { RemediationOutcome } from './contract.js';
import { PlaybookInvoke } from './playbook-invoke.js';
import { grantPlaybook } from './playbook-roles.js';
import { StateChangeFailure } from './state-change-failure.js';

const WORKFLOW = 'alarm-remediation';
const CONSTRUCT = 'AlarmRemediationWorkflow';

/** The limits each playbook runs under (sent as its `policy`). */
export interface PlaybookLimits {
  /** A deployment younger than this is blamed for ECS health and API errors. @default 60 */
  readonly recentDeploymentMinutes?: number;
  /** Most backend tasks a scale-out may reach (config `compute.maxCapacity`). */
  readonly maxTasks: number;
  /** Storage growth step in percent, at least 10 (RDS's minimum). @default 10 */
  readonly storageGrowthPercent?: number;
  /** Allocated storage no growth may pass, in GiB. */
  readonly maxAllocatedStorageGiB: number;
  /** The node type cache-memory may scale to. @default undefined: no cache scaling, and no grant for it */
  readonly cacheScaleToNodeType?: string;
  /** Statements listed by database-cpu. @default 5 */
  readonly topStatements?: number;
}

/** Props of AlarmRemediationWorkflow (the automation stack maps config onto them). */
export interface AlarmRemediationWorkflowProps extends AutomationWorkflowProps {
  /** The guardrails (`policyFromConfig`), given to intake as is. */
  readonly policy: GuardrailPolicy;
  /** The state table's name (config `remediation.tableName`). */
  readonly tableName: string;
  /** Alarm name -> severity of every alarm with a playbook (from the config that creates them). */
  readonly alarmSeverities: Readonly<Record<string, Severity>>;
  /** Where approval requests go: the high-severity topic. */
  readonly approvalTopic: sns.ITopic;
  /** Playbook limits. */
  readonly limits: PlaybookLimits;
  /** Time between two recovery checks after acting. @default 1 minute */
  readonly verifyInterval?: Duration;
  /** How long acting may take to show recovery. @default 20 minutes */
  readonly verifyBudget?: Duration;
  /** Overall execution timeout. @default the approval timeout plus the verify budget plus 30 minutes */
  readonly timeout?: Duration;
  /** Whether the EventBridge rule is enabled. @default true */
  readonly ruleEnabled?: boolean;
}

/** The alarm remediation workflow (see the module comment). */
export class AlarmRemediationWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-alarm-remediation`. */
  readonly stateMachine: sfn.StateMachine;
  /** Intake, the approval request and one function per playbook. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The rule on CloudWatch Alarm State Change for `interactions-<env>-*` alarms. */
  readonly rule: events.Rule;
  /** Dedupe keys, latest states, cooldowns, rate windows, kill switch and the audit trail. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AlarmRemediationWorkflowProps) {
    super(scope, id);
    const { envName } = props;
    const approvalTimeout = Duration.seconds(
      requirePositiveInteger(CONSTRUCT, 'policy.approvalTimeoutSeconds', props.policy.approvalTimeoutSeconds),
    );
    const verifyInterval = props.verifyInterval ?? Duration.minutes(1);
    const verifyBudget = props.verifyBudget ?? Duration.minutes(20);
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, {
      timeout: approvalTimeout.plus(verifyBudget).plus(Duration.minutes(30)),
    });
    if (props.policy.env !== envName) {
      throw new Error(`${CONSTRUCT}: policy.env (${props.policy.env}) must be envName (${envName})`);
    }
    if (timeout.toSeconds() <= approvalTimeout.plus(verifyBudget).toSeconds()) {
      throw new Error(`${CONSTRUCT}: timeout must exceed the approval timeout plus the verify budget`);
    }
    const limits = {
      recentDeploymentMinutes: props.limits.recentDeploymentMinutes ?? 60,
      maxTasks: requirePositiveInteger(CONSTRUCT, 'limits.maxTasks', props.limits.maxTasks),
      growthPercent: props.limits.storageGrowthPercent ?? 10,
      maxAllocatedStorageGiB: requirePositiveInteger(
        CONSTRUCT,
        'limits.maxAllocatedStorageGiB',
        props.limits.maxAllocatedStorageGiB,
      ),
      topStatements: props.limits.topStatements ?? 5,
    };
    if (limits.growthPercent < 10)
      throw new Error(`${CONSTRUCT}: limits.storageGrowthPercent must be at least 10 (got ${limits.growthPercent})`);

    this.table = new dynamodb.Table(this, 'StateTable', {
      tableName: props.tableName,
      partitionKey: { name: REMEDIATION_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REMEDIATION_TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: REMEDIATION_TABLE_SCHEMA.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The audit trail outlives a prod stack; dev and staging tables go with theirs.
      removalPolicy: envName === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtection: envName === 'prod',
    });

    const intake = workflowFunction(this, 'IntakeFunction', {
      envName,
      name: 'remediation-intake',
      description:
        'Parses an alarm payload, deduplicates it and applies the remediation guardrails; audits every decision',
      environment: {
        WORKFLOW,
        REMEDIATION_TABLE: props.tableName,
        REMEDIATION_POLICY: JSON.stringify(props.policy),
        ALARM_SEVERITIES: JSON.stringify(props.alarmSeverities),
      },
      logGroup: props.functionLogGroup,
    });
    // Exactly the item operations the state store uses (no Scan, no batch, no table management).
    intake.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [this.table.tableArn],
      }),
    );

    const approval = workflowFunction(this, 'ApprovalFunction', {
      envName,
      name: 'remediation-request-approval',
      description:
        'Publishes a remediation approval request (what would be done, how to approve or deny) to the high topic',
      environment: { WORKFLOW, TOPIC_ARN_HIGH: props.approvalTopic.topicArn },
      logGroup: props.functionLogGroup,
    });
    // grantPublish also grants the topic's KMS key (GenerateDataKey*, Decrypt) when it is encrypted.
    props.approvalTopic.grantPublish(approval.function);
    Validations.of(approval.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "Publishing to a KMS-encrypted topic needs GenerateDataKey on the topic's key (CDK's grantPublish), scoped to that key",
    });

    const playbooks = {} as Record<PlaybookId, lambda.Function>;
    for (const playbook of PLAYBOOK_IDS) {
      const created = workflowFunction(this, `Playbook-${playbook}`, {
        envName,
        name: `remediation-playbook-${playbook}`,
        description: `Remediation playbook ${playbook}: plan, act, verify`,
        environment: { WORKFLOW },
        logGroup: props.functionLogGroup,
      });
      grantPlaybook(created.role, playbook, { envName, cacheScaling: props.limits.cacheScaleToNodeType !== undefined });
      playbooks[playbook] = created.function;
    }
    this.functions = {
      intake: intake.function,
      requestApproval: approval.function,
      ...Object.fromEntries(PLAYBOOK_IDS.map((p) => [`playbook-${p}`, playbooks[p]])),
    };

    // --- the states -------------------------------------------------------------------------
    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: 'Alarm remediation failed: the details say what was already done',
      // Audited when intake got far enough to give the records their retention.
      cleanup: (next) =>
        new sfn.Choice(this, 'Decisions to audit?')
          .when(sfn.Condition.isPresent('$.intake.decisions[0].auditExpiresAt'), this.recordFailure(next))
          .otherwise(next),
    });
    const inMap = new StateChangeFailure(this, 'StateChangeFailure');

    const decide = failure.catch(
      lambdaTask(this, 'Decide remediation', {
        workflow: WORKFLOW,
        lambdaFunction: intake.function,
        payload: { event: sfn.JsonPath.objectAt('$') },
        resultPath: '$.intake',
      }),
    );

    const playbookPolicy = {
      recentDeploymentMinutes: limits.recentDeploymentMinutes,
      maxTasks: limits.maxTasks,
      growthPercent: limits.growthPercent,
      maxAllocatedStorageGiB: limits.maxAllocatedStorageGiB,
      topStatements: limits.topStatements,
      // Absent (dropped from the payload) where config allows no cache scaling.
      scaleToNodeType: props.limits.cacheScaleToNodeType,
    };
    // `approved`: an act after the approval step, which gives the playbook the actions the approver
    // saw (the plan in $.playbookRun): it makes no change unless its fresh plan is the same.
    const invokePlaybook = (stateName: string, mode: 'plan' | 'act' | 'verify', resultPath: string, approved = false) =>
      new PlaybookInvoke(this, stateName, {
        functions: Object.values(playbooks),
        functionNamePath: '$.playbookFunction',
        payload: {
          workflow: WORKFLOW,
          execution: sfn.JsonPath.executionName,
          startedAt: sfn.JsonPath.executionStartTime,
          mode,
          alarm: sfn.JsonPath.objectAt('$.decision.alarm'),
          // Each playbook's schema takes the fields it needs and drops the rest.
          policy: playbookPolicy,
          ...(mode === 'verify' ? { expectation: sfn.JsonPath.objectAt('$.playbook.expectation') } : {}),
          ...(approved ? { approvedActions: sfn.JsonPath.listAt('$.playbookRun.result.actions') } : {}),
        },
        resultPath,
        timeout: sfn.Timeout.duration(PLAYBOOK_TASK_TIMEOUT),
      });

    // Every outcome is notified, then recorded, the same way; `$.outcome` = { outcome, summary, ... }.
    const notify = inMap.catch(
      lambdaTask(this, 'Notify outcome', {
        workflow: WORKFLOW,
        lambdaFunction: props.notifyFunction,
        payload: {
          environment: envName,
          status: 'SUCCEEDED',
          severity: sfn.JsonPath.stringAt('$.decision.severity'),
          summary: sfn.JsonPath.stringAt('$.outcome.summary'),
          details: {
            'alarm.$': '$.decision.alarmName',
            'alarmUrl.$': '$.decision.alarmUrl',
            'decision.$': '$.decision.decision',
            'reason.$': '$.decision.reason',
            'decisionDetail.$': '$.decision.detail',
            // What was seen, decided and done: the outcome with the playbook's result, verification, approval.
            'result.$': '$.outcome',
          },
        },
        resultPath: '$.notification',
      }),
    );
    const record = inMap.catch(
      retryDynamoTransient(
        new tasks.DynamoPutItem(this, 'Record outcome', {
          table: this.table,
          item: auditItem(
            sfn.JsonPath.format(
              '{}#{}#{}',
              sfn.JsonPath.stringAt('$.decision.decidedAt'),
              sfn.JsonPath.executionName,
              sfn.JsonPath.stringAt('$.outcome.outcome'),
            ),
            '$.outcome',
            '$.decision.auditExpiresAt',
          ),
          resultPath: sfn.JsonPath.DISCARD,
        }),
      ),
    );
    const result = new sfn.Pass(this, 'Build state change result', {
      parameters: {
        'decision.$': '$.decision.decision',
        'reason.$': '$.decision.reason',
        'outcome.$': '$.outcome.outcome',
        'alarm.$': '$.decision.alarmName',
        'playbook.$': '$.decision.playbook',
      },
    });
    notify.next(record).next(result);

    /** A Pass that sets `$.outcome` and continues to the notification (or, `quiet`, straight to the result). */
    const outcome = (
      stateName: string,
      name: RemediationOutcome,
      summary: string,
      paths: OutcomePaths = {},
      quiet = false,
    ) => {
      const pass = new sfn.Pass(this, stateName, {
        parameters: {
          outcome: name,
          'summary.$': summary,
          ...Object.fromEntries(Object.entries(paths).map(([key, path]) => [`${key}.$`, path])),
        },
        resultPath: '$.outcome',
      });
      pass.next(quiet ? result : notify);
      return pass;
    };
    const aboutAlarm = (text: string, ...paths: string[]) =>
      `States.Format('${text}', ${['$.decision.alarmName', ...paths].join(', ')})`;

    // Nothing acts on a state the alarm has already left: its live state is read before acting.
    const alarmsOfEnvironment = Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${names.prefix(envName)}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const reread = (stateName: string) =>
      inMap.catch(
        retrySdkTransient(
          new tasks.CallAwsService(this, stateName, {
            service: 'cloudwatch',
            action: 'describeAlarms',
            parameters: {
              'AlarmNames.$': 'States.Array($.decision.alarmName)',
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            },
            iamResources: [alarmsOfEnvironment],
            iamAction: 'cloudwatch:DescribeAlarms',
            resultSelector: { 'metric.$': '$.MetricAlarms', 'composite.$': '$.CompositeAlarms' },
            resultPath: '$.live',
          }),
          'CloudWatch',
        ),
      );
    const stillInAlarm = sfn.Condition.or(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.live.metric[0]'),
        sfn.Condition.stringEquals('$.live.metric[0].StateValue', 'ALARM'),
      ),
      sfn.Condition.and(
        sfn.Condition.isPresent('$.live.composite[0]'),
        sfn.Condition.stringEquals('$.live.composite[0].StateValue', 'ALARM'),
        sfn.Condition.or(
          sfn.Condition.isNotPresent('$.live.composite[0].ActionsSuppressedBy'),
          sfn.Condition.stringEquals('$.live.composite[0].ActionsSuppressedBy', 'None'),
        ),
      ),
    );
    const cleared = outcome(
      'Alarm already cleared',
      'alarm-cleared',
      aboutAlarm('{} is no longer in ALARM (or its actions are suppressed): nothing was done'),
    );

    // Act (never retried: a second attempt after a half-done first one could act twice), then verify.
    const act = inMap.catch(invokePlaybook('Run playbook', 'act', '$.playbookRun'));
    const actApproved = inMap.catch(invokePlaybook('Run approved playbook', 'act', '$.playbookRun', true));
    const keepAct = new sfn.Pass(this, 'Keep playbook result', {
      inputPath: '$.playbookRun.result',
      resultPath: '$.playbook',
    });
    const acted = outcome('Acted', 'acted', aboutAlarm('{}: {}', '$.playbook.decided'), { playbook: '$.playbook' });
    const recovered = outcome(
      'Recovered',
      'recovered',
      aboutAlarm('{} remediated and recovered: {}', '$.playbook.decided'),
      {
        playbook: '$.playbook',
        verification: '$.verification.result',
      },
    );
    const notRecovered = outcome(
      'Not recovered',
      'not-recovered',
      aboutAlarm('{}: acted but NOT recovered, a person must look: {}', '$.playbook.decided'),
      { playbook: '$.playbook', verification: '$.verification' },
    );
    const verifyLoop = new PollLoop(this, 'VerifyRecovery', {
      names: {
        start: 'Start recovery checks',
        wait: 'Wait before checking recovery',
        count: 'Count recovery check',
        choice: 'Recovered?',
      },
      interval: verifyInterval,
      budget: verifyBudget,
      describe: invokePlaybook('Check recovery', 'verify', '$.verification'),
      transientErrors: [...LAMBDA_TASK_TRANSIENT_ERRORS, ...RETRYABLE_ERROR_NAMES],
      failure: inMap,
      // Guarded: a first check that failed transiently has written no verification yet.
      ready: verificationIs('recovered'),
      failed: verificationIs('failed'),
      onReady: recovered,
      onFailed: notRecovered,
      onTimeout: notRecovered,
    });
    actApproved.next(keepAct);
    act
      .next(keepAct)
      .next(
        new sfn.Choice(this, 'Verify recovery?')
          .when(sfn.Condition.booleanEquals('$.playbook.verify', true), verifyLoop)
          .otherwise(acted),
      );

    // Dry run: plan only.
    const planDryRun = inMap.catch(
      retryLambdaTransient(invokePlaybook('Plan playbook (dry run)', 'plan', '$.playbookRun')),
    );
    planDryRun.next(
      outcome(
        'Planned only',
        'planned',
        aboutAlarm('{} (dry run, nothing changed): {}', '$.playbookRun.result.decided'),
        {
          playbook: '$.playbookRun.result',
        },
      ),
    );

    // Approval: plan, ask, re-read, act. A plan that changes nothing needs no approval.
    const planForApproval = inMap.catch(
      retryLambdaTransient(invokePlaybook('Plan playbook for approval', 'plan', '$.playbookRun')),
    );
    const denied = outcome(
      'Approval denied',
      'approval-denied',
      aboutAlarm('{}: the approver denied the remediation, nothing was done'),
      {
        playbook: '$.playbookRun.result',
        approval: '$.approval',
      },
    );
    const timedOut = outcome(
      'Approval timed out',
      'approval-timed-out',
      aboutAlarm(`{}: no approval within ${approvalTimeout.toMinutes()} minutes means deny, nothing was done`),
      { playbook: '$.playbookRun.result' },
    );
    const requestApproval = new tasks.LambdaInvoke(this, 'Request approval', {
      lambdaFunction: approval.function,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        workflow: WORKFLOW,
        execution: sfn.JsonPath.executionName,
        startedAt: sfn.JsonPath.executionStartTime,
        taskToken: sfn.JsonPath.taskToken,
        alarmName: sfn.JsonPath.stringAt('$.decision.alarmName'),
        alarmUrl: sfn.JsonPath.stringAt('$.decision.alarmUrl'),
        playbook: sfn.JsonPath.stringAt('$.decision.playbook'),
        decided: sfn.JsonPath.stringAt('$.playbookRun.result.decided'),
        actions: sfn.JsonPath.listAt('$.playbookRun.result.actions'),
        timeoutMinutes: approvalTimeout.toMinutes(),
      }),
      // No answer in time means deny. Nobody sends heartbeats: the approver answers once, so only
      // the task's timeout (TimeoutSeconds) applies.
      taskTimeout: sfn.Timeout.duration(approvalTimeout),
      resultPath: '$.approval',
      retryOnServiceExceptions: false,
    });
    retryLambdaTransient(requestApproval);
    requestApproval.addCatch(denied, { errors: [APPROVAL_DENIED], resultPath: '$.approval' });
    requestApproval.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.approval' });
    inMap.catch(requestApproval);
    const rereadAfterApproval = reread('Re-read alarm state after approval');
    planForApproval.next(
      new sfn.Choice(this, 'Any change to approve?')
        .when(sfn.Condition.isPresent('$.playbookRun.result.actions[0]'), requestApproval)
        .otherwise(actApproved),
    );
    requestApproval.next(
      new sfn.Choice(this, 'Approved?')
        .when(sfn.Condition.booleanEquals('$.approval.approved', true), rereadAfterApproval)
        .otherwise(denied),
    );
    // The kill switch an operator engages in a storm must stop what is waiting for approval too:
    // intake checked it before asking, and an approval may take `approvalTimeout`. Read consistently,
    // as intake does; a missing item is a switch never engaged.
    const readKillSwitch = inMap.catch(
      new tasks.DynamoGetItem(this, 'Read kill switch after approval', {
        table: this.table,
        key: {
          pk: tasks.DynamoAttributeValue.fromString('control'),
          sk: tasks.DynamoAttributeValue.fromString('kill-switch'),
        },
        consistentRead: true,
        resultPath: '$.killSwitch',
      }),
    );
    readKillSwitch.addRetry({
      ...TRANSIENT_BACKOFF,
      errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.AmazonDynamoDBException'],
    });
    const stoppedByKillSwitch = outcome(
      'Stopped by kill switch',
      'suppressed',
      aboutAlarm('{}: the kill switch was engaged while the approval waited, nothing was done'),
      { playbook: '$.playbookRun.result', approval: '$.approval' },
    );
    rereadAfterApproval.next(
      new sfn.Choice(this, 'Still in alarm after approval?').when(stillInAlarm, readKillSwitch).otherwise(cleared),
    );
    readKillSwitch.next(
      new sfn.Choice(this, 'Kill switch set?')
        .when(
          sfn.Condition.isPresent('$.killSwitch.Item.engaged.BOOL'),
          new sfn.Choice(this, 'Kill switch engaged?')
            .when(sfn.Condition.booleanEquals('$.killSwitch.Item.engaged.BOOL', true), stoppedByKillSwitch)
            .otherwise(actApproved),
        )
        .otherwise(actApproved),
    );

    const howToAct = new sfn.Choice(this, 'How to act?')
      .when(sfn.Condition.stringEquals('$.decision.reason', 'dry-run'), planDryRun)
      .when(sfn.Condition.stringEquals('$.decision.reason', 'needs-approval'), planForApproval)
      .when(sfn.Condition.stringEquals('$.decision.reason', 'execute'), act)
      // Only `execute` acts without a plan step: a reason this definition does not know acts on nothing.
      .otherwise(
        new sfn.Fail(this, 'Unknown way to act', {
          error: 'ValidationError',
          cause: 'intake decided act with a reason this workflow does not know: nothing was done',
        }),
      );
    const choosePlaybook = new sfn.Pass(this, 'Choose playbook function', {
      parameters: {
        'name.$': `States.Format('${names.lambdaFunction(envName, 'remediation-playbook-')}{}', $.decision.playbook)`,
      },
      resultPath: '$.chosen',
    });
    const keepFunction = new sfn.Pass(this, 'Keep playbook function', {
      inputPath: '$.chosen.name',
      resultPath: '$.playbookFunction',
    });
    const rereadFirst = reread('Re-read alarm state');
    choosePlaybook
      .next(keepFunction)
      .next(rereadFirst)
      .next(new sfn.Choice(this, 'Still in alarm?').when(stillInAlarm, howToAct).otherwise(cleared));

    const prepare = new sfn.Pass(this, 'Prepare state change', {
      parameters: { 'decision.$': '$.decision' },
    });
    const rejected = outcome(
      'Payload rejected',
      'rejected',
      "States.Format('Alarm remediation rejected a payload: {}', $.decision.detail)",
    );
    const suppressed = outcome(
      'Suppressed',
      'suppressed',
      aboutAlarm('{}: remediation suppressed: {}', '$.decision.detail'),
      {},
      true,
    );
    const ignored = outcome('Ignored', 'ignored', "States.Format('Nothing to do: {}', $.decision.detail)", {}, true);
    prepare.next(
      new sfn.Choice(this, 'Decision?')
        .when(sfn.Condition.stringEquals('$.decision.decision', 'act'), choosePlaybook)
        .when(sfn.Condition.stringEquals('$.decision.decision', 'reject'), rejected)
        .when(sfn.Condition.stringEquals('$.decision.decision', 'suppress'), suppressed)
        .otherwise(ignored),
    );

    const eachChange = failure.catch(
      new sfn.Map(this, 'Remediate each state change', {
        itemsPath: '$.intake.decisions',
        // One at a time: two records of one SNS message never act side by side.
        maxConcurrency: 1,
        itemSelector: { 'decision.$': '$$.Map.Item.Value' },
        resultPath: '$.results',
      }),
    );
    eachChange.itemProcessor(prepare);
    const output = new sfn.Pass(this, 'Build output', { parameters: { 'results.$': '$.results' } });
    decide.next(eachChange).next(output).next(new sfn.Succeed(this, 'Remediation done'));

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: decide,
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Alarm remediation of ${names.prefix(envName)}: intake, re-check, approval, playbook, verify, notify, audit`,
    });
    this.stateMachine = machine.stateMachine;
    acknowledgeWildcard(
      this.stateMachine,
      alarmsOfEnvironment,
      "Read-only: DescribeAlarms of the environment's own alarms (named interactions-<env>-...), which the rule starts the workflow for.",
    );

    this.rule = new events.Rule(this, 'AlarmStateChangeRule', {
      description: `Starts ${names.stateMachine(envName, WORKFLOW)} on every state change of the ${names.prefix(envName)}-* alarms`,
      enabled: props.ruleEnabled ?? true,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        // Every state, OK included: intake records the latest state per alarm, which makes a late ALARM stale.
        detail: { alarmName: [{ prefix: `${names.prefix(envName)}-` }] },
      },
      targets: [new targets.SfnStateMachine(this.stateMachine, { retryAttempts: 10, maxEventAge: Duration.hours(1) })],
    });
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        "A state change EventBridge could not deliver for an hour is stale by then; the alarm's own SNS action still notified its severity topic.",
    });
  }

  /** "Record failure": the failure in the audit trail, then `next` whatever happens (a failed record is still notified). */
  private recordFailure(next: sfn.IChainable): sfn.IChainable {
    const record = retryDynamoTransient(
      new tasks.DynamoPutItem(this, 'Record failure', {
        table: this.table,
        item: auditItem(
          sfn.JsonPath.format('{}#{}#failed', sfn.JsonPath.executionStartTime, sfn.JsonPath.executionName),
          ERROR_PATH,
          '$.intake.decisions[0].auditExpiresAt',
        ),
        resultPath: sfn.JsonPath.DISCARD,
      }),
    );
    return catchCleanup(record, next).next(next);
  }
}

/** Partition key of the audit trail in the state table (shared/remediation/dynamodb-state-store.ts writes decisions there). */
const AUDIT_PARTITION = 'audit';

/** Longest one playbook invocation may take (its function's 30 s timeout plus the invoke's overhead). */
const PLAYBOOK_TASK_TIMEOUT = Duration.seconds(60);

/** What an outcome Pass copies into `$.outcome` besides its name and summary (JSONPaths). */
interface OutcomePaths {
  readonly playbook?: string;
  readonly verification?: string;
  readonly approval?: string;
}

/** The last recovery check said `status`; false while no check has answered yet. */
function verificationIs(status: 'recovered' | 'failed'): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent('$.verification.result.status'),
    sfn.Condition.stringEquals('$.verification.result.status', status),
  );
}

/** Errors of the optimized DynamoDB integration a retry can fix (throttling, service and network errors). */
const DYNAMODB_TRANSIENT_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.InternalServerErrorException',
  'DynamoDB.AmazonDynamoDBException',
  'DynamoDB.SdkClientException',
];

function retryDynamoTransient<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({ ...TRANSIENT_BACKOFF, errors: DYNAMODB_TRANSIENT_ERRORS });
  return task;
}

/**
 * An audit-trail item beside intake's decisions (same partition, `pk` = `audit`; the sort key starts
 * with the decision's time, so the outcome lists next to its decision): the outcome as JSON text.
 */
function auditItem(
  sortKey: string,
  outcomePath: string,
  expiresAtPath: string,
): Record<string, tasks.DynamoAttributeValue> {
  return {
    pk: tasks.DynamoAttributeValue.fromString(AUDIT_PARTITION),
    sk: tasks.DynamoAttributeValue.fromString(sortKey),
    outcome: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(outcomePath))),
    expiresAt: tasks.DynamoAttributeValue.numberFromString(
      sfn.JsonPath.format('{}', sfn.JsonPath.stringAt(expiresAtPath)),
    ),
  };
}

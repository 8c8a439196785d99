/**
 * DrillLeftoverSweepWorkflow: the backstop behind every drill's own cleanup. On a schedule it
 * finds this environment's expired drill leftovers (restored DB instances, restored cache
 * replication groups, ECS tasks, security groups: tagged by the automation, `expires-at` past) and
 * deletes each through a GuardedDeletion (describe again, guard Choice, delete under IAM tag
 * conditions), security groups last (EC2 refuses while an instance or task still uses one). A sweep
 * that found anything alerts (medium) with what it found and did; a quiet sweep files its report
 * without notifying. See README.md.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../../infra/constructs/nag.js';
import { names } from '../../shared/naming.js';
import { elastiCacheArn, rdsArn } from '../common/arns.js';
import { FailurePath } from '../common/failure-path.js';
import { GUARD_PATH, GuardedDeletion, type GuardedItem } from '../common/guarded-deletion.js';
import { lambdaTask } from '../common/lambda-task.js';
import { ReportAndSucceed } from '../common/report-and-succeed.js';
import { isScheduleExpression, nightlySchedule, oncePerScheduledEvent } from '../common/schedule.js';
import { AutomationStateMachine } from '../common/state-machine.js';
import { workflowFunction } from '../common/workflow-function.js';
import { type AutomationWorkflow, type AutomationWorkflowProps, workflowSettings } from '../common/workflow-props.js';

const WORKFLOW = 'drill-leftover-sweep';
const CONSTRUCT = 'DrillLeftoverSweepWorkflow';

/** Props of DrillLeftoverSweepWorkflow. */
export interface DrillLeftoverSweepWorkflowProps extends AutomationWorkflowProps {
  /** EventBridge cron or rate expression of the sweep (config `drills.leftoverSweepSchedule`). */
  readonly scheduleExpression: string;
  /** Whether the schedule rule is enabled. @default true */
  readonly scheduleEnabled?: boolean;
  /** Deletions of one kind running at once. @default 4 */
  readonly concurrency?: number;
  /** Overall execution timeout. @default 15 minutes */
  readonly timeout?: Duration;
}

/** One kind's delete Map: names, where its items are, the SDK delete (or the Lambda's) and its errors. */
interface SweptKind {
  readonly id: string;
  readonly mapName: string;
  readonly choiceName: string;
  readonly describeName: string;
  readonly recordPrefix: string;
  readonly kind: 'db-instance' | 'cache-replication-group' | 'ecs-task' | 'security-group';
  readonly itemsKey: 'dbInstances' | 'replicationGroups' | 'tasks' | 'securityGroups';
  readonly resultKey: string;
}

const KINDS: readonly SweptKind[] = [
  {
    id: 'DbInstances',
    mapName: 'Delete expired DB instances',
    choiceName: 'DB instance still ours and expired?',
    describeName: 'Describe DB instance before delete',
    recordPrefix: 'DB instance ',
    kind: 'db-instance',
    itemsKey: 'dbInstances',
    resultKey: 'dbInstances',
  },
  {
    id: 'ReplicationGroups',
    mapName: 'Delete expired replication groups',
    choiceName: 'Replication group still ours and expired?',
    describeName: 'Describe replication group before delete',
    recordPrefix: 'replication group ',
    kind: 'cache-replication-group',
    itemsKey: 'replicationGroups',
    resultKey: 'replicationGroups',
  },
  {
    id: 'Tasks',
    mapName: 'Stop expired tasks',
    choiceName: 'Task still ours and expired?',
    describeName: 'Describe task before stop',
    recordPrefix: 'task ',
    kind: 'ecs-task',
    itemsKey: 'tasks',
    resultKey: 'tasks',
  },
  {
    id: 'SecurityGroups',
    mapName: 'Delete expired security groups',
    choiceName: 'Security group still ours and expired?',
    describeName: 'Describe security group before delete',
    recordPrefix: 'security group ',
    kind: 'security-group',
    itemsKey: 'securityGroups',
    resultKey: 'securityGroups',
  },
];

/** The scheduled sweep of expired drill leftovers (see the module comment). */
export class DrillLeftoverSweepWorkflow extends Construct implements AutomationWorkflow {
  /** The state machine `interactions-<env>-drill-leftover-sweep`. */
  readonly stateMachine: sfn.StateMachine;
  /** The drill-leftovers function (find, describe, delete security group). */
  readonly functions: { readonly leftovers: lambda.IFunction };
  /** The EventBridge rule that starts the sweep. */
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DrillLeftoverSweepWorkflowProps) {
    super(scope, id);
    const { timeout, failureSeverity } = workflowSettings(CONSTRUCT, props, { timeout: Duration.minutes(15) });
    if (!isScheduleExpression(props.scheduleExpression)) {
      throw new Error(
        `${CONSTRUCT}: scheduleExpression must be a cron(...) or rate(...) expression (got "${props.scheduleExpression}")`,
      );
    }
    const concurrency = props.concurrency ?? 4;
    const envName = props.envName;
    const stack = Stack.of(this);
    const cluster = names.cluster(envName);

    const leftovers = workflowFunction(this, 'LeftoversFunction', {
      envName,
      name: 'drill-leftovers',
      description: `Finds and guards expired drill leftovers of ${envName}; deletes their security groups`,
      environment: { WORKFLOW },
      logGroup: props.functionLogGroup,
      timeout: Duration.seconds(60),
    });
    this.functions = { leftovers: leftovers.function };
    const taskArns = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster}/*` });
    const clusterArn = stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: cluster });
    const everyDbInstance = rdsArn(this, 'db', '*');
    const everyReplicationGroup = elastiCacheArn(this, 'replicationgroup', '*');
    const securityGroups = stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' });
    leftovers.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDrillResources',
        actions: [
          'rds:DescribeDBInstances',
          'elasticache:DescribeReplicationGroups',
          'elasticache:ListTagsForResource',
        ],
        resources: [everyDbInstance, everyReplicationGroup],
      }),
    );
    leftovers.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadDrillTasks', actions: ['ecs:DescribeTasks'], resources: [taskArns] }),
    );
    leftovers.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListDrillTasks',
        actions: ['ecs:ListTasks'],
        // ListTasks is authorized on container instances, narrowed to the cluster by its condition key.
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
    );
    leftovers.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSecurityGroups',
        // EC2 Describe* actions support no resource-level permissions.
        actions: ['ec2:DescribeSecurityGroups'],
        resources: ['*'],
      }),
    );

    const failure = new FailurePath(this, 'Failure', {
      workflow: WORKFLOW,
      envName,
      notifyFunction: props.notifyFunction,
      severity: failureSeverity,
      summary: `The drill leftover sweep of ${envName} could not run: expired drill resources may still be running and costing`,
    });

    const find = failure.catch(
      lambdaTask(this, 'Find expired drill leftovers', {
        workflow: WORKFLOW,
        lambdaFunction: leftovers.function,
        payload: { action: 'find' },
        resultPath: '$.leftovers',
      }),
    );

    const maps = KINDS.map((kind) =>
      this.deletion(kind, {
        envName,
        concurrency,
        leftovers,
        taskArns,
        cluster,
        everyDbInstance,
        everyReplicationGroup,
        securityGroups,
      }),
    );
    for (const deletion of maps) failure.catch(deletion.map);

    const report = new ReportAndSucceed(this, 'Report', {
      workflow: WORKFLOW,
      notifyFunction: props.notifyFunction,
      failure,
      notifyName: 'Report sweep',
      payload: {
        environment: envName,
        status: 'SUCCEEDED',
        severity: sfn.JsonPath.stringAt('$.summary.severity'),
        summary: sfn.JsonPath.stringAt('$.summary.text'),
        'publish.$': '$.summary.publish',
        details: {
          'found.$': '$.leftovers.count',
          'dbInstances.$': '$.outcomes.dbInstances',
          'replicationGroups.$': '$.outcomes.replicationGroups',
          'tasks.$': '$.outcomes.tasks',
          'securityGroups.$': '$.outcomes.securityGroups',
        },
      },
      output: {
        'found.$': '$.leftovers.count',
        'outcomes.$': '$.outcomes',
      },
      succeedName: 'Leftovers swept',
    });

    const nothingFound = new sfn.Pass(this, 'Nothing to sweep', {
      parameters: { severity: 'low', publish: false, text: `No expired drill leftovers in ${envName}` },
      resultPath: '$.summary',
    });
    const noOutcomes = new sfn.Pass(this, 'No outcomes', {
      parameters: Object.fromEntries(KINDS.map((kind) => [kind.resultKey, []])),
      resultPath: '$.outcomes',
    });
    nothingFound.next(noOutcomes).next(report);
    const collect = new sfn.Pass(this, 'Collect outcomes', {
      parameters: Object.fromEntries(KINDS.map((kind) => [`${kind.resultKey}.$`, `$.swept.${kind.resultKey}`])),
      resultPath: '$.outcomes',
    });
    const summarize = new sfn.Pass(this, 'Summarize sweep', {
      parameters: {
        // Finding any leftover means a drill's own cleanup did not run to the end: someone should look.
        severity: 'medium',
        publish: true,
        'text.$': `States.Format('{} expired drill leftover(s) found in ${envName}: a drill did not clean up after itself. See the report for what was deleted.', $.leftovers.count)`,
      },
      resultPath: '$.summary',
    });
    // Security groups last: EC2 refuses to delete one an instance or task still uses.
    const [first, ...rest] = maps as [GuardedDeletion, ...GuardedDeletion[]];
    const sweep = rest.reduce((chain, deletion) => chain.next(deletion), sfn.Chain.start(first));
    sweep.next(collect).next(summarize).next(report);

    find.next(
      new sfn.Choice(this, 'Any leftover?')
        .when(sfn.Condition.numberGreaterThan('$.leftovers.count', 0), sweep)
        .otherwise(nothingFound),
    );

    const machine = new AutomationStateMachine(this, 'Workflow', {
      envName,
      workflow: WORKFLOW,
      definition: oncePerScheduledEvent(this, {
        stateMachineName: names.stateMachine(envName, WORKFLOW),
        run: find,
        failure,
      }),
      timeout,
      logGroup: props.logGroup,
      logRetention: props.logRetention,
      comment: `Deletes expired drill leftovers of ${envName} (DB instances, replication groups, tasks, security groups) and reports them`,
    });
    this.stateMachine = machine.stateMachine;

    this.schedule = nightlySchedule(this, 'Schedule', {
      schedule: props.scheduleExpression,
      stateMachine: this.stateMachine,
      description: `Starts ${names.stateMachine(envName, WORKFLOW)}`,
      enabled: props.scheduleEnabled,
      handOver: true,
    });

    acknowledgeWildcard(
      leftovers.role,
      everyDbInstance,
      'Read-only: drill instances are named per execution; the tags, not the name, say which are ours.',
    );
    acknowledgeWildcard(
      leftovers.role,
      everyReplicationGroup,
      'Read-only: drill replication groups are named per execution; the tags say which are ours.',
    );
    acknowledgeWildcard(
      leftovers.role,
      taskArns,
      "Read-only: the tasks of this environment's cluster, whose ids ECS assigns.",
    );
    acknowledgeWildcard(
      leftovers.role,
      '*',
      "Read-only actions without resource-level permissions: ec2:DescribeSecurityGroups, and ecs:ListTasks (limited to this environment's cluster by the ecs:cluster condition).",
    );
    const taggedOnly =
      'Deletes only what the automation tagged for this environment with an execution (IAM tag conditions); drill resources are named per execution, so no name pattern can scope them.';
    for (const arn of [everyDbInstance, everyReplicationGroup, taskArns]) {
      acknowledgeWildcard(this.stateMachine, arn, taggedOnly);
    }
    acknowledgeWildcard(leftovers.role, securityGroups, taggedOnly);
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'EventBridge retries the start for an hour; a sweep that never starts has no succeeded execution, which the dead-man alarm on this workflow reports.',
    });
  }

  /** One kind's GuardedDeletion: the Lambda describes, the guard Choice decides, the delete runs under tag conditions. */
  private deletion(
    kind: SweptKind,
    context: {
      readonly envName: DrillLeftoverSweepWorkflowProps['envName'];
      readonly concurrency: number;
      readonly leftovers: ReturnType<typeof workflowFunction>;
      readonly taskArns: string;
      readonly cluster: string;
      readonly everyDbInstance: string;
      readonly everyReplicationGroup: string;
      readonly securityGroups: string;
    },
  ): GuardedDeletion {
    const item: GuardedItem = { noun: 'leftover', type: kind.kind, status: 'deletable' };
    const stack = Stack.of(this);
    const common = {
      envName: context.envName,
      item,
      mapName: kind.mapName,
      choiceName: kind.choiceName,
      recordPrefix: kind.recordPrefix,
      itemsPath: `$.leftovers.${kind.itemsKey}`,
      resultPath: `$.swept.${kind.resultKey}`,
      concurrency: context.concurrency,
      describe: lambdaTask(this, kind.describeName, {
        workflow: WORKFLOW,
        lambdaFunction: context.leftovers.function,
        payload: { action: 'describe', kind: kind.kind, identifier: sfn.JsonPath.stringAt('$.leftover.identifier') },
        resultPath: GUARD_PATH,
      }),
    };
    const sdk = (service: string, action: string) => `arn:${stack.partition}:states:::aws-sdk:${service}:${action}`;
    switch (kind.kind) {
      case 'db-instance':
        return new GuardedDeletion(this, kind.id, {
          ...common,
          deleteStep: {
            kind: 'sdk',
            stateName: 'Delete DB instance',
            resource: sdk('rds', 'deleteDBInstance'),
            // A drill's instance is evidence of nothing once it is expired: no final snapshot, and
            // its automated backups go with it (they would otherwise be kept, and billed, for days).
            parameters: {
              'DbInstanceIdentifier.$': '$.leftover.identifier',
              SkipFinalSnapshot: true,
              DeleteAutomatedBackups: true,
            },
            statusPath: '$.DbInstance.DbInstanceStatus',
            service: 'Rds',
          },
          permission: {
            actions: ['rds:DeleteDBInstance'],
            resources: [context.everyDbInstance],
            tagConditionPrefix: 'rds:db-tag',
          },
          gone: ['Rds.DbInstanceNotFoundException'],
          busy: ['Rds.InvalidDbInstanceStateException'],
        });
      case 'cache-replication-group':
        return new GuardedDeletion(this, kind.id, {
          ...common,
          deleteStep: {
            kind: 'sdk',
            stateName: 'Delete replication group',
            resource: sdk('elasticache', 'deleteReplicationGroup'),
            parameters: { 'ReplicationGroupId.$': '$.leftover.identifier' },
            statusPath: '$.ReplicationGroup.Status',
            service: 'ElastiCache',
          },
          permission: {
            actions: ['elasticache:DeleteReplicationGroup'],
            resources: [context.everyReplicationGroup],
            tagConditionPrefix: 'aws:ResourceTag',
          },
          gone: ['ElastiCache.ReplicationGroupNotFoundException'],
          busy: ['ElastiCache.InvalidReplicationGroupStateException'],
        });
      case 'ecs-task':
        return new GuardedDeletion(this, kind.id, {
          ...common,
          deleteStep: {
            kind: 'sdk',
            stateName: 'Stop task',
            resource: sdk('ecs', 'stopTask'),
            parameters: {
              Cluster: context.cluster,
              'Task.$': '$.leftover.identifier',
              Reason: 'Expired drill leftover (interactions drill-leftover-sweep)',
            },
            statusPath: '$.Task.LastStatus',
            service: 'Ecs',
          },
          permission: {
            actions: ['ecs:StopTask'],
            resources: [context.taskArns],
            tagConditionPrefix: 'aws:ResourceTag',
          },
        });
      case 'security-group':
        return new GuardedDeletion(this, kind.id, {
          ...common,
          deleteStep: {
            kind: 'lambda',
            state: lambdaTask(this, 'Delete security group', {
              workflow: WORKFLOW,
              lambdaFunction: context.leftovers.function,
              payload: { action: 'delete-security-group', identifier: sfn.JsonPath.stringAt('$.leftover.identifier') },
              resultPath: '$.deleted',
            }),
            runsAs: context.leftovers.role,
          },
          permission: {
            actions: ['ec2:DeleteSecurityGroup'],
            resources: [context.securityGroups],
            tagConditionPrefix: 'aws:ResourceTag',
          },
          outcomeFromResult: true,
        });
    }
  }
}

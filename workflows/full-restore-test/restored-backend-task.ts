/**
 * RestoredBackendTask: the one-off Fargate task of the full restore test, as a state graph with its
 * IAM. The task definition the backend service runs now (read by the workflow), on Fargate in the
 * app subnets without a public IP, behind the drill's task security group, pointed at the restored
 * copies by container overrides of the variables the backend reads (DB_HOST, REDIS_HOST, REDIS_PORT:
 * infra/constructs/compute.ts), tagged at creation with this execution's tags.
 *
 *   runAndWait  "Run restored backend task" -> "Task started?" (ECS answers `Failures` instead of a
 *               task when it cannot place it) -> Wait -> Describe -> Choice until RUNNING, stopped
 *               (a container that exits: its StoppedReason is reported) or the budget.
 *   stop        "Restored backend task to stop?" -> "Stop restored backend task" -> next, whatever
 *               the stop answered (its error goes to `$.task.stopError`).
 *
 * IAM: RunTask only of the backend family, only in the cluster, only with the automation's request
 * tags; TagResource only as part of RunTask; StopTask only of tasks carrying the automation's tags;
 * iam:PassRole of exactly the task definition's two roles, only to ECS tasks.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';
import type { FailurePath } from '../common/failure-path.js';
import { PollLoop } from '../common/poll-loop.js';
import { retrySdkTransient, transientSdkErrors } from '../common/retry.js';
import { ownedResourceConditions, tagOnCreateConditions } from '../common/tag-conditions.js';

/** The state names of the task's graph. */
export const BACKEND_TASK_STATES = {
  runTask: 'Run restored backend task',
  taskStarted: 'Task started?',
  taskNotStarted: 'Task did not start',
  startWaitingTask: 'Start waiting for task',
  waitTask: 'Wait for task',
  describeTask: 'Describe restored backend task',
  countTask: 'Count task poll',
  taskRunning: 'Task running?',
  taskStopped: 'Task stopped',
  taskWaitTimedOut: 'Task wait timed out',
  noteRunning: 'Note task running',
  toStop: 'Restored backend task to stop?',
  stop: 'Stop restored backend task',
} as const;

/** The platform's backend service, as the task needs it. */
export interface FullRestoreBackendRefs {
  /** The cluster `interactions-<env>`. */
  readonly clusterName: string;
  /** The backend service (`interactions-<env>-backend`): its task definition is the one run. */
  readonly serviceName: string;
  /** The container of that task definition that the overrides address. */
  readonly containerName: string;
  /** The port it serves on (smoke checks go there). */
  readonly port: number;
  /** The task definition's execution role: passed to ECS (iam:PassRole of exactly this role). */
  readonly executionRole: iam.IRole;
  /** The task definition's task role: passed to ECS (iam:PassRole of exactly this role). */
  readonly taskRole: iam.IRole;
}

/** Props of RestoredBackendTask. */
export interface RestoredBackendTaskProps {
  readonly envName: Environment;
  readonly backend: FullRestoreBackendRefs;
  /** The app subnets (the task pulls its image through NAT). */
  readonly subnets: readonly string[];
  /** The drill's task security group. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** JSONPath of the task definition ARN to run. */
  readonly taskDefinitionPath: string;
  /** The overrides: JSONPaths of the restored database's and cache's addresses, and the cache's port. */
  readonly targets: { readonly databaseHostPath: string; readonly cacheHostPath: string; readonly cachePort: number };
  /** JSONPath of the `[{ Key, Value }]` tags of this execution. */
  readonly tagsPath: string;
  /** Pause between polls of the task. */
  readonly pollInterval: Duration;
  /** Longest wait for RUNNING. */
  readonly waitBudget: Duration;
}

/** The restored backend task (see the module comment). State under `$.task`: `run`, `described`, `stop`, `stopError`. */
export class RestoredBackendTask extends Construct {
  /** JSONPath of the running task's description (DescribeTasks' `Tasks[0]`). */
  readonly describedPath = '$.task.described.tasks[0]';
  /** ARN pattern of the cluster's tasks (ids assigned by ECS), for acknowledgements. */
  readonly tasksArnPattern: string;
  /** ARN pattern of the backend family's task definitions, for acknowledgements. */
  readonly taskDefinitionsArnPattern: string;

  private readonly props: RestoredBackendTaskProps;
  private readonly clusterArn: string;
  private readonly taskArnPath = '$.task.run.tasks[0].TaskArn';

  constructor(scope: Construct, id: string, props: RestoredBackendTaskProps) {
    super(scope, id);
    if (props.waitBudget.toSeconds() < props.pollInterval.toSeconds()) {
      throw new Error('RestoredBackendTask: waitBudget must be at least one pollInterval');
    }
    this.props = props;
    const stack = Stack.of(this);
    const { clusterName } = props.backend;
    this.clusterArn = stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: clusterName });
    this.tasksArnPattern = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${clusterName}/*` });
    this.taskDefinitionsArnPattern = stack.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${names.service(props.envName, 'backend')}:*`,
    });
  }

  /** Run -> started? -> wait until RUNNING -> "Note task running" -> `onRunning`; every failure to `failure`. */
  runAndWait(failure: FailurePath, onRunning: sfn.IChainable): sfn.IChainable {
    const states = BACKEND_TASK_STATES;
    const run = failure.catch(retrySdkTransient(this.runTask(), 'Ecs'));
    const started = new sfn.Choice(this, states.taskStarted)
      .when(sfn.Condition.isPresent(this.taskArnPath), this.waitLoop(failure, onRunning))
      .otherwise(
        failure.raise(states.taskNotStarted, 'ResourceFailedError', {
          format:
            "States.Format('ECS did not start the restored backend task: {}', States.JsonToString($.task.run.failures))",
        }),
      );
    run.next(started);
    return run;
  }

  /** "Restored backend task to stop?" -> "Stop restored backend task" -> `next` (see the module comment). */
  stop(next: sfn.IChainable): sfn.IChainable {
    const states = BACKEND_TASK_STATES;
    const { backend, envName } = this.props;
    const stop = new tasks.CallAwsService(this, states.stop, {
      service: 'ecs',
      action: 'stopTask',
      parameters: {
        Cluster: backend.clusterName,
        Task: sfn.JsonPath.stringAt(this.taskArnPath),
        Reason: sfn.JsonPath.format('full-restore-test {} teardown', sfn.JsonPath.stringAt('$$.Execution.Name')),
      },
      // The statement CallAwsService writes has no conditions: a read here, the stop below with them.
      iamResources: [this.tasksArnPattern],
      iamAction: 'ecs:DescribeTasks',
      additionalIamStatements: [
        new iam.PolicyStatement({
          actions: ['ecs:StopTask'],
          resources: [this.tasksArnPattern],
          conditions: { ...ownedResourceConditions(envName), ArnEquals: { 'ecs:cluster': this.clusterArn } },
        }),
      ],
      resultSelector: { 'status.$': '$.Task.LastStatus' },
      resultPath: '$.task.stop',
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    retrySdkTransient(stop, 'Ecs');
    stop.addCatch(next, { errors: ['States.ALL'], resultPath: '$.task.stopError' });
    stop.next(next);
    return new sfn.Choice(this, states.toStop)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent(this.taskArnPath),
          sfn.Condition.not(sfn.Condition.isPresent('$.task.stop')),
          sfn.Condition.not(sfn.Condition.isPresent('$.task.stopError')),
        ),
        stop,
      )
      .otherwise(next);
  }

  /** "Run restored backend task": the running task definition, the overrides, the isolated network, the tags. */
  private runTask(): tasks.CallAwsService {
    const { backend, envName, targets } = this.props;
    return new tasks.CallAwsService(this, BACKEND_TASK_STATES.runTask, {
      service: 'ecs',
      action: 'runTask',
      parameters: {
        Cluster: backend.clusterName,
        TaskDefinition: sfn.JsonPath.stringAt(this.props.taskDefinitionPath),
        LaunchType: 'FARGATE',
        Count: 1,
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: [...this.props.subnets],
            SecurityGroups: [this.props.securityGroup.securityGroupId],
            AssignPublicIp: 'DISABLED',
          },
        },
        // Credentials and the AUTH token are the platform's secrets, which the restored copies keep.
        Overrides: {
          ContainerOverrides: [
            {
              Name: backend.containerName,
              Environment: [
                { Name: 'DB_HOST', Value: sfn.JsonPath.stringAt(targets.databaseHostPath) },
                { Name: 'REDIS_HOST', Value: sfn.JsonPath.stringAt(targets.cacheHostPath) },
                { Name: 'REDIS_PORT', Value: String(targets.cachePort) },
              ],
            },
          ],
        },
        StartedBy: 'interactions-automation',
        Tags: sfn.JsonPath.listAt(this.props.tagsPath),
      },
      // The statement CallAwsService writes has no conditions: a read here, the run below with them.
      iamResources: [this.tasksArnPattern],
      iamAction: 'ecs:DescribeTasks',
      additionalIamStatements: [
        // Only the backend's task definitions, only in this cluster, only tagged as this drill's.
        new iam.PolicyStatement({
          actions: ['ecs:RunTask'],
          resources: [this.taskDefinitionsArnPattern],
          conditions: { ...tagOnCreateConditions(envName), ArnEquals: { 'ecs:cluster': this.clusterArn } },
        }),
        new iam.PolicyStatement({
          actions: ['ecs:TagResource'],
          resources: [this.tasksArnPattern],
          conditions: {
            ...tagOnCreateConditions(envName),
            StringEquals: { ...tagOnCreateConditions(envName).StringEquals, 'ecs:CreateAction': 'RunTask' },
          },
        }),
        // The task definition names these two roles; ECS needs them passed, and only to ECS tasks.
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [backend.executionRole.roleArn, backend.taskRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        }),
      ],
      resultSelector: { 'tasks.$': '$.Tasks', 'failures.$': '$.Failures' },
      resultPath: '$.task.run',
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
  }

  /** Wait -> "Describe restored backend task" -> "Task running?" until RUNNING, stopped, or the budget. */
  private waitLoop(failure: FailurePath, onRunning: sfn.IChainable): PollLoop {
    const states = BACKEND_TASK_STATES;
    const status = `${this.describedPath}.LastStatus`;
    const describe = new tasks.CallAwsService(this, states.describeTask, {
      service: 'ecs',
      action: 'describeTasks',
      parameters: {
        Cluster: this.props.backend.clusterName,
        Tasks: sfn.JsonPath.array(sfn.JsonPath.stringAt(this.taskArnPath)),
      },
      iamResources: [this.tasksArnPattern],
      iamAction: 'ecs:DescribeTasks',
      resultSelector: { 'tasks.$': '$.Tasks' },
      resultPath: '$.task.described',
      taskTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    });
    // How many polls the start took (`$.marks.taskRunning.polls`): the start-task phase is measured in them.
    const running = new sfn.Pass(this, states.noteRunning, {
      parameters: { 'polls.$': '$.poll.count' },
      resultPath: '$.marks.taskRunning',
    });
    running.next(onRunning);
    // A container that exits (bad configuration, cannot reach the restored database) stops the task.
    const stopped = ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'];
    return new PollLoop(this, 'Wait', {
      names: {
        start: states.startWaitingTask,
        wait: states.waitTask,
        count: states.countTask,
        choice: states.taskRunning,
      },
      interval: this.props.pollInterval,
      budget: this.props.waitBudget,
      describe,
      transientErrors: transientSdkErrors('Ecs'),
      failure,
      ready: sfn.Condition.and(sfn.Condition.isPresent(status), sfn.Condition.stringEquals(status, 'RUNNING')),
      failed: sfn.Condition.and(
        sfn.Condition.isPresent(status),
        sfn.Condition.or(...stopped.map((value) => sfn.Condition.stringEquals(status, value))),
      ),
      onReady: running,
      onFailed: failure.raise(states.taskStopped, 'ResourceFailedError', {
        format: `States.Format('The restored backend task stopped before it ran: {}', ${this.describedPath}.StoppedReason)`,
      }),
      onTimeout: failure.raise(states.taskWaitTimedOut, 'WaitTimedOutError', {
        format: "States.Format('The restored backend task was not running after {} polls', $.poll.count)",
      }),
    });
  }
}

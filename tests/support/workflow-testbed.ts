/**
 * The workflow testbed: one call sets up what every workflow test file needs, so the file holds only
 * its cases. It synthesizes the workflow as the automation stack does (props from the environment's
 * config), sets the functions' environment, starts a local S3 server for the reports, mocks SNS,
 * wires every Lambda task to its real handler by convention (`functions/<name>/handler.ts`), parses
 * a successful run's output with the workflow's contract (`workflows/<name>/contract.ts`) and
 * registers milestone matchers (testbed/matchers.ts). How-to: tests/support/README.md.
 */
import './lambda-env.js';
import './testbed/matchers.js';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../infra/config/index.js';
import { type Environment, names } from '../../shared/naming.js';
import { type ScheduledEvent, scheduledEventSchema } from '../../shared/schemas.js';
import { TAG_KEYS, type Tag, tagValue } from '../../shared/tags.js';
import { HAND_OVER_STATES } from '../../workflows/common/schedule.js';
import { readFixture } from './fixtures.js';
import { type LocalS3, startLocalS3, useLocalS3ForHandlers } from './s3-server.js';
import {
  type ExtractedStateMachine,
  extractStateMachine,
  type LambdaHandler,
  type RunOptions,
  type RunResult,
  runStateMachine,
} from './state-machine-harness.js';
import { loadHandlers } from './testbed/handlers.js';
import { notifications } from './testbed/matchers.js';
import { formatPath } from './testbed/path.js';
import {
  synthesizeWorkflow,
  type TestbedWorkflow,
  WORKFLOW_ENTRIES,
  type WorkflowConstruct,
  type WorkflowOutput,
  type WorkflowOverrides,
} from './testbed/workflows.js';

export type { NotificationExpectation } from './testbed/matchers.js';
export { ruleTargetInput, type ScheduledDeliveries, scheduledDeliveries } from './testbed/scheduled-delivery.js';
export type { TestbedWorkflow, WorkflowInput, WorkflowOutput } from './testbed/workflows.js';

type Severity = 'high' | 'medium' | 'low';

/** What a testbed is built for. */
export interface TestbedOptions<W extends TestbedWorkflow> {
  /** The workflow: its folder name under `workflows/`. */
  readonly workflow: W;
  /** Environment the workflow and its functions run for. @default 'dev' */
  readonly env?: Environment;
  /** Construct props replacing the automation stack's (e.g. a shorter timeout). @default the automation stack's props */
  readonly props?: WorkflowOverrides<W>;
}

/** One local execution of the testbed's workflow. */
export interface TestbedRunOptions extends Omit<RunOptions, 'lambdas'> {
  /** Handlers replacing real ones, by function name. @default every task runs its real handler */
  readonly lambdas?: Readonly<Record<string, LambdaHandler>>;
}

/**
 * The harness's result; `output` is set only when the run SUCCEEDED with the workflow's own output
 * (not a delivery that only handed over to the named run), and then it passed the contract.
 */
export interface WorkflowRun<W extends TestbedWorkflow> extends Omit<RunResult, 'output'> {
  readonly output?: WorkflowOutput<W>;
}

/** A synthesized state machine of the workflow and a way to run it. */
export interface WorkflowMachine<W extends TestbedWorkflow> {
  readonly sm: ExtractedStateMachine;
  readonly template: Template;
  /** The workflow's construct, for what it exposes (schedule, functions). */
  readonly construct: WorkflowConstruct<W>;
  /** Runs the state machine locally; a successful run's output is parsed with the contract (a mismatch throws). */
  run(options: TestbedRunOptions): Promise<WorkflowRun<W>>;
}

/** The testbed of one workflow test file. */
export interface WorkflowTestbed<W extends TestbedWorkflow> extends WorkflowMachine<W> {
  readonly workflow: W;
  readonly env: Environment;
  /** The reports bucket notify-outcome writes to (served by `s3`). */
  readonly reportsBucket: string;
  /** The severity topics' ARNs notify-outcome publishes to. */
  readonly topics: Readonly<Record<Severity, string>>;
  /** The SNS mock: reset before each test, answering every Publish. */
  readonly sns: AwsClientStub<SNSClient>;
  /** The local S3 server (started before the file's tests). */
  readonly s3: LocalS3;
  /** The same workflow synthesized with other props, run in the same environment. */
  variant(name: string, props: WorkflowOverrides<W>): WorkflowMachine<W>;
  /** What was published to SNS since the test started. */
  published(): PublishCommandInput[];
  /** The JSON report the run's last notify-outcome call filed, read back from the local S3 server. */
  report(run: Pick<RunResult, 'lambdaInvocations'>): Promise<Record<string, unknown>>;
}

/** The EventBridge scheduled event the nightly workflows start with (tests/fixtures), parsed with the contract. */
export function scheduledEvent(): ScheduledEvent {
  return scheduledEventSchema.parse(readFixture('eventbridge-scheduled-event.rust-runtime.json'));
}

/** The parameters the run's first call of the SDK-integration state `state` sent; throws when it made none. */
export function sdkParameters<T = Record<string, unknown>>(
  run: Pick<RunResult, 'sdkCalls' | 'path'>,
  state: string,
): T {
  const call = run.sdkCalls.find((c) => c.state === state);
  if (call === undefined) {
    throw new Error(`The run made no call from "${state}". Path: ${formatPath(run.path)}`);
  }
  return call.parameters as T;
}

/** Whole days between `from` and the `interactions:expires-at` tag the create state `state` sent. */
export function retentionDaysTagged(run: Pick<RunResult, 'sdkCalls' | 'path'>, state: string, from: Date): number {
  const { Tags } = sdkParameters<{ Tags?: Tag[] }>(run, state);
  const expiresAt = tagValue(Tags, TAG_KEYS.expiresAt);
  if (expiresAt === undefined) throw new Error(`"${state}" sent no ${TAG_KEYS.expiresAt} tag: ${JSON.stringify(Tags)}`);
  return Math.round((Date.parse(expiresAt) - from.getTime()) / 86_400_000);
}

/**
 * The variables the functions read, as the automation stack sets them: the AutomationFunction
 * construct's, notify-outcome's, and `DR_REGION` (config `automation.drRegion`) where the
 * environment has a DR region.
 */
function functionEnvironment(env: Environment): Record<string, string> {
  const topic = (severity: Severity) => `arn:aws:sns:us-east-1:123456789012:${names.topic(env, severity)}`;
  const { drRegion } = loadConfig(env).automation;
  return {
    ENVIRONMENT: env,
    REPORTS_BUCKET: names.reportsBucket(env),
    TOPIC_ARN_HIGH: topic('high'),
    TOPIC_ARN_MEDIUM: topic('medium'),
    TOPIC_ARN_LOW: topic('low'),
    ...(drRegion === '' ? {} : { DR_REGION: drRegion }),
  };
}

function setEnvironment(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Whether the run was a scheduled delivery that ended in the hand-over (workflows/common/schedule.ts). */
function endedByHandOver(path: readonly string[]): boolean {
  const last = path.at(-1);
  return last === HAND_OVER_STATES.handedOver || last === HAND_OVER_STATES.duplicate;
}

function contractError(
  workflow: TestbedWorkflow,
  issues: readonly { path: PropertyKey[]; message: string }[],
  output: unknown,
): Error {
  const lines = issues.map((i) => `  - ${i.path.map(String).join('.') || '(output)'}: ${i.message}`);
  return new Error(
    `The ${workflow} output does not match its contract (workflows/${workflow}/contract.ts):\n${lines.join('\n')}\n` +
      `output: ${JSON.stringify(output, null, 2)}`,
  );
}

/**
 * Builds the testbed of `workflow` and registers the file's hooks: before all tests it starts the
 * local S3 server, after all it stops it and restores the environment, before each it resets SNS.
 * Call it once at the top of a test file.
 */
export function workflowTestbed<W extends TestbedWorkflow>(options: TestbedOptions<W>): WorkflowTestbed<W> {
  const { workflow } = options;
  const env = options.env ?? 'dev';
  // Before any handler module is imported: they validate their settings at load.
  const restoreEnvironment = setEnvironment(functionEnvironment(env));
  const values = functionEnvironment(env);
  const sns = mockClient(SNSClient);
  let s3: LocalS3 | undefined;
  let restoreS3Environment = () => {};

  const machine = (props: WorkflowOverrides<W>, suffix: string): WorkflowMachine<W> => {
    const { stack, construct } = synthesizeWorkflow(workflow, env, props, suffix);
    const template = Template.fromStack(stack);
    const sm = extractStateMachine(template, { name: names.stateMachine(env, workflow) });
    let handlers: Promise<Record<string, LambdaHandler>> | undefined;
    return {
      sm,
      template,
      construct,
      async run(runOptions) {
        handlers ??= loadHandlers(sm.definition, env);
        const result = await runStateMachine(sm, {
          ...runOptions,
          lambdas: { ...(await handlers), ...runOptions.lambdas },
        });
        // A delivery that only handed over (or skipped a duplicate) returns no workflow output.
        if (result.status !== 'SUCCEEDED' || endedByHandOver(result.path)) return { ...result, output: undefined };
        const parsed = WORKFLOW_ENTRIES[workflow].contract.output.safeParse(result.output);
        if (!parsed.success) throw contractError(workflow, parsed.error.issues, result.output);
        // The output as the state machine built it (the contract passed): a test pinning it sees every field.
        return { ...result, output: result.output as WorkflowOutput<W> };
      },
    };
  };
  const startedS3 = (): LocalS3 => {
    if (s3 === undefined) throw new Error('The local S3 server starts in beforeAll: use bed.s3 inside a test.');
    return s3;
  };
  const main = machine(options.props ?? ({} as WorkflowOverrides<W>), '');

  beforeAll(async () => {
    s3 = await startLocalS3([values.REPORTS_BUCKET as string]);
    restoreS3Environment = useLocalS3ForHandlers(s3);
  });
  afterAll(async () => {
    restoreS3Environment();
    await s3?.stop();
    sns.restore();
    restoreEnvironment();
  });
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'testbed-message' });
  });

  return {
    ...main,
    workflow,
    env,
    reportsBucket: values.REPORTS_BUCKET as string,
    topics: {
      high: values.TOPIC_ARN_HIGH as string,
      medium: values.TOPIC_ARN_MEDIUM as string,
      low: values.TOPIC_ARN_LOW as string,
    },
    sns,
    get s3(): LocalS3 {
      return startedS3();
    },
    variant: (name, props) => machine(props, `-${name}`),
    published: () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input),
    async report(run) {
      const filed = notifications(run)
        .map((i) => (i.result as { reports?: { bucket?: string; json?: string } } | undefined)?.reports)
        .filter((r) => r?.bucket !== undefined && r.json !== undefined);
      const last = filed.at(-1);
      if (last === undefined) throw new Error('The run filed no report: no notify-outcome call returned `reports`.');
      const object = await startedS3().client.send(new GetObjectCommand({ Bucket: last.bucket, Key: last.json }));
      return JSON.parse((await object.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
    },
  };
}

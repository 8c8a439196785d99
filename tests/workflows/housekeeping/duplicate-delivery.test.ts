/**
 * EventBridge delivers a scheduled event at least once. Whatever the nightly rule hands the state
 * machine, two deliveries of the same event must end in one night's work and one report: the run
 * that does the work is named from the event (`nightly-<id>`), and Step Functions refuses a second
 * execution of that name (ExecutionAlreadyExists), which the second delivery records as a duplicate.
 */
import { runStateMachine } from '../../support/state-machine-harness.js';
import {
  buildHousekeeping,
  mockAws,
  notifications,
  prod,
  RESPONSES,
  scheduledEvent,
  TOPICS,
  useHousekeepingHandlers,
} from './housekeeping-testbed.js';

const { sm, template } = buildHousekeeping('interactions-prod-automation', prod.automation);
const lambdas = useHousekeepingHandlers();
const HAND_OVER = 'Start run named from the event';

type RuleTarget = {
  Input?: string;
  InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
};

/** The execution input the nightly rule's target builds from `event` (input, transformer, or the event). */
function deliveredInput(event: unknown): unknown {
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
    Properties: { Targets: RuleTarget[] };
  }[];
  expect(rules).toHaveLength(1);
  const target = rules[0]?.Properties.Targets[0] as RuleTarget;
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputTransformer === undefined) return event;
  let text = target.InputTransformer.InputTemplate;
  for (const [key, path] of Object.entries(target.InputTransformer.InputPathsMap)) {
    expect(path).toBe('$');
    text = text.replaceAll(`<${key}>`, JSON.stringify(event));
  }
  return JSON.parse(text);
}

/** Step Functions' rule for named executions: the first start of a name runs, later ones are refused. */
const startedNames = new Set<string>();

/** One delivery: runs what the rule starts and, if it hands over to a new named run, that run too. */
async function deliver(event: unknown) {
  const input = deliveredInput(event);
  const common = { 'Snapshot cache': RESPONSES.cacheSnapshotStarted };
  const first = await runStateMachine(sm, {
    input,
    lambdas: lambdas(),
    mocks: {
      ...common,
      [HAND_OVER]: { Return: { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y', StartDate: 1 } },
    },
  });
  const start = first.sdkCalls.find((c) => c.state === HAND_OVER)?.parameters as
    | { Name: string; Input: unknown }
    | undefined;
  if (start === undefined) return [first];
  if (startedNames.has(start.Name)) {
    // What Step Functions answers the second start of a name: the delivery must end quietly.
    const duplicate = await runStateMachine(sm, {
      input,
      lambdas: lambdas(),
      mocks: {
        ...common,
        [HAND_OVER]: {
          Throw: { Error: 'StepFunctions.ExecutionAlreadyExistsException', Cause: 'Execution Already Exists' },
        },
      },
    });
    return [duplicate];
  }
  startedNames.add(start.Name);
  const named = await runStateMachine(sm, {
    input: start.Input,
    executionName: start.Name,
    lambdas: lambdas(),
    mocks: common,
  });
  return [first, named];
}

describe('a duplicate delivery of the nightly event', () => {
  it('sends one report and one notification for the two deliveries', async () => {
    // Prepare
    mockAws();
    startedNames.clear();

    // Act
    const runs = [...(await deliver(scheduledEvent)), ...(await deliver(scheduledEvent))];

    // Assess
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(notifications().map((n) => n.topic)).toEqual([TOPICS.low]);
    expect(runs.filter((r) => r.path.includes('Report housekeeping'))).toHaveLength(1);
    expect(runs[2]?.path).toEqual(['Delivered by the schedule?', HAND_OVER, 'Skip duplicate delivery']);
  });

  it('hands over to a run named from the event id, with the event itself as input', async () => {
    // Prepare
    mockAws();
    startedNames.clear();

    // Act
    const [handOver, named] = await deliver(scheduledEvent);

    // Assess
    expect(handOver?.path).toEqual(['Delivered by the schedule?', HAND_OVER, 'Handed over']);
    expect(handOver?.sdkCalls[0]?.parameters).toEqual({
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-snapshot-housekeeping',
      Name: `nightly-${scheduledEvent.id}`,
      Input: scheduledEvent,
    });
    expect(named?.status).toBe('SUCCEEDED');
    expect(notifications()).toHaveLength(1);
  });

  it('runs at once when started with the plain event (by hand), without handing over', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await runStateMachine(sm, {
      input: scheduledEvent,
      executionName: 'operator-rerun',
      lambdas: lambdas(),
      mocks: { 'Snapshot cache': RESPONSES.cacheSnapshotStarted },
    });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path.slice(0, 2)).toEqual(['Delivered by the schedule?', 'Select expired snapshots']);
  });

  it('fails through the catch-all, notifying, when the hand-over start is refused for another reason', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await runStateMachine(sm, {
      input: deliveredInput(scheduledEvent),
      lambdas: lambdas(),
      mocks: { [HAND_OVER]: { Throw: { Error: 'StepFunctions.AccessDeniedException', Cause: 'not authorized' } } },
    });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.path).toContain('Notify failure');
    expect(notifications().map((n) => n.topic)).toEqual([TOPICS.high]);
  });
});

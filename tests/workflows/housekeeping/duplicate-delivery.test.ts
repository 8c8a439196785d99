/**
 * EventBridge delivers a scheduled event at least once. Whatever the nightly rule hands the state
 * machine, two deliveries of the same event must end in one night's work and one report: the run
 * that does the work is named from the event (`nightly-<id>`), and Step Functions refuses a second
 * execution of that name (ExecutionAlreadyExists), which the second delivery records as a duplicate.
 */
import {
  ruleTargetInput,
  scheduledDeliveries,
  scheduledEvent,
  sdkParameters,
  workflowTestbed,
} from '../../support/workflow-testbed.js';
import { mockAws, RESPONSES } from './fixtures.js';

// prod: DR region and nightly cache snapshot on.
const bed = workflowTestbed({ workflow: 'snapshot-housekeeping', env: 'prod' });
const trigger = scheduledEvent();
const HAND_OVER = 'Start run named from the event';
const mocks = { 'Snapshot cache': RESPONSES.cacheSnapshotStarted };

describe('a duplicate delivery of the nightly event', () => {
  it('sends one report and one notification for the two deliveries', async () => {
    // Prepare
    mockAws();
    const deliveries = scheduledDeliveries(bed);

    // Act
    const runs = [...(await deliveries.deliver(trigger, mocks)), ...(await deliveries.deliver(trigger, mocks))];

    // Assess
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.low]);
    expect(runs.filter((r) => r.path.includes('Report housekeeping'))).toHaveLength(1);
    expect(runs[2]?.path).toEqual(['Delivered by the schedule?', HAND_OVER, 'Skip duplicate delivery']);
  });

  it('hands over to a run named from the event id, with the event itself as input', async () => {
    // Prepare
    mockAws();

    // Act
    const [handOver, named] = await scheduledDeliveries(bed).deliver(trigger, mocks);

    // Assess
    expect(handOver?.path).toEqual(['Delivered by the schedule?', HAND_OVER, 'Handed over']);
    expect(handOver && sdkParameters(handOver, HAND_OVER)).toEqual({
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-snapshot-housekeeping',
      Name: `nightly-${trigger.id}`,
      Input: trigger,
    });
    expect(named).toHaveSucceeded();
    expect(named?.output?.report.json).toMatch(/^reports\/snapshot-housekeeping\//);
    expect(bed.published()).toHaveLength(1);
  });

  it('runs at once when started with the plain event (by hand), without handing over', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await bed.run({ input: trigger, executionName: 'operator-rerun', mocks });

    // Assess
    expect(run).toHaveSucceeded();
    expect(run.path.slice(0, 2)).toEqual(['Delivered by the schedule?', 'Select expired snapshots']);
  });

  it('fails through the catch-all, notifying, when the hand-over start is refused for another reason', async () => {
    // Prepare
    mockAws();

    // Act
    const run = await bed.run({
      input: ruleTargetInput(bed.template, trigger),
      mocks: { [HAND_OVER]: { Throw: { Error: 'StepFunctions.AccessDeniedException', Cause: 'not authorized' } } },
    });

    // Assess
    expect(run).toHaveFailedWith('StepFunctions.AccessDeniedException');
    expect(run).toHavePassedThrough(HAND_OVER, 'Notify failure');
    expect(run).toHaveNotified({ status: 'FAILED' });
    expect(bed.published().map((p) => p.TopicArn)).toEqual([bed.topics.high]);
  });
});

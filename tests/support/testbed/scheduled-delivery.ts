/**
 * EventBridge delivering a nightly workflow's scheduled event, for the duplicate-delivery tests: the
 * execution input the rule's target builds from the event (its Input, InputTransformer, or the
 * event itself), and Step Functions' rule for a hand-over's named start (workflows/common/schedule.ts):
 * the first start of a name runs that execution, a later one is refused with ExecutionAlreadyExists.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { EXECUTION_ALREADY_EXISTS } from '../../../workflows/common/nested-execution.js';
import { HAND_OVER_STATES } from '../../../workflows/common/schedule.js';
import type { MockedResponse, RunOptions, RunResult } from '../state-machine-harness.js';

type RuleTarget = {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
};

/** What a delivery needs of a testbed machine. */
export interface DeliverableMachine<R extends Pick<RunResult, 'sdkCalls'>> {
  readonly template: Template;
  run(options: Pick<RunOptions, 'input' | 'executionName' | 'mocks'>): Promise<R>;
}

/** Mocks of the workflow's own states, by state name. */
export type DeliveryMocks = Readonly<Record<string, MockedResponse | MockedResponse[]>>;

/** Deliveries of scheduled events to one machine, remembering the execution names already started. */
export interface ScheduledDeliveries<R> {
  /**
   * Delivers `event` once: runs what the rule starts and, when it hands over to a new named run,
   * that run too (`[hand-over, named run]`); a hand-over whose name was started before is refused
   * as Step Functions would (`[duplicate]`); a rule without hand-over gives `[run]`.
   */
  deliver(event: unknown, mocks?: DeliveryMocks): Promise<R[]>;
}

/** The execution input the machine's one EventBridge rule builds from `event`. */
export function ruleTargetInput(template: Template, event: unknown): unknown {
  const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
    Properties: { Targets: RuleTarget[] };
  }[];
  if (rules.length !== 1) throw new Error(`Expected one EventBridge rule, found ${rules.length}`);
  const target = rules[0]?.Properties.Targets[0];
  if (target === undefined) throw new Error('The EventBridge rule has no target');
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputTransformer === undefined) {
    if (target.InputPath !== undefined && target.InputPath !== '$') {
      throw new Error(`Unsupported InputPath ${target.InputPath}`);
    }
    return event;
  }
  let text = target.InputTransformer.InputTemplate;
  for (const [key, path] of Object.entries(target.InputTransformer.InputPathsMap)) {
    if (path !== '$') throw new Error(`Unsupported input path ${path} in the rule's InputTransformer`);
    text = text.replaceAll(`<${key}>`, JSON.stringify(event));
  }
  return JSON.parse(text);
}

/** Deliveries to `machine` (see ScheduledDeliveries); create one per test. */
export function scheduledDeliveries<R extends Pick<RunResult, 'sdkCalls'>>(
  machine: DeliverableMachine<R>,
): ScheduledDeliveries<R> {
  const startedNames = new Set<string>();
  const started: MockedResponse = {
    Return: { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y', StartDate: 1 },
  };
  const refused: MockedResponse = { Throw: { Error: EXECUTION_ALREADY_EXISTS, Cause: 'Execution Already Exists' } };
  return {
    async deliver(event, mocks = {}) {
      const input = ruleTargetInput(machine.template, event);
      const first = await machine.run({ input, mocks: { ...mocks, [HAND_OVER_STATES.start]: started } });
      const start = first.sdkCalls.find((c) => c.state === HAND_OVER_STATES.start)?.parameters as
        | { Name: string; Input: unknown }
        | undefined;
      if (start === undefined) return [first];
      if (startedNames.has(start.Name)) {
        return [await machine.run({ input, mocks: { ...mocks, [HAND_OVER_STATES.start]: refused } })];
      }
      startedNames.add(start.Name);
      return [first, await machine.run({ input: start.Input, executionName: start.Name, mocks })];
    },
  };
}

/**
 * `remediation plan <env> --event <file>`: what remediation would decide for one alarm payload
 * (any envelope), from the payload and the environment's config alone: a fresh in-memory state
 * (no earlier events, no cooldown running) and the event's own state-change time as the clock.
 * No AWS call; the live re-check of the alarm is the workflow's.
 */
import { loadConfig } from '../../../infra/config/index.js';
import { ValidationError } from '../../../shared/errors.js';
import { parseAlarmPayloadText } from '../../../shared/remediation/alarm-payload.js';
import { decideOnChange } from '../../../shared/remediation/intake.js';
import { MemoryStateStore } from '../../../shared/remediation/memory-state-store.js';
import { policyFromConfig } from '../../../shared/remediation/policy.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT } from '../../context.js';
import { toJson } from '../../format.js';
import { parseEnvironment } from '../../inputs.js';
import { readOptionFile } from './event-file.js';

export const plan: Command = {
  name: 'plan',
  summary: 'Print, as JSON, what remediation would decide for one alarm payload',
  description:
    'Parses the payload (an EventBridge "CloudWatch Alarm State Change" event, an SNS notification with one or ' +
    'more alarm records, or a Lambda alarm-action event), routes each alarm to its playbook and applies the ' +
    "environment's guardrails (kill switch, change freezes, dry-run, approval, cooldown and rate limit as if " +
    "nothing had run before), at the event's own state-change time. Prints one decision per state change: " +
    'act (execute, dry-run or needs-approval), suppress, or ignore, with the reason. Exits 0 for any well-formed ' +
    'payload, also when the decision is to do nothing; 1 when the payload is malformed or not an alarm state ' +
    'change, naming what is wrong. Needs no AWS credentials.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [{ flags: '--event <file>', description: 'the alarm payload, a JSON file' }],
  examples: ['remediation plan prod --event alarm.json'],
  async run({ args, options }, deps) {
    const environment = parseEnvironment(args.env);
    const text = readOptionFile(options.event, '--event');
    const config = loadConfig(environment);
    let changes: ReturnType<typeof parseAlarmPayloadText>;
    try {
      changes = parseAlarmPayloadText(text);
    } catch (error) {
      if (error instanceof ValidationError) throw new CommandFailedError(error.message);
      throw error;
    }
    const policy = policyFromConfig(config);
    const wallClock = deps.now().getTime();
    const intake = {
      policy,
      store: new MemoryStateStore(),
      // The change's own time, but never after now: a change dated in the future is rejected as
      // the deployed intake (on the wall clock) rejects it.
      clock: (change?: { stateChangedAt: string }) => Math.min(Date.parse(change?.stateChangedAt ?? ''), wallClock),
    };
    const decisions = [];
    for (const change of changes) decisions.push(await decideOnChange(change, intake));
    const rejected = decisions.find((decision) => decision.decision === 'reject');
    if (rejected !== undefined) throw new CommandFailedError(`malformed alarm payload: ${rejected.detail}`);
    deps.stdout(
      toJson({
        environment,
        guardrails: {
          killSwitch: policy.killSwitch,
          dryRun: policy.dryRun,
          approvalRequired: policy.approvalRequired,
          freezeWindows: policy.freezeWindows,
          rateLimit: policy.rateLimit,
        },
        decisions,
      }),
    );
    return EXIT.ok;
  },
};

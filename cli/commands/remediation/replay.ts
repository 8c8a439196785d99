/**
 * `remediation replay <env> --events <file.ndjson>`: what remediation would have done over a
 * recorded stream of alarm payloads (yesterday's storm), for review and for tuning cooldowns.
 */
import { loadConfig } from '../../../infra/config/index.js';
import { policyFromConfig } from '../../../shared/remediation/policy.js';
import { replayStream } from '../../../shared/remediation/replay.js';
import type { Command } from '../../command.js';
import { CommandFailedError, EXIT } from '../../context.js';
import { parseEnvironment } from '../../inputs.js';
import { readOptionFile } from './event-file.js';

export const replay: Command = {
  name: 'replay',
  summary: 'Replay recorded alarm payloads (NDJSON) through intake and guardrails, one JSON line per decision',
  description:
    'Reads one alarm payload per line (any envelope), and runs intake, deduplication, guardrails and playbook ' +
    "choice over them in file order, with an in-memory state store and each event's own state-change time as " +
    'the clock. No AWS call. Prints one JSON line per input line (one per record when an SNS line carries ' +
    'several): {"line","alarm","state","decision","reason","playbook","cooldownSeconds","at","detail"}, decision ' +
    'act | suppress | ignore | reject; then one line {"summary": {...}} with the counts. A malformed line is a ' +
    'reject and the replay goes on; blank lines are skipped. Exits 0 once the file is read, 1 when it holds ' +
    'no line that parses as a payload (a pretty-printed JSON file, or not a recording at all).',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [{ flags: '--events <file>', description: 'the recorded payloads, one JSON object per line' }],
  examples: ['remediation replay prod --events storm.ndjson'],
  async run({ args, options }, deps) {
    const environment = parseEnvironment(args.env);
    const text = readOptionFile(options.events, '--events');
    const policy = policyFromConfig(loadConfig(environment));
    const summary = await replayStream(
      text.split(/\r?\n/),
      policy,
      (line) => deps.stdout(`${JSON.stringify(line)}\n`),
      deps.now().getTime(),
    );
    deps.stdout(`${JSON.stringify({ summary })}\n`);
    if (summary.lines > 0 && summary.byDecision.reject === summary.lines) {
      // Every line rejected: most likely not one payload per line (e.g. a pretty-printed JSON file).
      throw new CommandFailedError(
        `no line of ${String(options.events)} is an alarm payload (${summary.lines} rejected): --events needs one JSON payload per line (NDJSON); use remediation plan --event for one pretty-printed payload`,
      );
    }
    return EXIT.ok;
  },
};

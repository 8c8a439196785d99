/**
 * `remediation history <env>`: the audit trail of alarm remediation, newest first, from the state
 * table `interactions-<env>-remediation`: every decision intake took (act, suppress, ignore, reject,
 * with its reason) and every outcome the workflow recorded after it (planned, recovered, not
 * recovered, approval denied or timed out, failed). Read-only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../../infra/config/index.js';
import { clientConfig, timeoutsFromEnv } from '../../aws/clients.js';
import type { Command } from '../../command.js';
import { EXIT, UsageError } from '../../context.js';
import { formatTable, toJson } from '../../format.js';
import { parseEnvironment, resolveRegion } from '../../inputs.js';

/** The audit trail's partition in the state table (shared/remediation/dynamodb-state-store.ts). */
const AUDIT_PARTITION = 'audit';

/** Most entries one call lists. */
const MAX_LIMIT = 1000;

/** One line of the trail. */
export interface HistoryEntry {
  /** When it was decided (or, for an outcome, when the decision it follows was taken). */
  readonly at: string;
  /** `decision` (intake), `outcome` (the workflow, after acting or refusing) or `failure` (the workflow failed). */
  readonly kind: 'decision' | 'outcome' | 'failure';
  readonly alarm: string | null;
  /** act / suppress / ignore / reject (decisions), or the outcome (recovered, planned, ...). */
  readonly result: string;
  /** The decision's reason code (execute, cooldown, duplicate...); null for outcomes. */
  readonly reason: string | null;
  readonly playbook: string | null;
  /** The decision's detail or the outcome's summary. */
  readonly detail: string;
}

type Item = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Reads one audit item, whatever wrote it; an item of unknown shape is listed as such rather than hidden. */
export function historyEntry(item: Item): HistoryEntry {
  const sk = String(item.sk ?? '');
  const at = sk.split('#')[0] ?? '';
  const decision = item.decision as Item | undefined;
  if (decision !== undefined) {
    const change = decision.change as Item | undefined;
    return {
      at: text(decision.decidedAt) ?? at,
      kind: 'decision',
      alarm: text(change?.alarmName),
      result: String(decision.decision),
      reason: text(decision.reason),
      playbook: text(decision.playbook),
      detail: String(decision.detail ?? ''),
    };
  }
  let outcome: Item = {};
  try {
    outcome = JSON.parse(String(item.outcome ?? '{}')) as Item;
  } catch {
    outcome = { summary: `unreadable outcome record: ${String(item.outcome)}` };
  }
  if (sk.endsWith('#failed')) {
    return {
      at,
      kind: 'failure',
      alarm: null,
      result: 'failed',
      reason: null,
      playbook: null,
      detail: `${String(outcome.Error ?? 'error')}: ${String(outcome.Cause ?? '')}`,
    };
  }
  const playbook = outcome.playbook as Item | undefined;
  return {
    at,
    kind: 'outcome',
    alarm: text((String(outcome.summary ?? '').match(/^(interactions-[a-z]+-[A-Za-z0-9_-]+)/) ?? [])[1]),
    result: text(outcome.outcome) ?? 'unknown',
    reason: null,
    playbook: text(playbook?.playbook),
    detail: String(outcome.summary ?? ''),
  };
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT} (got "${value}")`);
  }
  return limit;
}

export const history: Command = {
  name: 'history',
  summary: 'List the alarm remediation audit trail, newest first',
  description:
    "Reads (never writes) the audit trail in the environment's remediation state table " +
    '(interactions-<env>-remediation): every decision intake took with its reason (act: execute, dry-run, ' +
    'needs-approval; suppress: kill-switch, change-freeze, cooldown, rate-limit; ignore: duplicate, stale, ' +
    'not-in-alarm, actions-suppressed, no-playbook; reject: malformed) and every outcome the workflow recorded ' +
    '(recovered, not-recovered, acted, planned, approval-denied, approval-timed-out, alarm-cleared, failed). ' +
    '--alarm keeps one alarm; --json prints the entries.',
  arguments: [{ name: 'env', description: 'environment: dev, staging or prod' }],
  options: [
    { flags: '--limit <n>', description: `most entries to read, 1-${MAX_LIMIT} (default 50)`, parse: parseLimit },
    { flags: '--alarm <name>', description: 'only this alarm (e.g. interactions-prod-rds-storage)' },
  ],
  examples: ['remediation history prod', 'remediation history prod --alarm interactions-prod-rds-storage --json'],
  async run({ args, options, global }, deps) {
    const environment = parseEnvironment(args.env);
    const region = resolveRegion(environment, global, deps);
    const table = loadConfig(environment).remediation.tableName;
    const limit = (options.limit as number | undefined) ?? 50;
    const alarm = options.alarm as string | undefined;
    const client = new DynamoDBClient(clientConfig(region, { profile: global.profile }, timeoutsFromEnv(deps.env)));
    const documents = DynamoDBDocumentClient.from(client);
    try {
      const page = await documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': AUDIT_PARTITION },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      const entries = (page.Items ?? []).map(historyEntry).filter((e) => alarm === undefined || e.alarm === alarm);
      if (global.json) {
        deps.stdout(toJson({ environment, region, table, entries }));
        return EXIT.ok;
      }
      if (entries.length === 0) {
        deps.stdout(`No remediation recorded in ${table}${alarm === undefined ? '' : ` for ${alarm}`}.\n`);
        return EXIT.ok;
      }
      deps.stdout(
        formatTable(
          ['TIME', 'KIND', 'ALARM', 'RESULT', 'REASON', 'PLAYBOOK', 'DETAIL'],
          entries.map((e) => [e.at, e.kind, e.alarm ?? '-', e.result, e.reason ?? '-', e.playbook ?? '-', e.detail]),
        ),
      );
      return EXIT.ok;
    } finally {
      client.destroy();
    }
  },
};

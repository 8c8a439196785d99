/**
 * The approval request an approver reads on the high topic: the alarm, what the playbook would
 * do, and the exact commands that approve or deny it. Pure text building.
 */
import type { PlannedAction } from '../../workflows/alarm-remediation/contract.js';

/** Error name a denial sends; the workflow's Catch routes on it. */
export const APPROVAL_DENIED = 'ApprovalDenied';

/** What the request is about. */
export interface ApprovalRequest {
  readonly environment: string;
  readonly execution: string;
  readonly alarmName: string;
  readonly alarmUrl: string | null;
  readonly playbook: string;
  readonly decided: string;
  readonly actions: readonly PlannedAction[];
  readonly timeoutMinutes: number;
  readonly taskToken: string;
}

/** Single-quotes `value` for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Subject (at most 100 characters, SNS's limit) and body of the request. */
export function approvalMessage(request: ApprovalRequest): { subject: string; body: string } {
  const first = request.actions[0]?.description ?? `run ${request.playbook}`;
  const subject = `[interactions-${request.environment}] Approval needed: ${first}`.slice(0, 100);
  const token = shellQuote(request.taskToken);
  const approve = shellQuote(JSON.stringify({ approved: true, approver: 'YOUR-NAME' }));
  const body = [
    `Remediation of ${request.alarmName} in ${request.environment} waits for your approval (execution ${request.execution}).`,
    request.alarmUrl === null ? '' : `Alarm: ${request.alarmUrl}`,
    '',
    `Playbook ${request.playbook}: ${request.decided}`,
    'It would:',
    ...request.actions.map((action, i) => `  ${i + 1}. ${action.description}`),
    '',
    `No answer within ${request.timeoutMinutes} minutes means DENY: nothing is changed.`,
    '',
    'Approve (replace YOUR-NAME):',
    `  aws stepfunctions send-task-success --task-token ${token} --task-output ${approve}`,
    'Deny:',
    `  aws stepfunctions send-task-failure --task-token ${token} --error ${APPROVAL_DENIED} --cause 'why'`,
  ];
  return { subject, body: body.filter((line, i) => line !== '' || body[i - 1] !== '').join('\n') };
}

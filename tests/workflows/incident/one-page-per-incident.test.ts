/**
 * Defect: every failure paged twice on the same topic, once by the workflow's own failure report
 * and once by the executions-failed alarm. Now the failure path's notification is the page, and
 * the alarm counts only failed executions whose notification did not happen: the execution ends
 * with UnreportedFailure when "Notify failure" itself fails, and the alarm's metric filter, applied
 * here to the ExecutionFailed event Step Functions logs for the run, counts exactly those.
 * Run on the backup verification workflow (real notify-outcome handler, SNS mocked).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { UNREPORTED_FAILURE_PATTERN } from '../../../infra/constructs/workflow-monitoring.js';
import { NOTIFIED_CAUSE_PREFIX, UNREPORTED_FAILURE } from '../../../workflows/common/failure-path.js';
import { scheduledEvent, workflowTestbed } from '../../support/workflow-testbed.js';
import { executionFailedLogEvent, matchesJsonFilterPattern } from './json-filter-pattern.js';

const bed = workflowTestbed({ workflow: 'backup-verification', env: 'prod' });
const trigger = scheduledEvent();

/** The instance cannot be described: the workflow fails through its catch-all. */
const instanceMissing = {
  'Describe DB instance': { Throw: { Error: 'Rds.DbInstanceNotFoundException', Cause: 'DBInstance not found' } },
  'Describe account quotas': { Return: { AccountQuotas: [] } },
};

const run = () => bed.run({ input: trigger, executionName: trigger.id, mocks: instanceMissing });

/** Whether the executions alarm's metric filter counts the run's ExecutionFailed log event. */
const countedByAlarm = (error: string | undefined, cause: string | undefined) =>
  matchesJsonFilterPattern(UNREPORTED_FAILURE_PATTERN.logPatternString, executionFailedLogEvent(error, cause));

describe('one page per incident', () => {
  it('ends with the original error after notifying, and the alarm does not count it', async () => {
    // Act
    const result = await run();

    // Assess
    expect(result).toHaveFailedWith('Rds.DbInstanceNotFoundException', 'DBInstance not found');
    expect(result).toHaveEndedWith('Notify failure', 'Build failure message', 'Fail');
    expect(result.cause?.startsWith(NOTIFIED_CAUSE_PREFIX)).toBe(true);
    expect(bed.published()).toHaveLength(1);
    expect(countedByAlarm(result.error, result.cause)).toBe(false);
  });

  it('ends with UnreportedFailure keeping the original error when the notification fails, and the alarm counts it', async () => {
    // Prepare: the topic refuses the publish (the report is still written first).
    bed.sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('not authorized to publish'), { name: 'AuthorizationErrorException' }));

    // Act
    const result = await run();

    // Assess
    expect(result).toHaveFailedWith(UNREPORTED_FAILURE, 'Rds.DbInstanceNotFoundException: DBInstance not found');
    expect(result).toHaveEndedWith('Notify failure', 'Build unreported failure message', 'Fail unreported');
    expect(result.cause).toContain('its failure notification failed too');
    expect(result.cause).toContain('not authorized to publish');
    expect(result.cause?.startsWith(NOTIFIED_CAUSE_PREFIX)).toBe(false);
    expect(countedByAlarm(result.error, result.cause)).toBe(true);
  });

  it('counts failures no Catch can take, and failures logged without a cause', () => {
    // Prepare: an error States.ALL does not catch ends the execution before the failure path.
    const runtimeCause =
      "An error occurred while executing the state 'Evaluate backups'. The JSONPath '$.facts' could not be found";

    // Act + Assess
    expect(countedByAlarm('States.Runtime', runtimeCause)).toBe(true);
    expect(countedByAlarm('States.DataLimitExceeded', undefined)).toBe(true);
  });

  it('counts only ExecutionFailed events', () => {
    // Prepare
    const event = { ...executionFailedLogEvent('Rds.DbInstanceNotFoundException', 'x'), type: 'TaskFailed' };

    // Act + Assess
    expect(matchesJsonFilterPattern(UNREPORTED_FAILURE_PATTERN.logPatternString, event)).toBe(false);
  });
});

/**
 * The end of a night: look for deletions recorded `failed` and nested runs recorded `FAILED`, choose
 * the report's severity (low when everything went through, the partial-failure severity when some
 * items or a nested run failed), report, build the output and succeed. A partial failure is
 * reported, never raised: the items that failed are retried the next night, a failed nested run
 * (the cache snapshot) has notified through its own failure path, and the rest of the night has run.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Severity } from '../../infra/config/types.js';
import type { Environment } from '../../shared/naming.js';
import type { FailurePath } from '../common/failure-path.js';
import { lambdaTask } from '../common/lambda-task.js';
import { WORKFLOW } from './workflow.js';

/** The outcome lists of the Maps that ran, by the field of the failed-item list each fills. */
export type OutcomeLists = Readonly<Record<string, string>>;

/** What the report needs. */
export interface HousekeepingReportProps {
  readonly envName: Environment;
  readonly notifyFunction: lambda.IFunction;
  readonly failure: FailurePath;
  /** JSONPath of each Map's outcome list, e.g. `{ rds: '$.deletions' }`. */
  readonly outcomeLists: OutcomeLists;
  /**
   * JSONPath of each nested run's recorded status, e.g. `{ cacheSnapshot: '$.cacheSnapshot.status' }`:
   * a status of `FAILED` makes the night a partial failure. @default no nested runs
   */
  readonly nestedRuns?: Readonly<Record<string, string>>;
  /** Fields of the report details and of the output (JSONPath keys ending in `.$`). */
  readonly details: Record<string, unknown>;
  /** The severity of a night with failed items: never above the failure severity. */
  readonly partialFailureSeverity: Severity;
}

/** The status a nested run's failure is recorded with (nightly-cache-snapshot.ts): the night is then partial. */
export const NESTED_RUN_FAILED = 'FAILED';

/** Where the per-list "any failed?" flags are kept. */
const FAILED_PATH = '$.failed';

/**
 * "Does this outcome list hold a `failed` record?" without a JSONPath filter (a filter matching nothing
 * fails the state in the local engine, and Choice rules accept only reference paths): the list as
 * JSON, split at the double quotes, holds the token `failed` exactly when some string value is
 * `failed`. Identifiers are snapshot names and error names are `Service.Exception`, so only an
 * outcome can be exactly that word.
 */
function containsFailed(listPath: string): string {
  return `States.ArrayContains(States.StringSplit(States.JsonToString(${listPath}), '"'), 'failed')`;
}

/** "Check for failed deletions" -> "Anything failed?" -> report -> build output -> done. */
export function housekeepingReport(scope: Construct, props: HousekeepingReportProps): sfn.Pass {
  const lists = Object.entries(props.outcomeLists);
  const check = new sfn.Pass(scope, 'Check for failed deletions', {
    parameters: Object.fromEntries(lists.map(([key, path]) => [`${key}.$`, containsFailed(path)])),
    resultPath: FAILED_PATH,
  });
  const verdict = (stateName: string, severity: Severity, partialFailure: boolean, note: string) =>
    new sfn.Pass(scope, stateName, {
      result: sfn.Result.fromObject({ severity, partialFailure, note }),
      resultPath: '$.verdict',
    });
  const partly = verdict(
    'Note partial failure',
    props.partialFailureSeverity,
    true,
    'some deletions failed (outcome failed in the details: retried next night) or a nested run failed (status FAILED in the details: it notified on its own)',
  );
  const fully = verdict('Note full success', 'low', false, 'every selected snapshot was handled');

  const details = { ...props.details, 'partialFailure.$': '$.verdict.partialFailure' };
  const report = props.failure.catch(
    lambdaTask(scope, 'Report housekeeping', {
      workflow: WORKFLOW,
      lambdaFunction: props.notifyFunction,
      payload: {
        environment: props.envName,
        status: 'SUCCEEDED',
        'severity.$': '$.verdict.severity',
        summary: sfn.JsonPath.format(
          'Snapshot housekeeping ran: {} expired automation DB snapshots selected of {} manual DB snapshots, {} expired automation cache snapshots of {} manual cache snapshots; {}',
          sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.source.selected')),
          sfn.JsonPath.stringAt('$.source.scanned'),
          sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.source.cache.selected')),
          sfn.JsonPath.stringAt('$.source.cache.scanned'),
          sfn.JsonPath.stringAt('$.verdict.note'),
        ),
        details,
      },
      resultPath: '$.notification',
    }),
  );
  const failedRuns = Object.values(props.nestedRuns ?? {}).map((statusPath) =>
    sfn.Condition.stringEquals(statusPath, NESTED_RUN_FAILED),
  );
  check.next(
    new sfn.Choice(scope, 'Anything failed?')
      .when(
        sfn.Condition.or(
          ...lists.map(([key]) => sfn.Condition.booleanEquals(`${FAILED_PATH}.${key}`, true)),
          ...failedRuns,
        ),
        partly,
      )
      .otherwise(fully),
  );
  partly.next(report);
  fully.next(report);
  report
    .next(new sfn.Pass(scope, 'Build output', { parameters: { ...details, 'report.$': '$.notification.reports' } }))
    .next(new sfn.Succeed(scope, 'Housekeeping done'));
  return check;
}

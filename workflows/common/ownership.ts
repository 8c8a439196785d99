/**
 * "Created by this execution?" for a resource whose tags the state machine has just read: continues
 * to `onOwned` only when the tag list holds managed-by, this execution's name and this environment,
 * and to `onOther` otherwise. Pass states compute the expected tags (the execution name comes from
 * the context object) and States.ArrayContains compares whole tags, so no Lambda is needed.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Environment } from '../../shared/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../../shared/tags.js';

/** Props of ownedByThisExecution. */
export interface OwnershipCheckProps {
  /** The environment whose tag the resource must carry. */
  readonly envName: Environment;
  /** JSONPath of the `[{ Key, Value }]` tag list that was read. */
  readonly tagListPath: string;
  /** Where the expected tags and the verdict are written (`<scratchPath>.expected`, `<scratchPath>.owned`). */
  readonly scratchPath: string;
  /** Next state when the resource is this execution's. */
  readonly onOwned: sfn.IChainable;
  /** Next state otherwise. */
  readonly onOther: sfn.IChainable;
}

/** The three states "Note this execution" -> "Check owner tags" -> "Created by this execution?". */
export function ownedByThisExecution(scope: Construct, props: OwnershipCheckProps): sfn.Pass {
  const { tagListPath, scratchPath } = props;
  const expect = new sfn.Pass(scope, 'Note this execution', {
    parameters: {
      managedBy: { Key: TAG_KEYS.managedBy, Value: MANAGED_BY },
      execution: { Key: TAG_KEYS.execution, 'Value.$': '$$.Execution.Name' },
      environment: { Key: TAG_KEYS.environment, Value: props.envName },
    },
    resultPath: `${scratchPath}.expected`,
  });
  const keys = ['managedBy', 'execution', 'environment'] as const;
  const check = new sfn.Pass(scope, 'Check owner tags', {
    parameters: Object.fromEntries(
      keys.map((key) => [`${key}.$`, `States.ArrayContains(${tagListPath}, ${scratchPath}.expected.${key})`]),
    ),
    resultPath: `${scratchPath}.owned`,
  });
  expect
    .next(check)
    .next(
      new sfn.Choice(scope, 'Created by this execution?')
        .when(
          sfn.Condition.and(...keys.map((key) => sfn.Condition.booleanEquals(`${scratchPath}.owned.${key}`, true))),
          props.onOwned,
        )
        .otherwise(props.onOther),
    );
  return expect;
}

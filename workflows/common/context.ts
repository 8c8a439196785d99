/** What every Lambda task of a workflow receives besides its own fields. */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { WorkflowName } from '../../shared/naming.js';

/**
 * `{ workflow, execution, startedAt }`: the shared middleware reads `execution` and `workflow` for
 * correlation (logs, metrics, traces) and the tag guard compares `execution` with resource tags.
 */
export function executionPayload(workflow: WorkflowName): Record<string, unknown> {
  return {
    workflow,
    execution: sfn.JsonPath.executionName,
    startedAt: sfn.JsonPath.executionStartTime,
  };
}

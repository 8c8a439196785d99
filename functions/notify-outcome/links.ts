/**
 * The console links of one outcome. The execution's ARN is the outcome's `executionArn` when the
 * state machine passes it; otherwise it is built from the execution name, the workflow's state
 * machine name and the function's own region and account (read from its ARN in the Lambda context).
 */
import {
  executionArn,
  executionConsoleUrl,
  parseArn,
  parseExecutionArn,
  s3ObjectConsoleUrl,
} from '../../shared/console-links.js';
import { ValidationError } from '../../shared/errors.js';
import { names } from '../../shared/naming.js';
import type { Outcome, ReportLinks } from './format-report.js';

/** Where the report lives and what the function knows of itself. */
export interface LinkContext {
  readonly bucket: string;
  /** Key of the Markdown report. */
  readonly key: string;
  /** The function's region (AWS_REGION), also the reports bucket's. */
  readonly region: string;
  /** The function's ARN (`context.invokedFunctionArn`); undefined when unknown (local runs). */
  readonly functionArn: string | undefined;
}

/**
 * The execution's and the report's console links. Throws ValidationError when `executionArn`
 * names another execution or state machine than the outcome, or another region or account than the
 * function's: the link must show what the report describes.
 */
export function reportLinks(outcome: Outcome, context: LinkContext): ReportLinks {
  const self = context.functionArn === undefined ? undefined : parseArn(context.functionArn);
  const partition = self?.partition ?? 'aws';
  const report = s3ObjectConsoleUrl({ bucket: context.bucket, key: context.key, region: context.region, partition });
  const stateMachine = names.stateMachine(outcome.environment, outcome.workflow);
  if (outcome.executionArn !== undefined) {
    const location = parseExecutionArn(outcome.executionArn);
    // The state machines run beside this function: an ARN of another region or account links elsewhere.
    const elsewhere =
      location?.region !== context.region ||
      (self !== undefined && self.account !== '' && location.account !== self.account);
    if (location?.execution !== outcome.execution || location.stateMachine !== stateMachine || elsewhere) {
      const where = `${context.region}${self?.account ? ` of account ${self.account}` : ''}`;
      const issue = `executionArn: ${outcome.executionArn} is not execution ${outcome.execution} of ${stateMachine} in ${where}`;
      throw new ValidationError(`Invalid input: ${issue}`, { issues: [issue] });
    }
    return { execution: executionConsoleUrl(outcome.executionArn), report };
  }
  if (self === undefined || self.account === '') return { execution: null, report };
  const arn = executionArn({
    partition,
    region: context.region,
    account: self.account,
    stateMachine,
    execution: outcome.execution,
  });
  return { execution: executionConsoleUrl(arn), report };
}

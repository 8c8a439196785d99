/**
 * Retry policies every automation state machine uses. Transient errors are retried with
 * exponential backoff and FULL jitter (so parallel executions do not retry in lockstep); errors
 * retrying cannot fix (validation, quota, conflicts, tag guard) are never listed here and go
 * straight to the state's Catch.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LAMBDA_TRANSIENT_ERROR_NAMES, RETRYABLE_ERROR_NAMES } from '../../shared/errors.js';

/**
 * Step Functions names SDK-integration errors `<Service>.<JavaExceptionClass>`. Errors a service
 * does not model (throttling among them, e.g. RDS's `Throttling`) arrive as the service's generic
 * `<Service>.<Service>Exception`; network failures before a response as `<Service>.SdkClientException`.
 * The generic exception also covers a few permanent errors (InvalidParameterCombination), which
 * then fail after the bounded retries instead of at once: an acceptable price for not losing throttling.
 */
export function transientSdkErrors(service: SdkErrorPrefix): string[] {
  return [`${service}.${service}Exception`, `${service}.SdkClientException`];
}

/** The PascalCase service prefixes of Step Functions' SDK-integration error names. */
export type SdkErrorPrefix = 'Rds' | 'ElastiCache' | 'Ecs' | 'S3' | 'Sns' | 'Sfn' | 'CloudWatch' | 'Ec2';

/** Backoff of every transient retry: 2 s, 4 s, 8 s, 16 s capped at 60 s, each fully jittered. */
export const TRANSIENT_BACKOFF = {
  interval: Duration.seconds(2),
  maxAttempts: 5,
  backoffRate: 2,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
} as const satisfies Omit<sfn.RetryProps, 'errors'>;

/** Adds the transient-error retry of an SDK integration task. */
export function retrySdkTransient<T extends sfn.TaskStateBase>(task: T, service: SdkErrorPrefix): T {
  task.addRetry({ ...TRANSIENT_BACKOFF, errors: transientSdkErrors(service) });
  return task;
}

/**
 * The Lambda service errors a Lambda task retries: shared/errors.ts's list plus
 * `Lambda.ClientExecutionTimeoutException` (the invoke call itself timed out: the function may not
 * even have run), which AWS's recommended retry for Lambda tasks also lists.
 */
export const LAMBDA_TASK_TRANSIENT_ERRORS: readonly string[] = [
  ...LAMBDA_TRANSIENT_ERROR_NAMES,
  'Lambda.ClientExecutionTimeoutException',
];

/**
 * Adds the retry of a Lambda task: the Lambda service's own transient errors and the functions'
 * RetryableError (throttled SDK calls inside the handler, classified by the shared middleware).
 */
export function retryLambdaTransient<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({ ...TRANSIENT_BACKOFF, errors: [...LAMBDA_TASK_TRANSIENT_ERRORS, ...RETRYABLE_ERROR_NAMES] });
  return task;
}

/**
 * The errors the optimized `states:startExecution` integrations raise that a retry can fix:
 * Step Functions names them `StepFunctions.<exception>` (not `Sfn.`): throttling and other unmodeled
 * service errors arrive as the generic AWSStepFunctionsException, network failures as
 * SdkClientException; ExecutionLimitExceeded clears as running executions finish.
 */
export const START_EXECUTION_TRANSIENT_ERRORS = [
  'StepFunctions.AWSStepFunctionsException',
  'StepFunctions.SdkClientException',
  'StepFunctions.ThrottlingException',
  'StepFunctions.ExecutionLimitExceededException',
];

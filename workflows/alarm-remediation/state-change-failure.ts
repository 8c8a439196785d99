/**
 * The failure sink inside the Map that handles each state change. States inside a Map cannot go
 * to the workflow's FailurePath (it lives outside the Map), and a Fail loses the state. So every
 * task inside catches to here: the error and the whole state so far (what the playbook planned,
 * did, saw when verifying) are joined into the Fail's cause, the iteration fails, and the Map's
 * Catch hands that cause to the workflow's one FailurePath, which records and notifies it: no
 * partial action goes unreported. It has FailurePath's surface, so kit fragments (PollLoop) take it.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ERROR_PATH } from '../common/failure-path.js';

/** Error name of a state change that failed inside the Map: its cause carries the state. */
export const STATE_CHANGE_FAILED = 'StateChangeFailed';

/** Catches inside the Map (see the module comment). */
export class StateChangeFailure extends Construct {
  /** What Catch and `raise()` go to. */
  readonly startState: sfn.IChainable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const describe = new sfn.Pass(this, 'Describe state change failure', {
      parameters: {
        'error.$': `${ERROR_PATH}.Error`,
        'cause.$': `States.Format('{}: {} (state when it failed: {})', ${ERROR_PATH}.Error, ${ERROR_PATH}.Cause, States.JsonToString($))`,
      },
      resultPath: '$.failure',
    });
    describe.next(
      new sfn.Fail(this, 'State change failed', { error: STATE_CHANGE_FAILED, causePath: '$.failure.cause' }),
    );
    this.startState = describe;
  }

  /** Routes every error of `task` (after its retries) here, keeping the state. */
  catch<T extends sfn.TaskStateBase | sfn.Parallel | sfn.Map>(task: T): T {
    task.addCatch(this.startState, { errors: ['States.ALL'], resultPath: ERROR_PATH });
    return task;
  }

  /** A Pass recording a failure a Choice detected, continuing here. */
  raise(stateName: string, error: string, cause: { readonly format: string } | string): sfn.Pass {
    const pass = new sfn.Pass(this, stateName, {
      parameters:
        typeof cause === 'string' ? { Error: error, Cause: cause } : { Error: error, 'Cause.$': cause.format },
      resultPath: ERROR_PATH,
    });
    pass.next(this.startState);
    return pass;
  }
}

/**
 * Turns the seed's "for N minutes" into CloudWatch's period × evaluation periods, in one place so
 * every alarm of the platform reads a duration the same way.
 *
 * Decision: one-minute periods for every duration, N of N datapoints. AWS publishes the metrics we
 * alarm on (RDS, ElastiCache, ALB) every minute, a standard-resolution alarm costs the same
 * whatever its period (billing is per metric, not per datapoint), and 60 s × N means exactly what
 * the seed says: every minute of the window breached. Five-minute periods for the long windows
 * (15 min of database CPU) would not be cheaper, would average a sustained breach with the minutes
 * around it, and would detect it up to five minutes later.
 */

/** How an alarm samples its metric: `evaluationPeriods` periods, all of which must breach. */
export interface EvaluationWindow {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** CloudWatch rejects alarms whose period × evaluation periods exceeds one day (periods < 1 h). */
const MAX_WINDOW_MINUTES = 24 * 60;

/**
 * The evaluation window of an alarm that must breach for `forMinutes` minutes.
 *
 * `forMinutes` 0 is the seed's "no duration given": a single datapoint of `instantPeriodMinutes`
 * (one minute for fast signals such as target health, five for slow ones such as storage).
 */
export function evaluationWindow(forMinutes: number, instantPeriodMinutes = 1): EvaluationWindow {
  if (!Number.isInteger(forMinutes) || forMinutes < 0 || forMinutes > MAX_WINDOW_MINUTES) {
    throw new RangeError(`forMinutes must be an integer from 0 to ${MAX_WINDOW_MINUTES}, got ${forMinutes}`);
  }
  if (!Number.isInteger(instantPeriodMinutes) || instantPeriodMinutes < 1 || instantPeriodMinutes > 60) {
    throw new RangeError(`instantPeriodMinutes must be an integer from 1 to 60, got ${instantPeriodMinutes}`);
  }
  if (forMinutes === 0) {
    return { periodSeconds: instantPeriodMinutes * 60, evaluationPeriods: 1, datapointsToAlarm: 1 };
  }
  return { periodSeconds: 60, evaluationPeriods: forMinutes, datapointsToAlarm: forMinutes };
}

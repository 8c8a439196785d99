/** The housekeeping's workflow name: names the state machine and tags every Lambda payload. */
export const WORKFLOW = 'snapshot-housekeeping';

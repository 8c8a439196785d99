/** What a pure check decides; the runner adds the check's name and duration. */
import type { CheckStatus } from '../../workflows/deployment-verification/contract.js';

/** A check's status and what it found. */
export interface CheckVerdict {
  readonly status: CheckStatus;
  readonly finding: string;
}

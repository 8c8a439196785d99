/**
 * How the drill's verification Lambda learns the environment's data checks and limits: variables
 * the recovery-test construct sets from `config.drills` (`dataCheckEnvironment`) and the handler
 * validates (`dataCheckSettingsShape`), so the two sides cannot disagree on names or encoding.
 */
import type { DrillsConfig } from '../../infra/config/drills.js';
import * as z from '../zod.js';
import { dataChecksSchema } from './checks.js';

/** A positive number given as text (environment variables are strings). */
function positiveNumber(what: string) {
  return z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
        ctx.issues.push({ code: 'custom', message: `must be a positive number of ${what}`, input: text });
        return z.NEVER;
      }
      return value;
    }),
  );
}

/** The variables (see the module comment). */
export const dataCheckSettingsShape = {
  /** The environment's checks as JSON (config.drills.dataChecks). */
  DATA_CHECKS: z.pipe(
    z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be a JSON list of data checks', input: text });
          return z.NEVER;
        }
      }),
    ),
    dataChecksSchema,
  ),
  /** config.drills.objectives.rpoMinutes. */
  RPO_OBJECTIVE_MINUTES: positiveNumber('minutes'),
  /** config.drills.dataCheckTimeouts.connectSeconds. */
  CONNECT_TIMEOUT_SECONDS: positiveNumber('seconds'),
  /** config.drills.dataCheckTimeouts.statementSeconds. */
  STATEMENT_TIMEOUT_SECONDS: positiveNumber('seconds'),
};

/** The variables of `dataCheckSettingsShape` for an environment's drills config. */
export function dataCheckEnvironment(
  drills: Pick<DrillsConfig, 'objectives' | 'dataChecks' | 'dataCheckTimeouts'>,
): Record<keyof typeof dataCheckSettingsShape, string> {
  return {
    DATA_CHECKS: JSON.stringify(drills.dataChecks),
    RPO_OBJECTIVE_MINUTES: String(drills.objectives.rpoMinutes),
    CONNECT_TIMEOUT_SECONDS: String(drills.dataCheckTimeouts.connectSeconds),
    STATEMENT_TIMEOUT_SECONDS: String(drills.dataCheckTimeouts.statementSeconds),
  };
}

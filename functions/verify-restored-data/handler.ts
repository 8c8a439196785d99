/**
 * "Verify restored data" task of the recovery test: connects to the restored instance over
 * verified TLS with the credentials from Secrets Manager, runs the data checks (the input's, else
 * the environment's) each in a read-only transaction with a statement timeout, and returns every
 * check with its value and finding and the RPO. The environment's checks, objectives and timeouts
 * come from its config compiled into the bundle (`config.drills`, chosen by the ENVIRONMENT
 * variable), not from variables: a list of checks would soon outgrow Lambda's 4 KB of variables. Failed checks are a result the workflow reports;
 * only a database it cannot reach is an error (RetryableError while it may be transient).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type DrillsConfig, loadConfig } from '../../infra/config/index.js';
import { secretsManagerClient } from '../../shared/clients/secrets-manager.js';
import { verifyData } from '../../shared/data-checks/run.js';
import { readDatabaseSecret, targetFromSecret } from '../../shared/database-secret.js';
import { RetryableError, VerificationFailedError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { DatabaseConnectionError } from '../../shared/probes/postgres.js';
import { type VerifyRestoredDataOutput, verifyRestoredDataInput } from '../../workflows/recovery-test/contract.js';

/** What the handler connects with. */
export interface VerifyRestoredDataClients {
  readonly secretsManager: () => SecretsManagerClient;
  /** The environment's drill settings: default checks, RPO objective, timeouts. */
  readonly drills: DrillsConfig;
  /**
   * PEM certificates to trust for the database's TLS. @default the runtime's trust store (on Lambda
   * it includes the RDS certificate authorities, NODE_EXTRA_CA_CERTS)
   */
  readonly databaseCa?: string;
}

export const { handler, createHandler } = automationHandler({
  workflow: 'recovery-test',
  schema: verifyRestoredDataInput,
  clients: (settings): VerifyRestoredDataClients => ({
    secretsManager: secretsManagerClient,
    drills: loadConfig(settings.ENVIRONMENT).drills,
  }),
  handler: async (input, { clients, clock }): Promise<VerifyRestoredDataOutput> => {
    const { drills } = clients;
    const checks = input.checks ?? drills.dataChecks;
    const secret = await readDatabaseSecret(clients.secretsManager(), input.secretArn);
    const target = targetFromSecret(secret, {
      host: input.endpoint.address,
      port: input.endpoint.port,
      database: input.databaseName,
      // The drill never talks to a database without verifying who it is.
      sslMode: 'verify-full',
      ...(clients.databaseCa === undefined ? {} : { ca: clients.databaseCa }),
    });
    let report: Awaited<ReturnType<typeof verifyData>>;
    try {
      report = await verifyData(target, checks, {
        restorePoint: new Date(input.restorePoint),
        rpoObjectiveSeconds: drills.objectives.rpoMinutes * 60,
        connectTimeoutMs: drills.dataCheckTimeouts.connectSeconds * 1000,
        statementTimeoutMs: drills.dataCheckTimeouts.statementSeconds * 1000,
      });
    } catch (error) {
      if (error instanceof DatabaseConnectionError) {
        const Failure = error.retryable ? RetryableError : VerificationFailedError;
        throw new Failure(`Restored database: ${error.message}`, { cause: error });
      }
      throw error;
    }
    logger.info('Restored data verified', {
      passed: report.passed,
      failed: report.checks.filter((check) => check.status === 'fail').map((check) => check.name),
      rpoSeconds: report.rpoSeconds,
    });
    return {
      passed: report.passed,
      checks: report.checks.map((check) => ({ ...check })),
      ...(report.newestDataAt === undefined ? {} : { newestDataAt: report.newestDataAt }),
      ...(report.rpoSeconds === undefined ? {} : { rpoSeconds: report.rpoSeconds }),
      verifiedAt: clock().toISOString(),
    };
  },
});

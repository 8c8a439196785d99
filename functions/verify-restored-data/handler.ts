/**
 * "Verify restored data" task of the recovery test: connects to the restored instance over
 * verified TLS with the credentials from Secrets Manager, runs the data checks (the input's, else
 * the environment's) each in a read-only transaction with a statement timeout, and returns every
 * check with its value and finding and the RPO. Failed checks are a result the workflow reports;
 * only a database it cannot reach is an error (RetryableError while it may be transient).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from '../../shared/clients/secrets-manager.js';
import { verifyData } from '../../shared/data-checks/run.js';
import { dataCheckSettingsShape } from '../../shared/data-checks/settings.js';
import { readDatabaseSecret, targetFromSecret } from '../../shared/database-secret.js';
import { RetryableError, VerificationFailedError } from '../../shared/errors.js';
import { automationHandler } from '../../shared/middleware.js';
import { logger } from '../../shared/powertools.js';
import { DatabaseConnectionError } from '../../shared/probes/postgres.js';
import { type VerifyRestoredDataOutput, verifyRestoredDataInput } from '../../workflows/recovery-test/contract.js';

/** What the handler connects with. */
export interface VerifyRestoredDataClients {
  readonly secretsManager: () => SecretsManagerClient;
  /**
   * PEM certificates to trust for the database's TLS. @default the runtime's trust store (on Lambda
   * it includes the RDS certificate authorities, NODE_EXTRA_CA_CERTS)
   */
  readonly databaseCa?: string;
}

export const { handler, createHandler } = automationHandler({
  workflow: 'recovery-test',
  schema: verifyRestoredDataInput,
  settings: dataCheckSettingsShape,
  clients: (): VerifyRestoredDataClients => ({ secretsManager: secretsManagerClient }),
  handler: async (input, { settings, clients, clock }): Promise<VerifyRestoredDataOutput> => {
    const checks = input.checks ?? settings.DATA_CHECKS;
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
        rpoObjectiveSeconds: settings.RPO_OBJECTIVE_MINUTES * 60,
        connectTimeoutMs: settings.CONNECT_TIMEOUT_SECONDS * 1000,
        statementTimeoutMs: settings.STATEMENT_TIMEOUT_SECONDS * 1000,
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

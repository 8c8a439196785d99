import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lazyClient } from './config.js';

/** Secrets Manager client of this container, created on first use with the shared retry settings. */
export const secretsManagerClient = lazyClient((config) => new SecretsManagerClient(config));

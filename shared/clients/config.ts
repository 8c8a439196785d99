/**
 * Settings every AWS SDK client of the automation shares. Each client type lives in its own file
 * (`shared/clients/rds.ts`, ...) so a bundle contains only the SDKs its handler imports, and each is
 * created on first use, once per container. AWS_ENDPOINT_URL and AWS_REGION are read by the SDK itself.
 */
import { tracer } from '../powertools.js';

/**
 * Adaptive retry: client-side rate limiting on throttling, which the drills hit when many
 * Describe calls poll at once. Five attempts bound a task's time before the state machine's
 * own Retry (with a longer backoff) takes over.
 */
export const CLIENT_CONFIG = { retryMode: 'adaptive', maxAttempts: 5 } as const;

/** Returns a getter that builds the client on first call (traced by X-Ray) and reuses it afterwards. */
export function lazyClient<Client extends object>(create: (config: typeof CLIENT_CONFIG) => Client): () => Client {
  let client: Client | undefined;
  return () => {
    client ??= tracer.captureAWSv3Client(create(CLIENT_CONFIG));
    return client;
  };
}

import { RDSClient } from '@aws-sdk/client-rds';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_CONFIG, lazyClient } from '../../../shared/clients/config.js';
import { rdsClient, regionalRdsClient } from '../../../shared/clients/rds.js';
import { snsClient } from '../../../shared/clients/sns.js';

describe('AWS clients', () => {
  it('builds a client on first use only, then reuses it', () => {
    const create = jest.fn(() => ({ id: Math.random() }));
    const get = lazyClient(create);
    expect(create).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create).toHaveBeenCalledWith(CLIENT_CONFIG);
  });

  it('gives each service its own singleton with adaptive retries', async () => {
    const rds = rdsClient();
    expect(rds).toBeInstanceOf(RDSClient);
    expect(rdsClient()).toBe(rds);
    expect(snsClient()).toBeInstanceOf(SNSClient);
    expect(await rds.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(await rds.config.maxAttempts()).toBe(5);
  });

  it('honours AWS_ENDPOINT_URL (the tests point it at loopback)', async () => {
    // Short-circuits before the network: records where the request would have gone.
    const client = snsClient();
    let hostname: string | undefined;
    client.middlewareStack.add(
      (_next) => async (args) => {
        hostname = (args.request as { hostname?: string }).hostname;
        throw new Error('stop before sending');
      },
      { step: 'finalizeRequest', name: 'recordHost' },
    );
    await expect(client.send(new ListTopicsCommand({}))).rejects.toThrow('stop before sending');
    client.middlewareStack.remove('recordHost');
    expect(hostname).toBe(new URL(String(process.env.AWS_ENDPOINT_URL)).hostname);
  });
});

describe('regionalRdsClient', () => {
  it('gives each region its own client, once per container', async () => {
    const west = regionalRdsClient('us-west-2');
    expect(regionalRdsClient('us-west-2')).toBe(west);
    expect(regionalRdsClient('us-east-1')).not.toBe(west);
    await expect(west.config.region()).resolves.toBe('us-west-2');
  });
});

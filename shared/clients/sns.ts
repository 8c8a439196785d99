import { SNSClient } from '@aws-sdk/client-sns';
import { lazyClient } from './config.js';

/** SNS client of this container, created on first use with the shared retry settings. */
export const snsClient = lazyClient((config) => new SNSClient(config));

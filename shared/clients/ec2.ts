import { EC2Client } from '@aws-sdk/client-ec2';
import { lazyClient } from './config.js';

/** EC2 client of this container, created on first use with the shared retry settings. */
export const ec2Client = lazyClient((config) => new EC2Client(config));

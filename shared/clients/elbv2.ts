import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { lazyClient } from './config.js';

/** Elastic Load Balancing v2 client of this container, created on first use with the shared retry settings. */
export const elbv2Client = lazyClient((config) => new ElasticLoadBalancingV2Client(config));

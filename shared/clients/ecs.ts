import { ECSClient } from '@aws-sdk/client-ecs';
import { lazyClient } from './config.js';

/** ECS client of this container, created on first use with the shared retry settings. */
export const ecsClient = lazyClient((config) => new ECSClient(config));

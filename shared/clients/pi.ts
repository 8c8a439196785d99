import { PIClient } from '@aws-sdk/client-pi';
import { lazyClient } from './config.js';

/** Performance Insights client of this container, created on first use with the shared retry settings. */
export const piClient = lazyClient((config) => new PIClient(config));

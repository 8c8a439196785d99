import { S3Client } from '@aws-sdk/client-s3';
import { lazyClient } from './config.js';

/** S3 client of this container, created on first use with the shared retry settings. */
export const s3Client = lazyClient((config) => new S3Client(config));

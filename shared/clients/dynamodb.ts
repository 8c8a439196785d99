import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazyClient } from './config.js';

/** DynamoDB client of this container, created on first use with the shared retry settings. */
export const dynamoDbClient = lazyClient((config) => new DynamoDBClient(config));

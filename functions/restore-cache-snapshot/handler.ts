/**
 * "Restore cache from snapshot" task of the full restore test (restore.ts). A Lambda rather than an
 * SDK integration because the AUTH token must never enter the execution's state: Step Functions
 * logs every state's input and output at level ALL. The environment is the function's own; a
 * payload naming another one is rejected.
 */
import {
  CreateReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { secretsManagerClient } from '../../shared/clients/secrets-manager.js';
import { ConfigurationError } from '../../shared/errors.js';
import { assertSameIdentity } from '../../shared/identity.js';
import { automationHandler } from '../../shared/middleware.js';
import { environmentSchema, executionContextSchema } from '../../shared/schemas.js';
import * as z from '../../shared/zod.js';
import type { RestoredCache } from '../../workflows/full-restore-test/contract.js';
import { type CacheRestoreApi, restoreCache, type SnapshotSummary } from './restore.js';

const tagSchema = z.object({ Key: z.string().check(z.minLength(1)), Value: z.string() });

/** What the state machine sends. */
export const inputSchema = z.object({
  ...executionContextSchema.shape,
  environment: environmentSchema,
  purpose: z.string().check(z.regex(/^[a-z][a-z0-9]{1,15}$/, 'must be 2-16 lower-case letters and digits')),
  sourceReplicationGroupId: z.string().check(z.minLength(1)),
  nodeType: z.string().check(z.regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be a node type such as cache.t3.small')),
  engineVersion: z.string().check(z.minLength(1)),
  port: z.number().check(z.int(), z.gte(1), z.lte(65535)),
  subnetGroupName: z.string().check(z.minLength(1)),
  securityGroupIds: z
    .array(z.string().check(z.minLength(1)))
    .check(z.minLength(1, "must name the group's security group")),
  transitEncryption: z.boolean(),
  authTokenSecretArn: z.optional(z.string().check(z.minLength(1))),
  tags: z.array(tagSchema),
});

/** The clients the task uses. */
export interface RestoreCacheClients {
  readonly elastiCache: () => ElastiCacheClient;
  readonly secretsManager: () => SecretsManagerClient;
}

/** The SDK behind `CacheRestoreApi`. */
function sdkApi(clients: RestoreCacheClients): CacheRestoreApi {
  return {
    async snapshotsOf(replicationGroupId) {
      const snapshots: SnapshotSummary[] = [];
      let marker: string | undefined;
      do {
        const page = await clients
          .elastiCache()
          .send(new DescribeSnapshotsCommand({ ReplicationGroupId: replicationGroupId, Marker: marker }));
        for (const snapshot of page.Snapshots ?? []) {
          const created = snapshot.NodeSnapshots?.[0]?.SnapshotCreateTime;
          snapshots.push({
            name: snapshot.SnapshotName ?? '',
            status: snapshot.SnapshotStatus ?? 'unknown',
            createdAt: created === undefined ? undefined : new Date(created),
          });
        }
        marker = page.Marker;
      } while (marker !== undefined);
      return snapshots;
    },
    async createReplicationGroup(request) {
      await clients.elastiCache().send(
        new CreateReplicationGroupCommand({
          ReplicationGroupId: request.replicationGroupId,
          ReplicationGroupDescription: request.description,
          SnapshotName: request.snapshotName,
          Engine: 'redis',
          EngineVersion: request.engineVersion,
          CacheNodeType: request.nodeType,
          NumCacheClusters: 1,
          AutomaticFailoverEnabled: false,
          MultiAZEnabled: false,
          Port: request.port,
          CacheSubnetGroupName: request.subnetGroupName,
          SecurityGroupIds: [...request.securityGroupIds],
          AtRestEncryptionEnabled: true,
          TransitEncryptionEnabled: request.transitEncryption,
          ...(request.authToken === undefined ? {} : { AuthToken: request.authToken }),
          SnapshotRetentionLimit: 0,
          AutoMinorVersionUpgrade: false,
          Tags: request.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })),
        }),
      );
    },
    async tagsOf(replicationGroupId) {
      // ListTagsForResource takes the ARN: the group's own description names it.
      const described = await clients
        .elastiCache()
        .send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }));
      const arn = described.ReplicationGroups?.[0]?.ARN;
      if (arn === undefined) return [];
      const response = await clients.elastiCache().send(new ListTagsForResourceCommand({ ResourceName: arn }));
      return response.TagList ?? [];
    },
    async authToken(secretArn) {
      const response = await clients.secretsManager().send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (response.SecretString === undefined || response.SecretString === '') {
        throw new ConfigurationError(`Secret ${secretArn} has no SecretString: expected the Redis AUTH token`);
      }
      return response.SecretString;
    },
  };
}

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: (): RestoreCacheClients => ({ elastiCache: elastiCacheClient, secretsManager: secretsManagerClient }),
  handler: async (input, { settings, clients }): Promise<RestoredCache> => {
    assertSameIdentity('environment', input.environment, settings.ENVIRONMENT);
    return restoreCache(sdkApi(clients), {
      environment: input.environment,
      execution: input.execution,
      purpose: input.purpose,
      sourceReplicationGroupId: input.sourceReplicationGroupId,
      nodeType: input.nodeType,
      engineVersion: input.engineVersion,
      port: input.port,
      subnetGroupName: input.subnetGroupName,
      securityGroupIds: input.securityGroupIds,
      transitEncryption: input.transitEncryption,
      authTokenSecretArn: input.authTokenSecretArn,
      tags: input.tags,
    });
  },
});

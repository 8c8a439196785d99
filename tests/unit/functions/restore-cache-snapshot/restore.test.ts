/** The cache restore's decisions, through a fake CacheRestoreApi (no SDK). */
import {
  type CacheRestoreApi,
  type CacheRestoreRequest,
  type CreateReplicationGroupRequest,
  newestAvailableSnapshot,
  restoreCache,
  temporaryReplicationGroupId,
} from '../../../../functions/restore-cache-snapshot/restore.js';
import { automationTags } from '../../../../shared/tags.js';

const EXECUTION = 'full-restore-2026-q1';
const tags = automationTags({ environment: 'prod', execution: EXECUTION, expiresAt: new Date('2099-01-01T00:00:00Z') });

function request(overrides: Partial<CacheRestoreRequest> = {}): CacheRestoreRequest {
  return {
    environment: 'prod',
    execution: EXECUTION,
    purpose: 'full',
    sourceReplicationGroupId: 'interactions-prod',
    nodeType: 'cache.t3.medium',
    engineVersion: '7.1',
    port: 6379,
    subnetGroupName: 'interactions-prod-redis',
    securityGroupIds: ['sg-0123'],
    transitEncryption: true,
    authTokenSecretArn:
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:/interactions/prod/redis-auth-token-AbCdEf',
    tags,
    ...overrides,
  };
}

function fakeApi(overrides: Partial<CacheRestoreApi> = {}) {
  const created: CreateReplicationGroupRequest[] = [];
  const api: CacheRestoreApi = {
    snapshotsOf: async () => [
      { name: 'old', status: 'available', createdAt: new Date('2026-11-27T03:00:00Z') },
      { name: 'newest', status: 'available', createdAt: new Date('2026-11-29T03:00:00Z') },
      { name: 'in-progress', status: 'creating', createdAt: undefined },
    ],
    createReplicationGroup: async (req) => {
      created.push(req);
    },
    tagsOf: async () => [],
    authToken: async () => 'token-token-token-token',
    ...overrides,
  };
  return { api, created };
}

const alreadyExists = () => Object.assign(new Error('exists'), { name: 'ReplicationGroupAlreadyExistsFault' });

describe('temporaryReplicationGroupId', () => {
  it('is at most 40 characters in every environment and decided by the execution alone', () => {
    // Act
    const id = temporaryReplicationGroupId('staging', 'full', 'a'.repeat(80));

    // Assess
    expect(id).toMatch(/^interactions-staging-full-[0-9a-f]{12}$/);
    expect(id.length).toBeLessThanOrEqual(40);
    expect(temporaryReplicationGroupId('staging', 'full', 'a'.repeat(80))).toBe(id);
    expect(temporaryReplicationGroupId('staging', 'full', 'b')).not.toBe(id);
  });
});

describe('newestAvailableSnapshot', () => {
  it('fails naming the source when no snapshot is available', () => {
    expect(() =>
      newestAvailableSnapshot([{ name: 'x', status: 'creating', createdAt: undefined }], 'interactions-prod'),
    ).toThrow(
      'Replication group interactions-prod has no available snapshot to restore (1 snapshot(s), none available)',
    );
  });
});

describe('restoreCache', () => {
  it('creates the group from the newest available snapshot with the token, the placement and the tags', async () => {
    // Prepare
    const { api, created } = fakeApi();

    // Act
    const result = await restoreCache(api, request());

    // Assess
    expect(result).toEqual({
      replicationGroupId: temporaryReplicationGroupId('prod', 'full', EXECUTION),
      snapshotName: 'newest',
      snapshotCreatedAt: '2026-11-29T03:00:00.000Z',
      outcome: 'created',
    });
    expect(created[0]).toMatchObject({
      snapshotName: 'newest',
      subnetGroupName: 'interactions-prod-redis',
      transitEncryption: true,
      authToken: 'token-token-token-token',
      tags,
    });
  });

  it('reads no token and sends none where the platform has no transit encryption (dev)', async () => {
    // Prepare
    const { api, created } = fakeApi({
      authToken: async () => {
        throw new Error('must not be read');
      },
    });

    // Act
    await restoreCache(api, request({ transitEncryption: false, authTokenSecretArn: undefined }));

    // Assess
    expect(created[0]?.authToken).toBeUndefined();
  });

  it('adopts a group of its name whose tags name this execution', async () => {
    // Prepare
    const { api } = fakeApi({
      createReplicationGroup: async () => {
        throw alreadyExists();
      },
      tagsOf: async () => tags,
    });

    // Act
    const result = await restoreCache(api, request());

    // Assess
    expect(result.outcome).toBe('adopted');
  });

  it('refuses a group of its name that another execution created', async () => {
    // Prepare
    const other = automationTags({ environment: 'prod', execution: 'other', expiresAt: new Date('2099-01-01') });
    const { api } = fakeApi({
      createReplicationGroup: async () => {
        throw alreadyExists();
      },
      tagsOf: async () => other,
    });

    // Act / Assess
    await expect(restoreCache(api, request())).rejects.toThrow('was not created by this execution');
  });

  it('refuses tags that do not name this execution before any call', async () => {
    // Prepare
    const { api, created } = fakeApi();
    const other = automationTags({ environment: 'prod', execution: 'other', expiresAt: new Date('2099-01-01') });

    // Act / Assess
    await expect(restoreCache(api, request({ tags: other }))).rejects.toThrow('tags must carry');
    expect(created).toEqual([]);
  });

  it('refuses transit encryption without the token secret', async () => {
    const { api } = fakeApi();
    await expect(restoreCache(api, request({ authTokenSecretArn: undefined }))).rejects.toThrow(
      'authTokenSecretArn is required',
    );
  });

  it('passes on any other create error unchanged', async () => {
    // Prepare
    const { api } = fakeApi({
      createReplicationGroup: async () => {
        throw Object.assign(new Error('quota'), { name: 'NodeQuotaForCustomerExceededFault' });
      },
    });

    // Act / Assess
    await expect(restoreCache(api, request())).rejects.toThrow('quota');
  });
});

/**
 * `frontend deploy | releases | rollback` against a real S3 API (s3rver) with the seed's bucket,
 * and a loopback "CDN" that serves the live site from that bucket with the stored headers.
 * CloudFront and Parameter Store are mocked at the SDK boundary.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../../cli/context.js';
import { CURRENT_POINTER_KEY } from '../../../cli/frontend/release-store.js';
import { type LocalS3, startLocalS3 } from '../../support/s3-server.js';
import { FIXED_NOW, run } from './harness.js';

const BUCKET = 'interactions-prod-assets';
const RELEASE = '20250601T101112Z';
const cloudfront = mockClient(CloudFrontClient);
const ssm = mockClient(SSMClient);

let s3: LocalS3;
let cdn: { url: string; server: Server; cacheControlOverride?: string };
let workDir: string;

/** A loopback stand-in for CloudFront: serves the bucket's live objects with their stored headers. */
async function startCdn(client: S3Client) {
  const state: { url: string; server: Server; cacheControlOverride?: string } = {
    url: '',
    server: createServer(async (request, response) => {
      const key = (request.url ?? '/').replace(/^\//, '').split('?')[0] || 'index.html';
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        response.setHeader('content-type', object.ContentType ?? 'application/octet-stream');
        response.setHeader('cache-control', state.cacheControlOverride ?? object.CacheControl ?? '');
        response.end(await object.Body?.transformToString());
      } catch {
        response.statusCode = 404;
        response.end('not found');
      }
    }),
  };
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

/** Writes a build directory: index.html referencing a hashed /static/ script, and other files. */
function writeBuild(name: string, marker: string): string {
  const dir = join(workDir, name);
  mkdirSync(join(dir, 'static', 'js'), { recursive: true });
  mkdirSync(join(dir, 'static', 'css'), { recursive: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><title>${marker}</title><link href="/static/css/site.${marker}.css" rel="stylesheet"><script src="/static/js/app.${marker}.js"></script>`,
  );
  writeFileSync(join(dir, 'static', 'js', `app.${marker}.js`), `console.log('${marker}')`);
  writeFileSync(join(dir, 'static', 'css', `site.${marker}.css`), 'body{}');
  writeFileSync(join(dir, 'build', 'asset-manifest.json'), JSON.stringify({ marker }));
  writeFileSync(join(dir, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  return dir;
}

function clientsWith(s3Client: S3Client) {
  const regions: string[] = [];
  const clients = (region: string): AwsClients => {
    regions.push(region);
    return {
      sfn: new SFNClient({ region }),
      rds: new RDSClient({ region }),
      elasticache: new ElastiCacheClient({ region }),
      s3: s3Client,
      cloudfront: new CloudFrontClient({ region }),
      ssm: new SSMClient({ region }),
    };
  };
  return { clients, regions };
}

async function objectKeys(prefix = ''): Promise<string[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

async function object(key: string) {
  const result = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return {
    body: await result.Body?.transformToString(),
    contentType: result.ContentType,
    cacheControl: result.CacheControl,
  };
}

async function emptyBucket() {
  const { DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const keys = await objectKeys();
  if (keys.length > 0) {
    await s3.client.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
    );
  }
}

function deploy(buildDir: string, extra: readonly string[] = [], s3Client = s3.client, now = FIXED_NOW) {
  return run(['frontend', 'deploy', 'prod', buildDir, '--cdn-url', cdn.url, ...extra], {
    clients: clientsWith(s3Client).clients,
    now: () => now,
  });
}

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  cdn = await startCdn(s3.client);
  workDir = mkdtempSync(join(tmpdir(), 'frontend-deploy-'));
});

afterAll(async () => {
  await new Promise((resolve) => cdn.server.close(resolve));
  await s3.stop();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await emptyBucket();
  cdn.cacheControlOverride = undefined;
  cloudfront.reset();
  ssm.reset();
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      { Name: '/interactions/prod/cdn/distribution-id', Value: 'E2EXAMPLE' },
      { Name: '/interactions/prod/cdn/domain-name', Value: 'd111111abcdef8.cloudfront.net' },
    ],
  });
  cloudfront.on(CreateInvalidationCommand).resolves({
    Invalidation: { Id: 'I2J0I21PCUYOIK', Status: 'InProgress', CreateTime: FIXED_NOW, InvalidationBatch: undefined },
  });
  cloudfront.on(GetInvalidationCommand).resolves({
    Invalidation: { Id: 'I2J0I21PCUYOIK', Status: 'Completed', CreateTime: FIXED_NOW, InvalidationBatch: undefined },
  });
});

describe('frontend deploy', () => {
  it('uploads a release with the seed cache headers, publishes it, invalidates /* and verifies the CDN', async () => {
    // Prepare
    const build = writeBuild('v1', 'aaa111');

    // Act
    const result = await deploy(build, ['--json']);

    // Assess
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    expect(outcome).toMatchObject({ release: RELEASE, files: 5, previous: null, verification: { passed: true } });
    expect(await object(`releases/${RELEASE}/static/js/app.aaa111.js`)).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(await object('index.html')).toMatchObject({
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache, no-store, must-revalidate, max-age=0',
    });
    expect(await object('build/asset-manifest.json')).toMatchObject({ cacheControl: 'public, max-age=86400' });
    expect(await object('favicon.ico')).toMatchObject({ cacheControl: 'public, max-age=86400' });
    expect(JSON.parse((await object(CURRENT_POINTER_KEY)).body ?? '')).toMatchObject({ release: RELEASE });
    const invalidation = cloudfront.commandCalls(CreateInvalidationCommand)[0]?.args[0].input;
    expect(invalidation?.DistributionId).toBe('E2EXAMPLE');
    expect(invalidation?.InvalidationBatch?.Paths).toEqual({ Quantity: 1, Items: ['/*'] });
  });

  it('works in the edge region (us-east-1) whatever the environment region is', async () => {
    // Prepare
    const build = writeBuild('region', 'bbb222');
    const { clients, regions } = clientsWith(s3.client);

    // Act
    const result = await run(['frontend', 'deploy', 'prod', build, '--cdn-url', cdn.url], { clients });

    // Assess
    expect(result.code).toBe(0);
    expect(new Set(regions)).toEqual(new Set(['us-east-1']));
  });

  it('leaves the live site untouched and removes the partial release when an upload fails', async () => {
    // Prepare: v1 is live; the upload of v2's script is refused by S3.
    await deploy(writeBuild('live', 'ccc333'), ['--no-verify']);
    const liveBefore = await object('index.html');
    const failing = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    failing.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: string };
        if (input.Key?.endsWith('app.ddd444.js'))
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        return next(args);
      },
      { step: 'initialize' },
    );
    const later = new Date(FIXED_NOW.getTime() + 3_600_000);

    // Act
    const result = await deploy(writeBuild('broken', 'ddd444'), [], failing, later);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AccessDenied: Access Denied; the live site was not changed');
    expect(await object('index.html')).toEqual(liveBefore);
    expect(await objectKeys('releases/20250601T111112Z')).toEqual([]);
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(1);
  });

  it('refuses a release id already in the bucket (two deploys in one second), leaving that release and the site as they were', async () => {
    // Prepare: release RELEASE is live; a second build is deployed in the same second.
    await deploy(writeBuild('same-second-1', 'nnn111'), ['--no-verify']);
    const liveBefore = await object('index.html');
    const manifestBefore = await object(`releases/${RELEASE}.manifest.json`);

    // Act
    const result = await deploy(writeBuild('same-second-2', 'nnn222'), ['--no-verify']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`release ${RELEASE} already exists`);
    expect(await object('index.html')).toEqual(liveBefore);
    expect(await object(`releases/${RELEASE}.manifest.json`)).toEqual(manifestBefore);
    expect(await objectKeys(`releases/${RELEASE}/static/js/`)).toEqual([`releases/${RELEASE}/static/js/app.nnn111.js`]);
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(1);
  });

  it('refuses a release id whose earlier upload left objects but no manifest', async () => {
    // Prepare: a partial release whose cleanup could not finish.
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `releases/${RELEASE}/index.html`, Body: 'x' }));

    // Act
    const result = await deploy(writeBuild('after-partial', 'ooo111'), ['--no-verify']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`release ${RELEASE} already exists`);
    expect(await objectKeys()).toEqual([`releases/${RELEASE}/index.html`]);
  });

  it('switches the site with index.html copied last, and keeps the old entry page when that copy fails', async () => {
    // Prepare: v1 live; S3 records the order of copies and refuses the copy of index.html.
    await deploy(writeBuild('before-switch', 'kkk111'), ['--no-verify']);
    const liveBefore = await object('index.html');
    const copies: string[] = [];
    const recording = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    recording.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: string; CopySource?: string };
        if (input.CopySource) {
          copies.push(input.Key ?? '');
          if (input.Key === 'index.html') throw Object.assign(new Error('Slow Down'), { name: 'SlowDown' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );

    // Act
    const result = await deploy(
      writeBuild('switch', 'lll222'),
      ['--no-verify'],
      recording,
      new Date(FIXED_NOW.getTime() + 60_000),
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `publishing release 20250601T101212Z to s3://${BUCKET}/ failed: SlowDown: Slow Down; index.html was not switched, so the site still serves release ${RELEASE}`,
    );
    expect(result.stderr).toContain('(retry with: frontend rollback prod 20250601T101212Z)');
    expect(copies.at(-1)).toBe('index.html');
    expect(copies.slice(0, -1)).not.toContain('index.html');
    expect(await object('index.html')).toEqual(liveBefore);
    expect(JSON.parse((await object(CURRENT_POINTER_KEY)).body ?? '')).toMatchObject({ release: RELEASE });
  });

  it('says the site switched but the pointer was not recorded when only that write fails', async () => {
    // Prepare: S3 refuses the write of releases/current.json.
    const refusing = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    refusing.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: string; Body?: unknown };
        if (input.Key === CURRENT_POINTER_KEY && input.Body !== undefined)
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        return next(args);
      },
      { step: 'initialize' },
    );

    // Act
    const result = await deploy(writeBuild('no-pointer', 'ppp111'), ['--no-verify'], refusing);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `release ${RELEASE} is live at s3://${BUCKET}/ but recording it in ${CURRENT_POINTER_KEY} failed`,
    );
    expect(result.stderr).not.toContain('retry with');
    expect((await object('index.html')).body).toContain('ppp111');
  });

  it('fails naming the invalidation when CloudFront never completes it, after publishing', async () => {
    // Prepare
    cloudfront.on(GetInvalidationCommand).resolves({
      Invalidation: { Id: 'I2J0I21PCUYOIK', Status: 'InProgress', CreateTime: FIXED_NOW, InvalidationBatch: undefined },
    });

    // Act
    const result = await deploy(writeBuild('slow-cdn', 'mmm333'));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalidation I2J0I21PCUYOIK of distribution E2EXAMPLE not completed after 600 s');
    expect(cloudfront.commandCalls(GetInvalidationCommand)).toHaveLength(120);
  });

  it('fails after publishing, naming the finding and the rollback, when the CDN serves index.html cacheable', async () => {
    // Prepare
    await deploy(writeBuild('first', 'eee555'), ['--no-verify']);
    cdn.cacheControlOverride = 'public, max-age=3600';
    const later = new Date(FIXED_NOW.getTime() + 60_000);

    // Act
    const result = await deploy(writeBuild('second', 'fff666'), [], s3.client, later);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('index.html');
    expect(result.stderr).toContain(`frontend rollback prod ${RELEASE}`);
  });

  it.each([
    ['a missing directory', () => join(workDir, 'nope'), 'does not exist'],
    [
      'a directory without index.html',
      () => {
        const dir = join(workDir, 'no-index');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'app.js'), '');
        return dir;
      },
      'has no index.html at its root',
    ],
  ])('rejects %s as a usage error before any AWS call', async (_, makeDir, message) => {
    // Act
    const result = await deploy(makeDir());

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(ssm.calls()).toHaveLength(0);
    expect(await objectKeys()).toEqual([]);
  });

  it('rejects a label that cannot be part of an S3 key', async () => {
    const result = await deploy(writeBuild('label', 'ggg777'), ['--label', '../v1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--label');
  });

  it('lists files and headers on --dry-run without any AWS call', async () => {
    const result = await deploy(writeBuild('dry', 'hhh888'), ['--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('static/js/app.hhh888.js');
    expect(result.stdout).toContain('public, max-age=31536000, immutable');
    expect(ssm.calls()).toHaveLength(0);
    expect(await objectKeys()).toEqual([]);
  });

  it('fails before uploading when the edge stack has not published the distribution', async () => {
    // Prepare
    ssm.reset();
    ssm
      .on(GetParametersCommand)
      .resolves({ Parameters: [], InvalidParameters: ['/interactions/prod/cdn/distribution-id'] });

    // Act
    const result = await deploy(writeBuild('no-edge', 'iii999'));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('deploy interactions-prod-edge first');
    expect(await objectKeys()).toEqual([]);
  });

  it('refuses --region other than the edge region', async () => {
    const result = await deploy(writeBuild('other-region', 'jjj000'), ['--region', 'eu-west-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('us-east-1');
  });
});

describe('frontend releases and rollback', () => {
  async function deployTwo() {
    await deploy(writeBuild('old', 'old111'), ['--no-verify', '--label', 'v1.0.0']);
    await deploy(
      writeBuild('new', 'new222'),
      ['--no-verify', '--label', 'v1.1.0'],
      s3.client,
      new Date(FIXED_NOW.getTime() + 86_400_000),
    );
    return { old: `${RELEASE}-v1.0.0`, current: '20250602T101112Z-v1.1.0' };
  }

  it('lists complete releases newest first and marks the live one', async () => {
    // Prepare
    const { old, current } = await deployTwo();

    // Act
    const result = await run(['frontend', 'releases', 'prod', '--json'], { clients: clientsWith(s3.client).clients });

    // Assess
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout);
    expect(listing.releases.map((row: { release: string; live: boolean }) => [row.release, row.live])).toEqual([
      [current, true],
      [old, false],
    ]);
    expect(listing.live).toMatchObject({ release: current, previous: old });
  });

  it('restores a previous release as the live site and invalidates', async () => {
    // Prepare
    const { old, current } = await deployTwo();
    cloudfront.resetHistory();

    // Act
    const result = await run(['frontend', 'rollback', 'prod', old, '--cdn-url', cdn.url, '--json'], {
      clients: clientsWith(s3.client).clients,
    });

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      release: old,
      previous: current,
      verification: { passed: true },
    });
    expect((await object('index.html')).body).toContain('old111');
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(1);
  });

  it('fails with a pointer to the listing for an unknown release, and changes nothing', async () => {
    // Prepare
    await deployTwo();
    const liveBefore = await object('index.html');

    // Act
    const result = await run(['frontend', 'rollback', 'prod', '20240101T000000Z'], {
      clients: clientsWith(s3.client).clients,
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('frontend releases prod');
    expect(await object('index.html')).toEqual(liveBefore);
  });

  it('rejects a malformed release id as a usage error', async () => {
    const result = await run(['frontend', 'rollback', 'prod', '../../etc'], {
      clients: clientsWith(s3.client).clients,
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid release '../../etc'");
  });
});

/**
 * Frontend releases in the assets bucket (the seed's layout: the live site at the root, previous
 * builds under `releases/`). A deploy uploads the whole build to `releases/<id>/` first and writes
 * its manifest last, so a failed upload never reaches the live site; publishing copies a release
 * to the root with `index.html` last, so the site switches when its entry page does.
 * Live files a release does not contain are kept: pages cached before the switch still reference
 * them, and the bucket's versioning and lifecycle rule bound what they cost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { INDEX_PAGE, RESERVED_DIRECTORY, type SiteFile } from './site-files.js';

/** Where releases live in the bucket. */
export const RELEASES_PREFIX = `${RESERVED_DIRECTORY}/`;
/** The pointer to the release the live site was published from. */
export const CURRENT_POINTER_KEY = `${RELEASES_PREFIX}current.json`;
const MANIFEST_SUFFIX = '.manifest.json';
/** Parallel S3 requests of one upload or publish: fast on a CI runner, far below S3's request rates. */
const CONCURRENCY = 8;

/** `20261129T160512Z` or `20261129T160512Z-v1.4.0`: sortable by time, safe as an S3 key part. */
const RELEASE_ID = /^\d{8}T\d{6}Z(-[A-Za-z0-9._]{1,40})?$/;

/** What a release holds; written after its last file, so only complete releases have one. */
export interface ReleaseManifest {
  readonly release: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly files: readonly SiteFile[];
}

/** Which release the live site was last published from. */
export interface CurrentPointer {
  readonly release: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
  /** The release live before this one: what a quick rollback returns to. */
  readonly previous?: string;
}

/** A release id from the deploy time and an optional label (a version), e.g. `20261129T160512Z-v1.4.0`. */
export function releaseId(at: Date, label?: string): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const id = label ? `${stamp}-${label}` : stamp;
  if (!RELEASE_ID.test(id)) {
    throw new RangeError(`release label '${label}' must be 1-40 letters, digits, '.' or '_' (e.g. v1.4.0)`);
  }
  return id;
}

/** Whether `value` is a release id as `releaseId` makes them. */
export function isReleaseId(value: string): boolean {
  return RELEASE_ID.test(value);
}

/** An upload refused before it began, or an S3 failure part-way through, with what was left behind. */
export class ReleaseUploadError extends Error {
  constructor(
    message: string,
    /** Keys of the partial release that could not be removed (empty when cleanup succeeded). */
    readonly leftBehind: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ReleaseUploadError';
  }
}

/** A publish that failed part-way: whether the live entry page had already switched. */
export class ReleasePublishError extends Error {
  constructor(
    message: string,
    /** Whether `index.html` of the release was copied (the site serves it) before the failure. */
    readonly switched: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ReleasePublishError';
  }
}

/** One bucket's releases. */
export class ReleaseStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /**
   * Uploads every file of the build to `releases/<id>/`, then the manifest. On any failure the
   * uploaded objects are deleted again and the error names the file that failed. A release id that
   * is already in the bucket (two deploys in the same second) is refused before any write: the
   * upload would overwrite that release, and its cleanup after a failure would delete its files.
   */
  async upload(buildDir: string, manifest: ReleaseManifest, onFile?: (file: SiteFile) => void): Promise<void> {
    const prefix = `${RELEASES_PREFIX}${manifest.release}/`;
    if (await this.exists(manifest.release)) {
      throw new ReleaseUploadError(
        `release ${manifest.release} already exists in s3://${this.bucket}/${RELEASES_PREFIX}: a deploy never ` +
          'overwrites a release (deploy again a second later, or with another --label); the live site was not changed',
        [],
      );
    }
    const uploaded: string[] = [];
    try {
      await inBatches(manifest.files, async (file) => {
        const key = `${prefix}${file.key}`;
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: readFileSync(join(buildDir, ...file.key.split('/'))),
            ContentType: file.contentType,
            CacheControl: file.cacheControl,
          }),
        );
        uploaded.push(key);
        onFile?.(file);
      });
      await this.putJson(manifestKey(manifest.release), manifest);
    } catch (error) {
      const leftBehind = await this.deleteQuietly(uploaded);
      throw new ReleaseUploadError(
        `upload of release ${manifest.release} to s3://${this.bucket}/${prefix} failed: ${errorText(error)}; the live site was not changed` +
          (leftBehind.length > 0 ? ` (${leftBehind.length} uploaded objects could not be removed)` : ''),
        leftBehind,
        { cause: error },
      );
    }
  }

  /**
   * Copies the release's files to the site root with their headers, `index.html` last, then moves
   * the current pointer. A failure before `index.html` is copied leaves the old entry page live.
   */
  async publish(manifest: ReleaseManifest, publishedBy: string, at: Date): Promise<CurrentPointer> {
    const previous = await this.current();
    const assets = manifest.files.filter((file) => file.key !== INDEX_PAGE);
    const entryPages = manifest.files.filter((file) => file.key === INDEX_PAGE);
    const where = `s3://${this.bucket}/`;
    try {
      await inBatches(assets, (file) => this.copyToRoot(manifest.release, file));
      for (const file of entryPages) await this.copyToRoot(manifest.release, file);
    } catch (error) {
      throw new ReleasePublishError(
        `publishing release ${manifest.release} to ${where} failed: ${errorText(error)}; index.html was not ` +
          `switched, so the site still serves ${previous ? `release ${previous.release}` : 'what it served'} ` +
          "(some of the new release's other files may already be copied next to it)",
        false,
        { cause: error },
      );
    }
    const pointer: CurrentPointer = {
      release: manifest.release,
      publishedAt: at.toISOString(),
      publishedBy,
      ...(previous && previous.release !== manifest.release ? { previous: previous.release } : {}),
    };
    try {
      await this.putJson(CURRENT_POINTER_KEY, pointer);
    } catch (error) {
      throw new ReleasePublishError(
        `release ${manifest.release} is live at ${where} but recording it in ${CURRENT_POINTER_KEY} failed: ` +
          `${errorText(error)}; frontend releases will not mark it live until it is published again`,
        true,
        { cause: error },
      );
    }
    return pointer;
  }

  /** The manifest of `release`, or undefined when no complete release has that id. */
  async manifest(release: string): Promise<ReleaseManifest | undefined> {
    return this.getJson<ReleaseManifest>(manifestKey(release));
  }

  /** Whether `release` has a manifest or any object under its prefix (complete or not). */
  async exists(release: string): Promise<boolean> {
    if ((await this.manifest(release)) !== undefined) return true;
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${RELEASES_PREFIX}${release}/`, MaxKeys: 1 }),
    );
    return (listed.KeyCount ?? listed.Contents?.length ?? 0) > 0;
  }

  /** The current pointer, or undefined before the first deploy. */
  async current(): Promise<CurrentPointer | undefined> {
    return this.getJson<CurrentPointer>(CURRENT_POINTER_KEY);
  }

  /** Ids of every complete release, newest first. */
  async list(): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket, Prefix: RELEASES_PREFIX, Delimiter: '/' },
    )) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(RELEASES_PREFIX.length) ?? '';
        if (name.endsWith(MANIFEST_SUFFIX)) {
          const id = name.slice(0, -MANIFEST_SUFFIX.length);
          if (isReleaseId(id)) ids.push(id);
        }
      }
    }
    return ids.sort().reverse();
  }

  private async copyToRoot(release: string, file: SiteFile): Promise<void> {
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: file.key,
        CopySource: `${this.bucket}/${encodeURIComponent(`${RELEASES_PREFIX}${release}/${file.key}`).replace(/%2F/g, '/')}`,
        // REPLACE: the live object gets the headers of the manifest, whatever the copy source had.
        MetadataDirective: 'REPLACE',
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
      }),
    );
  }

  private async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
        // Release bookkeeping is read by the CLI only, never through the CDN.
        CacheControl: 'no-store',
      }),
    );
  }

  private async getJson<T>(key: string): Promise<T | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse((await object.Body?.transformToString()) ?? 'null') as T;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  /** Deletes `keys`; returns those that could not be deleted. */
  private async deleteQuietly(keys: readonly string[]): Promise<string[]> {
    const left: string[] = [];
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      try {
        const result = await this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })) } }),
        );
        left.push(...(result.Errors ?? []).map((error) => error.Key ?? '?'));
      } catch {
        left.push(...batch);
      }
    }
    return left;
  }
}

function manifestKey(release: string): string {
  return `${RELEASES_PREFIX}${release}${MANIFEST_SUFFIX}`;
}

/**
 * Runs `task` over `items`, at most CONCURRENCY at a time. After a failure no new item starts, and
 * the first error is thrown only once the tasks in flight have settled, so a cleanup that follows
 * sees every object that was written.
 */
async function inBatches<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

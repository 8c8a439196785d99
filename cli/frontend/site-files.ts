/**
 * What a frontend build looks like to the CDN: which files a build directory holds and the
 * Content-Type and Cache-Control each one is served with, from the seed's "Cache behaviors" table
 * (`/static/*` one year, `/build/*` one day, `index.html` never cached) and the environment's TTLs.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import mime from 'mime';
import type { CdnConfig } from '../../infra/config/index.js';
import { shown } from '../inputs.js';

/** The page every route serves; uploaded last when a release goes live. */
export const INDEX_PAGE = 'index.html';

/**
 * The top-level directory of the bucket that holds the releases and their bookkeeping
 * (`releases/current.json`, `releases/<id>.manifest.json`): a build file there would overwrite them
 * when its release goes live.
 */
export const RESERVED_DIRECTORY = 'releases';

/** One file of a build: its key relative to the site root and how it is served. */
export interface SiteFile {
  /** Path below the site root with `/` separators, e.g. `static/js/app.3f2a.js`. */
  readonly key: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly sizeBytes: number;
}

/** A build directory that cannot be deployed. */
export class InvalidBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBuildError';
  }
}

/** Never stored by browsers or shared caches: a new release is visible on the next request. */
const NEVER_CACHED = 'no-cache, no-store, must-revalidate, max-age=0';

/**
 * Cache-Control for a key. The CDN's cache policies set its own TTLs; these headers govern
 * browsers, so both follow the same table. Static assets are content-hashed by the build, so a
 * year-long `immutable` lifetime is safe for them.
 */
export function cacheControlFor(
  key: string,
  ttl: Pick<CdnConfig, 'staticTtlSeconds' | 'buildTtlSeconds' | 'defaultTtlSeconds'>,
): string {
  if (key === INDEX_PAGE) return NEVER_CACHED;
  if (key.startsWith('static/')) return `public, max-age=${ttl.staticTtlSeconds}, immutable`;
  if (key.startsWith('build/')) return `public, max-age=${ttl.buildTtlSeconds}`;
  return `public, max-age=${ttl.defaultTtlSeconds}`;
}

/** Content-Type for a key, with a charset for text; unknown extensions are served as binary. */
export function contentTypeFor(key: string): string {
  const type = mime.getType(key) ?? 'application/octet-stream';
  const isText = type.startsWith('text/') || type === 'application/javascript' || type === 'application/json';
  return isText ? `${type}; charset=utf-8` : type;
}

/**
 * Every file of `buildDir` with how it is served. Fails, naming the problem, when the directory is
 * missing, empty, has no `index.html` at its root, holds a name S3 keys cannot carry faithfully, a
 * file under `releases/`, or anything but directories and regular files (a symbolic link is refused,
 * not followed: it could publish a file from outside the build, and skipping it would publish an
 * incomplete site).
 */
export function readBuild(
  buildDir: string,
  ttl: Pick<CdnConfig, 'staticTtlSeconds' | 'buildTtlSeconds' | 'defaultTtlSeconds'>,
): SiteFile[] {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(buildDir);
  } catch {
    throw new InvalidBuildError(`build directory '${buildDir}' does not exist`);
  }
  if (!stats.isDirectory()) throw new InvalidBuildError(`'${buildDir}' is not a directory`);
  const files: SiteFile[] = [];
  for (const path of walk(buildDir)) {
    const key = relative(buildDir, path).split(sep).join('/');
    // A release is addressed under releases/<id>/ and listed by prefix: a key that looks like a
    // parent reference or carries control characters would break both.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
    if (key.split('/').includes('..') || /[\u0000-\u001f\u007f\\]/.test(key)) {
      throw new InvalidBuildError(`build file '${shown(key)}' has a name that cannot be an S3 key`);
    }
    if (key.split('/')[0] === RESERVED_DIRECTORY) {
      throw new InvalidBuildError(
        `build file '${shown(key)}' is under ${RESERVED_DIRECTORY}/, where the bucket keeps the releases and ` +
          'their manifests: publishing it would overwrite them (rename that directory of the build)',
      );
    }
    files.push({
      key,
      contentType: contentTypeFor(key),
      cacheControl: cacheControlFor(key, ttl),
      sizeBytes: statSync(path).size,
    });
  }
  if (files.length === 0) throw new InvalidBuildError(`build directory '${buildDir}' is empty`);
  if (!files.some((file) => file.key === INDEX_PAGE)) {
    throw new InvalidBuildError(
      `build directory '${buildDir}' has no ${INDEX_PAGE} at its root: is it the build output?`,
    );
  }
  return files.sort((a, b) => a.key.localeCompare(b.key));
}

/** Paths of the regular files below `directory`; throws on a symbolic link or a special file. */
function* walk(directory: string, root = directory): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path, root);
    else if (entry.isFile()) yield path;
    else {
      const what = entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
      throw new InvalidBuildError(
        `build entry '${shown(relative(root, path).split(sep).join('/'))}' is ${what}: a deploy uploads ` +
          'regular files only (copy the file it stands for into the build)',
      );
    }
  }
}

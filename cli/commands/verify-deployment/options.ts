/**
 * Options of `verify-deployment` and their parsers, shared by the local mode (`--local`, this
 * machine runs the probes) and the workflow mode (the state machine runs them): each parser turns
 * a typed value into what the probes take, or throws a `UsageError` naming the option (exit 2).
 * URLs are parsed after commander, not by its option parsers: commander repeats a rejected value in
 * its error, and a database or Redis URL carries a password that must not reach a CI log.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { HttpCheckConfig } from '../../../infra/config/verification.js';
import { validateHttpChecks } from '../../../infra/config/verification.js';
import { type PostgresTarget, parsePostgresUrl } from '../../../shared/probes/postgres.js';
import * as z from '../../../shared/zod.js';
import type { OptionSpec } from '../../command.js';
import { UsageError } from '../../context.js';
import { shown } from '../../inputs.js';

/** A URL as typed, without user and password, for messages. */
function withoutCredentials(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** `--app-url`, `--cdn-url`: an http(s) URL without credentials, query or fragment. */
export function parseHttpUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option}: '${shown(value)}' is not a URL (expected https://host[:port][/prefix])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${option}: expected an http:// or https:// URL, got ${url.protocol}//`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${option}: ${withoutCredentials(url)} must not carry credentials`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(`${option}: ${withoutCredentials(url)} must not have a query or fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** `--redis-url`: `redis://[:password@]host:port` or `rediss://` (TLS). */
export function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--redis-url: not a URL (expected rediss://:<password>@host:6379 or redis://...)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`--redis-url: expected redis:// or rediss:// (TLS), got ${url.protocol}//`);
  }
  if (url.hostname === '') throw new UsageError('--redis-url: the URL has no host');
  return value;
}

/** `--database-url`: `postgres://user:password@host:port/db?sslmode=verify-full|require|disable`. */
export function parseDatabaseUrl(value: string): PostgresTarget {
  try {
    return parsePostgresUrl(value);
  } catch (error) {
    throw new UsageError(`--database-url: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const checksFileSchema = z.strictObject({
  httpChecks: z.array(
    z.strictObject({
      name: z.string(),
      method: z.optional(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])),
      path: z.string(),
      expectedStatus: z.optional(z.number()),
      jsonFields: z.optional(z.array(z.strictObject({ path: z.string(), equals: z.optional(jsonValue) }))),
      body: z.optional(z.unknown()),
    }),
  ),
});

/**
 * `--checks <file.json>`: `{"httpChecks": [{"name", "method", "path", "expectedStatus", "jsonFields"}]}`,
 * replacing the environment's configured HTTP checks. Every problem is listed with its path.
 */
export function readChecksFile(file: string): HttpCheckConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`--checks: cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${code ?? error}`}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--checks: ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = checksFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new UsageError(`--checks: ${file} is not a checks file: ${issues.join('; ')}`);
  }
  const checks = parsed.data.httpChecks as HttpCheckConfig[];
  const problems = validateHttpChecks(checks, 'httpChecks');
  if (problems.length > 0) throw new UsageError(`--checks: ${file}: ${problems.join('; ')}`);
  return checks;
}

/** `--junit <file>`: where the JUnit XML goes; its directory must exist (or be creatable under one that does). */
export function parseJunitPath(value: string): string {
  const path = resolve(value);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`--junit: ${value} is a directory; give a file name such as ${value}/verification.xml`);
  }
  let parent = dirname(path);
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new UsageError(`--junit: ${parent} is not a directory`);
  return path;
}

/** `--junit <file>`, shared by both modes. */
export const JUNIT_OPTION: OptionSpec = {
  flags: '--junit <file>',
  description: 'also write the results as JUnit XML (one test case per check) for CI',
  parse: parseJunitPath,
};

/** The options of the local mode (URL values are checked by `parseLocalOptions`). */
export const LOCAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '--local', description: 'run the probes from this machine (no AWS call); AWS checks are skipped' },
  {
    flags: '--app-url <url>',
    description: "the environment's application URL (HTTP checks, login); required with --local",
  },
  {
    flags: '--cdn-url <url>',
    description: 'the CDN URL serving index.html (frontend assets check; skipped without it)',
  },
  {
    flags: '--database-url <url>',
    description: 'postgres://user:password@host:port/db?sslmode=verify-full (database check; skipped without it)',
  },
  {
    flags: '--redis-url <url>',
    description: 'rediss://:password@host:port, or redis:// without TLS (cache check; skipped without it)',
  },
  {
    flags: '--checks <file.json>',
    description: 'HTTP checks to run instead of the configured ones: {"httpChecks": [...]}',
    parse: readChecksFile,
  },
];

/** The local mode's options, checked: what `runLocalVerification` takes. */
export interface LocalOptions {
  readonly appUrl: string;
  readonly cdnUrl?: string;
  readonly database?: PostgresTarget;
  readonly redisUrl?: string;
  /** HTTP checks replacing the configured ones. @default the environment's configured checks */
  readonly checks?: readonly HttpCheckConfig[];
  readonly junit?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Checks the local mode's options as commander hands them over (camelCase keys). */
export function parseLocalOptions(options: Readonly<Record<string, unknown>>): LocalOptions {
  const appUrl = text(options.appUrl);
  if (appUrl === undefined) throw new UsageError("--local needs --app-url <url>: the environment's application URL");
  const cdnUrl = text(options.cdnUrl);
  const databaseUrl = text(options.databaseUrl);
  const redisUrl = text(options.redisUrl);
  return {
    appUrl: parseHttpUrl(appUrl, '--app-url'),
    ...(cdnUrl === undefined ? {} : { cdnUrl: parseHttpUrl(cdnUrl, '--cdn-url') }),
    ...(databaseUrl === undefined ? {} : { database: parseDatabaseUrl(databaseUrl) }),
    ...(redisUrl === undefined ? {} : { redisUrl: parseRedisUrl(redisUrl) }),
    ...(options.checks === undefined ? {} : { checks: options.checks as HttpCheckConfig[] }),
    ...(text(options.junit) === undefined ? {} : { junit: text(options.junit) }),
  };
}

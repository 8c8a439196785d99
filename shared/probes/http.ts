/**
 * HTTP probes: one request primitive with findings a person can act on (refused, untrusted
 * certificate, reset), and the "health and basic API functionality" checks from config (method,
 * path, expected status, JSON fields). node:http(s) rather than fetch: a private CA (a test server,
 * a test listener's certificate) can be trusted per request, and redirects are never followed, so an
 * expected 200 that became a 302 to a login page is a finding.
 */
import { request as httpRequestRaw, type IncomingMessage } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import type { HttpCheckConfig, JsonFieldExpectation } from '../../infra/config/verification.js';
import { type Check, type CheckOutcome, fail, ProbeFailure, pass } from './check.js';

/** Where HTTP checks go. */
export interface HttpTarget {
  /** `https://app.example.com` (a path prefix is kept: `https://host/prefix`). */
  readonly baseUrl: string;
  /** PEM certificate(s) to trust besides the system's. @default the system's trust store only */
  readonly ca?: string;
}

/** A response as the probes need it: status, lowercase headers, body text (cut at `maxBodyBytes`). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** One request. */
export interface HttpRequestOptions {
  /** @default 'GET' */
  readonly method?: string;
  /** @default none besides `user-agent` */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default no body */
  readonly body?: string;
  /** Aborts the request (the check's timeout). */
  readonly signal: AbortSignal;
  /** @default the system's trust store only */
  readonly ca?: string;
  /** Body bytes kept; the rest is discarded. @default 1 MiB */
  readonly maxBodyBytes?: number;
}

const USER_AGENT = 'interactions-deployment-verification';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** `base` + `path`, keeping a path prefix of `base` (`https://h/app` + `/health` = `https://h/app/health`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** A finding for a network error: what happened and where, not a stack. */
export function describeNetworkError(error: unknown, url: URL): string {
  const code = (error as { code?: string }).code;
  const where = url.host;
  if (code === 'ECONNREFUSED') return `connection refused by ${where} (nothing listening: is it up?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found: ${url.hostname}`;
  if (code === 'ECONNRESET') return `connection reset by ${where}`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return `cannot reach ${where} (${code})`;
  }
  if (code !== undefined && TLS_TRUST_CODES.has(code)) {
    return `TLS certificate of ${where} not trusted (${code}: ${(error as Error).message})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `request to ${where} failed: ${code ? `${code}: ` : ''}${message}`;
}

/** Sends one request; rejects with a `ProbeFailure` whose message is the finding. Never follows redirects. */
export function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new ProbeFailure(`not a URL: ${url}`));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(new ProbeFailure(`not an http(s) URL: ${url}`));
  }
  const send = parsed.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return new Promise((resolve, reject) => {
    const request = send(
      parsed,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': USER_AGENT, ...options.headers },
        signal: options.signal,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept >= maxBodyBytes) return;
          chunks.push(chunk.subarray(0, maxBodyBytes - kept));
          kept += chunk.length;
        });
        response.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) =>
          reject(new ProbeFailure(describeNetworkError(error, parsed), { cause: error })),
        );
      },
    );
    request.on('error', (error) => {
      if (options.signal.aborted) {
        reject(new ProbeFailure(`${options.method ?? 'GET'} ${parsed.pathname} aborted`, { cause: error }));
        return;
      }
      reject(new ProbeFailure(describeNetworkError(error, parsed), { cause: error }));
    });
    request.end(options.body);
  });
}

/** The value at a dotted path of a parsed JSON body, and whether it is there. */
export function readJsonField(value: unknown, path: string): { readonly found: boolean; readonly value?: unknown } {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return { found: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

/** A body excerpt for a finding: one line, at most 120 characters. */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 120)}...` : line;
}

function checkJsonFields(body: string, fields: readonly JsonFieldExpectation[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `body is not JSON: ${excerpt(body) || '(empty)'}`;
  }
  const problems = fields.flatMap((field) => {
    const found = readJsonField(parsed, field.path);
    if (!found.found) return [`field '${field.path}' missing`];
    if (field.equals !== undefined && found.value !== field.equals) {
      return [`field '${field.path}' is ${JSON.stringify(found.value)}, expected ${JSON.stringify(field.equals)}`];
    }
    return [];
  });
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Runs one configured HTTP check against the target. */
export async function runHttpCheck(
  spec: HttpCheckConfig,
  target: HttpTarget,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const method = spec.method ?? 'GET';
  const expected = spec.expectedStatus ?? 200;
  const what = `${method} ${spec.path}`;
  const started = performance.now();
  const response = await httpRequest(joinUrl(target.baseUrl, spec.path), {
    method,
    signal,
    ca: target.ca,
    ...(spec.body === undefined
      ? {}
      : { body: JSON.stringify(spec.body), headers: { 'content-type': 'application/json' } }),
  });
  const ms = Math.round(performance.now() - started);
  if (response.status !== expected) {
    return fail(
      `${what} answered ${response.status}, expected ${expected}: ${excerpt(response.body) || '(empty body)'}`,
    );
  }
  const fields = spec.jsonFields ?? [];
  if (fields.length > 0) {
    const problem = checkJsonFields(response.body, fields);
    if (problem) return fail(`${what} answered ${response.status} but ${problem}`);
  }
  return pass(`${what} answered ${response.status} in ${ms} ms${fields.length > 0 ? ', JSON fields as expected' : ''}`);
}

/** The report name of an HTTP check. */
export const httpCheckName = (spec: HttpCheckConfig): string => `http:${spec.name}`;

/** One parallel check per configured HTTP check, each with the HTTP timeout. */
export function httpChecks(specs: readonly HttpCheckConfig[], target: HttpTarget, timeoutMs: number): Check[] {
  return specs.map((spec) => ({
    name: httpCheckName(spec),
    timeoutMs,
    run: (signal) => runHttpCheck(spec, target, signal),
  }));
}

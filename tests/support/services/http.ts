/**
 * A local HTTP(S) server standing in for the application, the CDN and the login, so the probes talk
 * to a real socket. Healthy by default; `set()` breaks it (wrong status, slower than a timeout, wrong
 * cache headers, credentials the caller does not have, tokens refused), `goDown()` closes the port
 * and `comeUp()` opens it again on the same port. `reset()` makes it healthy again.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsMaterial } from './tls.js';

/** The application's paths and content as the fake serves them. */
export const FAKE_APP = {
  healthPath: '/health',
  /** A basic API call answering `{"status":"ok","database":"ok","cache":"ok"}`. */
  statusPath: '/api/v1/status',
  loginPath: '/api/v1/auth/login',
  /** Answers 200 with the user for a valid bearer token from the login, else 401. */
  mePath: '/api/v1/auth/me',
  indexPath: '/index.html',
  /** The script `index.html` references. */
  scriptPath: '/static/js/main.3f9a1c.js',
  stylesheetPath: '/static/css/main.8b2e41.css',
  credentials: { username: 'verification-bot', password: 'correct horse battery staple' },
  /** The seed's headers: `index.html` never cached, `/static/*` one year. */
  indexCacheControl: 'no-cache, no-store, must-revalidate',
  staticCacheControl: 'public, max-age=31536000, immutable',
} as const;

/** How the fake currently behaves; every field can be changed with `set()`. */
export interface FakeAppBehaviour {
  /** Every response has this status instead of the normal one. @default the normal status of each route */
  readonly status: number | undefined;
  /** Every response waits this long first (a slow or hung application). @default 0 */
  readonly delayMs: number;
  /** Cache-Control of `/` and `index.html`. @default `FAKE_APP.indexCacheControl` (never cached) */
  readonly indexCacheControl: string;
  /** Cache-Control of `/static/*`. @default `FAKE_APP.staticCacheControl` (one year) */
  readonly staticCacheControl: string;
  /** Credentials the login accepts. @default `FAKE_APP.credentials` */
  readonly credentials: { readonly username: string; readonly password: string };
  /** The login works but authenticated requests answer 401 (a broken session layer). @default false */
  readonly rejectTokens: boolean;
  /** What `GET /health` answers. @default `{"status":"healthy","version":"1.4.2"}` */
  readonly healthBody: unknown;
  /** `index.html`'s content. @default a page referencing `FAKE_APP.scriptPath` and `stylesheetPath` */
  readonly indexHtml: string;
}

/** A request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A running fake application. */
export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` or `https://...`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The CA certificate (PEM) to trust for an HTTPS server. @default undefined for plain HTTP */
  readonly caPem: string | undefined;
  /** Requests received since start or the last `reset()`, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Changes some of the behaviour; the rest stays. */
  set(change: Partial<FakeAppBehaviour>): void;
  /** Healthy again, requests forgotten, up if it was down. */
  reset(): Promise<void>;
  /** Closes the port: connections are refused until `comeUp()`. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeUp(): Promise<void>;
  /** Stops for good. Safe to call twice. */
  close(): Promise<void>;
}

/** How to start the fake. */
export interface HttpServerOptions {
  /** Serve HTTPS with a certificate for 127.0.0.1 from a throwaway CA (tls.ts). @default plain HTTP */
  readonly tls?: boolean;
}

const DEFAULT_INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Interactions</title>
    <link rel="icon" href="https://cdn.example.com/favicon.ico" />
    <link rel="stylesheet" href="${FAKE_APP.stylesheetPath}" />
  </head>
  <body>
    <div id="root"></div>
    <script src="${FAKE_APP.scriptPath}"></script>
  </body>
</html>
`;

function defaults(): FakeAppBehaviour {
  return {
    status: undefined,
    delayMs: 0,
    indexCacheControl: FAKE_APP.indexCacheControl,
    staticCacheControl: FAKE_APP.staticCacheControl,
    credentials: FAKE_APP.credentials,
    rejectTokens: false,
    healthBody: { status: 'healthy', version: '1.4.2' },
    indexHtml: DEFAULT_INDEX_HTML,
  };
}

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** Starts the fake application on a free loopback port; call `close()` in afterAll. */
export async function startHttpServer(options: HttpServerOptions = {}): Promise<LocalHttpServer> {
  const tlsDirectory = options.tls === true ? mkdtempSync(join(tmpdir(), 'http-test-tls-')) : undefined;
  const certificate = tlsDirectory === undefined ? undefined : createTlsMaterial(tlsDirectory);
  let behaviour = defaults();
  const requests: RecordedRequest[] = [];
  const tokens = new Set<string>();

  const route = (method: string, path: string, body: string, headers: IncomingMessage['headers']): Reply => {
    if (method === 'GET' && path === FAKE_APP.healthPath) return json(200, behaviour.healthBody);
    if (method === 'GET' && path === FAKE_APP.statusPath)
      return json(200, { status: 'ok', database: 'ok', cache: 'ok' });
    if (method === 'GET' && (path === '/' || path === FAKE_APP.indexPath)) {
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': behaviour.indexCacheControl },
        body: behaviour.indexHtml,
      };
    }
    if (method === 'GET' && (path === FAKE_APP.scriptPath || path === FAKE_APP.stylesheetPath)) {
      const type = path.endsWith('.js') ? 'text/javascript' : 'text/css';
      return {
        status: 200,
        headers: { 'content-type': type, 'cache-control': behaviour.staticCacheControl },
        body: '/* asset */',
      };
    }
    if (method === 'POST' && path === FAKE_APP.loginPath) {
      let given: { username?: unknown; password?: unknown } = {};
      try {
        given = JSON.parse(body) as typeof given;
      } catch {
        return json(400, { detail: 'body is not JSON' });
      }
      const { username, password } = behaviour.credentials;
      if (given.username !== username || given.password !== password) {
        return json(401, { detail: 'Invalid credentials' });
      }
      const token = randomUUID();
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer' });
    }
    if (method === 'GET' && path === FAKE_APP.mePath) {
      const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      if (behaviour.rejectTokens || token === undefined || !tokens.has(token)) {
        return json(401, { detail: 'Not authenticated' });
      }
      return json(200, { username: behaviour.credentials.username });
    }
    return json(404, { detail: 'Not Found' });
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const method = request.method ?? 'GET';
      requests.push({ method, path, headers: request.headers, body });
      const reply = route(method, path, body, request.headers);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(behaviour.status ?? reply.status, reply.headers);
        response.end(reply.body);
      };
      if (behaviour.delayMs <= 0) return send();
      const timer = setTimeout(send, behaviour.delayMs);
      // A client that gave up must not keep a timer (and the server) alive.
      response.on('close', () => clearTimeout(timer));
    });
  };

  const server: Server = certificate
    ? createHttpsServer({ cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile) }, handle)
    : createHttpServer(handle);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(0);
  let closed = false;
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    caPem: certificate?.ca,
    requests,
    set(change) {
      behaviour = { ...behaviour, ...change };
    },
    async reset() {
      behaviour = defaults();
      requests.length = 0;
      if (!server.listening) await listen(port);
    },
    goDown: shut,
    async comeUp() {
      if (!server.listening) await listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      await shut();
      if (tlsDirectory !== undefined) rmSync(tlsDirectory, { recursive: true, force: true });
    },
  };
}

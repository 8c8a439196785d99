/**
 * The HTTP, frontend and authentication checks against a real local server standing in for the
 * application, the CDN and the login, healthy and broken.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultVerification, type HttpCheckConfig } from '../../../infra/config/verification.js';
import { runAuthFlowCheck } from '../../../shared/probes/auth.js';
import { type Check, type CheckOutcome, runCheck } from '../../../shared/probes/check.js';
import { runFrontendCheck } from '../../../shared/probes/frontend.js';
import { type HttpTarget, runHttpCheck } from '../../../shared/probes/http.js';
import { FAKE_APP, type LocalHttpServer, startHttpServer } from '../../support/services/http.js';

const config = defaultVerification('/health', 31_536_000);
const health = config.httpChecks[0] as HttpCheckConfig;
const TIMEOUT_MS = 1000;

const timed = (run: (signal: AbortSignal) => Promise<CheckOutcome>, timeoutMs = TIMEOUT_MS) =>
  runCheck({ name: 'probe', timeoutMs, run } satisfies Check);

let app: LocalHttpServer;
let target: HttpTarget;
beforeAll(async () => {
  app = await startHttpServer();
  target = { baseUrl: app.url };
});
afterEach(async () => {
  await app.reset();
});
afterAll(async () => {
  await app.close();
});

describe('HTTP checks from config', () => {
  it('passes when /health answers 200 with a status field', async () => {
    // Act
    const result = await timed((signal) => runHttpCheck(health, target, signal));

    // Assess
    expect(result.status).toBe('pass');
    expect(result.finding).toMatch(/^GET \/health answered 200 in \d+ ms, JSON fields as expected$/);
  });

  it('fails naming the status when the application answers 503', async () => {
    // Prepare
    app.set({ status: 503 });

    // Act
    const result = await timed((signal) => runHttpCheck(health, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^GET \/health answered 503, expected 200/);
  });

  it('fails as refused when the application is down', async () => {
    // Prepare
    await app.goDown();

    // Act
    const result = await timed((signal) => runHttpCheck(health, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe(`connection refused by 127.0.0.1:${app.port} (nothing listening: is it up?)`);
  });

  it('fails on a redirect to a healthy page instead of following it', async () => {
    // Prepare: /health moved behind a login page that answers 200 with the expected field.
    const redirecting = createServer((request, response) => {
      if (request.url === '/health') {
        response.writeHead(302, { location: '/login' }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"login"}');
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const { port } = redirecting.address() as AddressInfo;

    try {
      // Act
      const result = await timed((signal) => runHttpCheck(health, { baseUrl: `http://127.0.0.1:${port}` }, signal));

      // Assess
      expect(result.status).toBe('fail');
      expect(result.finding).toMatch(/^GET \/health answered 302, expected 200/);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('fails at its timeout when the application is slower than it', async () => {
    // Prepare
    app.set({ delayMs: 3000 });

    // Act
    const started = performance.now();
    const result = await timed((signal) => runHttpCheck(health, target, signal), 300);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^timed out after 300 ms/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('fails naming the field when a JSON field is missing or has another value', async () => {
    // Prepare
    app.set({ healthBody: { status: 'degraded' } });
    const spec: HttpCheckConfig = {
      name: 'health',
      path: '/health',
      jsonFields: [{ path: 'status', equals: 'healthy' }, { path: 'checks.database' }],
    };

    // Act
    const result = await timed((signal) => runHttpCheck(spec, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe(
      `GET /health answered 200 but field 'status' is "degraded", expected "healthy"; field 'checks.database' missing`,
    );
  });

  it('sends the configured method and JSON body and accepts the configured status', async () => {
    // Prepare
    const spec: HttpCheckConfig = {
      name: 'unknown-route',
      method: 'POST',
      path: '/api/v1/nothing',
      expectedStatus: 404,
      body: { a: 1 },
    };

    // Act
    const result = await timed((signal) => runHttpCheck(spec, target, signal));

    // Assess
    expect(result.status).toBe('pass');
    expect(app.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/nothing', body: '{"a":1}' });
  });
});

describe('HTTP checks over HTTPS', () => {
  let secure: LocalHttpServer;
  beforeAll(async () => {
    secure = await startHttpServer({ tls: true });
  });
  afterAll(async () => {
    await secure.close();
  });

  it('passes when the certificate is trusted', async () => {
    // Act
    const result = await timed((signal) => runHttpCheck(health, { baseUrl: secure.url, ca: secure.caPem }, signal));

    // Assess
    expect(result.status).toBe('pass');
  });

  it('fails naming the untrusted certificate', async () => {
    // Act
    const result = await timed((signal) => runHttpCheck(health, { baseUrl: secure.url }, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(
      /^TLS certificate of 127\.0\.0\.1:\d+ not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
  });
});

describe('frontend assets check through the CDN', () => {
  it('passes when index.html is not cacheable and its static asset lives a year', async () => {
    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result.status).toBe('pass');
    expect(result.finding).toContain(`${FAKE_APP.stylesheetPath} max-age=31536000`);
  });

  it('fails when index.html is cacheable', async () => {
    // Prepare
    app.set({ indexCacheControl: 'public, max-age=3600' });

    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe(
      '/index.html is cacheable (Cache-Control: public, max-age=3600); it must carry no-cache, no-store or max-age=0',
    );
  });

  it('fails when the static asset has a short lifetime', async () => {
    // Prepare
    app.set({ staticCacheControl: 'public, max-age=60' });

    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe(
      `${FAKE_APP.stylesheetPath} has Cache-Control: public, max-age=60; expected max-age=31536000 (one year)`,
    );
  });

  it('fails when a shared cache may keep index.html (s-maxage wins over no-cache for CloudFront)', async () => {
    // Prepare
    app.set({ indexCacheControl: 'no-cache, s-maxage=600' });

    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^\/index.html is cacheable \(Cache-Control: no-cache, s-maxage=600\)/);
  });

  it('fails when index.html references nothing under /static/', async () => {
    // Prepare
    app.set({ indexHtml: '<html><script src="https://other.example.com/static/x.js"></script></html>' });

    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result).toMatchObject({ status: 'fail', finding: '/index.html references no asset under /static/' });
  });

  it('fails naming the status when the CDN answers 403', async () => {
    // Prepare
    app.set({ status: 403 });

    // Act
    const result = await timed((signal) => runFrontendCheck(config.frontend, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^\/index.html answered 403, expected 200/);
  });
});

describe('authentication flow check', () => {
  it('logs in with the configured fields and calls the authenticated path with the token', async () => {
    // Act
    const result = await timed((signal) => runAuthFlowCheck(config.login, FAKE_APP.credentials, target, signal));

    // Assess
    expect(result.status).toBe('pass');
    const [login, me] = app.requests;
    expect(JSON.parse(login?.body ?? '')).toEqual(FAKE_APP.credentials);
    expect(me?.headers.authorization).toMatch(/^Bearer [0-9a-f-]{36}$/);
  });

  it('fails as refused when the credentials are wrong, without repeating the password', async () => {
    // Prepare: the server's password was rotated, the caller still has the old one
    app.set({ credentials: { username: FAKE_APP.credentials.username, password: 'rotated' } });

    // Act
    const result = await timed((signal) => runAuthFlowCheck(config.login, FAKE_APP.credentials, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe(
      `login refused for 'verification-bot': POST /api/v1/auth/login answered 401 (wrong or rotated credentials?)`,
    );
    expect(result.finding).not.toContain(FAKE_APP.credentials.password);
  });

  it('fails when the login works but the token is refused', async () => {
    // Prepare
    app.set({ rejectTokens: true });

    // Act
    const result = await timed((signal) => runAuthFlowCheck(config.login, FAKE_APP.credentials, target, signal));

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toBe('login succeeded but GET /api/v1/auth/me with its token answered 401, expected 200');
  });

  it('fails when the login answers without a token where config says', async () => {
    // Prepare
    const login = { ...config.login, tokenField: 'data.token' };

    // Act
    const result = await timed((signal) => runAuthFlowCheck(login, FAKE_APP.credentials, target, signal));

    // Assess
    expect(result).toMatchObject({ status: 'fail', finding: "login answered 200 without a token at 'data.token'" });
  });

  it('fails at its timeout when the login is slower than it', async () => {
    // Prepare
    app.set({ delayMs: 2000 });

    // Act
    const result = await timed((signal) => runAuthFlowCheck(config.login, FAKE_APP.credentials, target, signal), 200);

    // Assess
    expect(result.status).toBe('fail');
    expect(result.finding).toMatch(/^timed out after 200 ms/);
  });
});

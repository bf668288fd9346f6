import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@pedidos/platform/logger';
import { freePort, runToExit, startEntry, waitReady } from '@pedidos/platform/testing';
import { canConnectFrom, WEB_SOURCE_ADDRESS } from '../../launcher/src/system';
import { createWebServer } from '../../launcher/src/web-server';
import { rawRequest, send } from '../support/http';
import { REPO_ROOT } from '../support/service-process';
import { eventReader } from './support/event-stream';
import { expectEachApiPathAtItsService, expectLiveOrderStream, recordingUpstream } from './support/front-door';
import { FIXTURE_INDEX, useFixtureDist } from './support/fixture-dist';
import { useShop } from './support/shop';

const dist = useFixtureDist();
const INDEX = FIXTURE_INDEX;

const silent = createLogger({ level: 'silent', service: 'web' });

/** rawRequest with a JSON body. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown; from?: string; path?: string } = {}) {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return rawRequest(url, { ...opts, body, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers } });
}

/** An RFC 9457 problem with `status`: the content type and the four members every error has. */
function expectProblem(reply: Awaited<ReturnType<typeof raw>>, status: number, what: string) {
  expect(reply.status, what).toBe(status);
  expect(reply.type, what).toMatch(/^application\/problem\+json/);
  expect(reply.body, what).toMatchObject({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status, detail: expect.any(String) });
}

describe('the web server in npm start', () => {
  // The one shop started from the TypeScript sources, as a first `npm start` runs them.
  const shop = useShop({ env: { WEB_DIST_DIR: dist }, asNpmStart: true });

  it('serves index.html to be revalidated each time and hashed assets cached for a year', async () => {
    const index = await fetch(`${shop().baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toBe(INDEX);

    const asset = await fetch(`${shop().baseUrl}/assets/app-3f9a1c2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await asset.body?.cancel();

    const favicon = await fetch(`${shop().baseUrl}/favicon.svg`);
    expect(favicon.headers.get('cache-control')).toBe('no-cache');
    await favicon.body?.cancel();
  });

  it("answers the app's own routes with index.html, and a missing file or API path with a 404 problem", async () => {
    for (const path of ['/orders/0b7e0c5e-1d1f-4f43-9d43-1f2b6f2b8a11', '/admin/products/CAFE-1KG/movements', '/login?next=%2Fcart']) {
      const page = await fetch(`${shop().baseUrl}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('cache-control'), path).toBe('no-cache');
      expect(await page.text(), path).toBe(INDEX);
    }
    for (const path of ['/assets/app-00000000.js', '/api/payments', '/api/ordersx', '/.well-known/nothing']) {
      const missing = await send<{ status: number }>('GET', `${shop().baseUrl}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers a malformed URL, a path that climbs out of its folder and oversized headers with a problem, never Fastify\'s or Node\'s own body', async () => {
    const base = shop().baseUrl;
    for (const path of ['/%', '/%zz', '/api/orders/%', '/a%c0%af']) expectProblem(await raw(`${base}/`, { path }), 400, path);
    for (const path of ['/../../etc/passwd', '/api/orders/..%2f..', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5cpackage.json', '/index.html%00']) {
      const reply = await raw(`${base}/`, { path });
      expectProblem(reply, 400, path);
      expect(reply.body?.code, path).toBe('REQUEST.BAD_PATH');
    }
    // Node's parser refuses headers over 16 KiB before Fastify sees the request.
    expectProblem(await raw(`${base}/`, { headers: { 'x-padding': 'a'.repeat(20_000) } }), 431, '20 KB of headers');
    expectProblem(await raw(`${base}/`, { method: 'GET', headers: { 'content-length': 'x' } }), 400, 'a bad Content-Length');
  });

  it('sends each API path to its service: products to inventory, auth and .well-known to identity, orders to orders', async () => {
    await expectEachApiPathAtItsService(shop().baseUrl, shop().urls);
  });

  it('keeps GET /api/orders/stream open and passes each order change through as it happens', async () => {
    await expectLiveOrderStream(shop().baseUrl);
  });

  it('npm run start:web in front of the same services serves the app and the API', async () => {
    const { urls } = shop();
    const port = await freePort();
    const web = startEntry('launcher/src/web-main.ts', {
      name: 'web', cwd: REPO_ROOT,
      env: { LOG_LEVEL: 'warn', PORT: String(port), WEB_DIST_DIR: dist, ORDERS_URL: urls.orders, INVENTORY_URL: urls.inventory, PAYMENTS_URL: urls.payments, IDENTITY_URL: urls.identity },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitReady(base, web, 30_000);
      expect(await (await fetch(`${base}/cart`, { headers: { accept: 'text/html' } })).text()).toBe(INDEX);
      expect((await send('GET', `${base}/api/products?limit=1`)).status).toBe(200);
    } finally {
      web.kill('SIGTERM');
    }
    expect(await web.exited, web.output()).toBe(0);
  });
});

describe('starting the web server with something wrong', () => {
  it('npm run start:web with a bad variable stops with one line naming it', async () => {
    expect(await runToExit('launcher/src/web-main.ts', { PORT: 'abc' }, REPO_ROOT)).toEqual({
      code: 1, out: 'Invalid configuration: PORT must be an integer 1..65535, got "abc"\n',
    });
    const { code, out } = await runToExit('launcher/src/web-main.ts', { ORDERS_URL: 'ftp://orders' }, REPO_ROOT);
    expect(code).toBe(1);
    expect(out).toBe('Invalid configuration: ORDERS_URL must be a URL starting with http:// or https://, got "ftp://orders"\n');
  });

  it('npm start without a built app stops with one line saying so, before opening anything', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pedidos-nodist-'));
    try {
      const ports = {
        ORDERS_PORT: await freePort(), INVENTORY_PORT: await freePort(), PAYMENTS_PORT: await freePort(), SANDBOX_PORT: await freePort(),
        IDENTITY_PORT: await freePort(), WEB_PORT: await freePort(),
      };
      const { code, out } = await runToExit('launcher/src/main.ts', {
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), WEB_DIST_DIR: empty, DATA_DIR: join(empty, 'data'), LOG_LEVEL: 'info',
      });
      expect(code).toBe(1);
      const lines = out.trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string });
      expect(lines).toEqual([expect.objectContaining({ level: 'fatal', msg: `the web app is not built: ${join(empty, 'index.html')} is missing (npm run build)` })]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('per-address limits in npm start', () => {
  const LOGIN_LIMIT = 3;
  const API_LIMIT = 20;
  const shop = useShop({ env: { WEB_DIST_DIR: dist, LOGIN_RATE_LIMIT_PER_MIN: String(LOGIN_LIMIT), RATE_LIMIT_PER_MIN: String(API_LIMIT) } });
  const wrongLogin = { email: 'nobody@example.com', password: 'not-the-password' };
  const logins = async (url: string, n: number, opts: { from?: string; forwardedFrom?: (i: number) => string } = {}) => {
    const statuses = [];
    for (let i = 0; i < n; i++) {
      const headers = opts.forwardedFrom ? { 'x-forwarded-for': opts.forwardedFrom(i) } : undefined;
      statuses.push((await raw(`${url}/api/auth/login`, { method: 'POST', body: wrongLogin, from: opts.from, headers })).status);
    }
    return statuses;
  };

  it('finds that this host can connect from the address the web server uses, and not from one it does not have', async () => {
    expect(await canConnectFrom(WEB_SOURCE_ADDRESS)).toBe(true);
    // TEST-NET-1: no interface here has it, so the launcher would trust nobody and say so.
    expect(await canConnectFrom('192.0.2.1')).toBe(false);
  });

  it("counts a caller of a service's own port under its own address, whatever x-forwarded-for it sends", async () => {
    const { urls } = shop();
    expect(await logins(urls.identity, LOGIN_LIMIT + 1, { forwardedFrom: (i) => `198.51.100.${i + 1}` })).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
    const statuses = [];
    for (let i = 0; i <= API_LIMIT; i++) {
      statuses.push((await raw(`${urls.inventory}/api/products?limit=1`, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })).status);
    }
    // Whatever the services themselves asked inventory for counts too (they call from 127.0.0.1 as well).
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(429);
  });

  it('counts each client of the web server on its own, under the address the web server got it from', async () => {
    const { baseUrl } = shop();
    const lying = await logins(baseUrl, LOGIN_LIMIT + 1, { from: '127.0.0.3', forwardedFrom: (i) => `198.51.100.${i + 100}` });
    expect(lying).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
    // Another client of the same web server has a budget of its own.
    expect(await logins(baseUrl, 1, { from: '127.0.0.4' })).toEqual([401]);
  });
});

describe('the proxy, seen from the service behind it', () => {
  async function webServerBefore(url: string, identityUrl = url) {
    const app = await createWebServer({ distDir: dist, ordersUrl: url, inventoryUrl: url, paymentsUrl: url, identityUrl, log: silent, readinessTimeoutMs: 500 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    return { app, base: `http://127.0.0.1:${address.port}` };
  }

  it("sets x-forwarded-for to the address the request came from, not one the client wrote, keeping the path, query and headers", async () => {
    const service = await recordingUpstream((_req, res) => res.end('{}'));
    const { app, base } = await webServerBefore(service.url);
    try {
      await send('GET', `${base}/api/products?q=caf%C3%A9&limit=2`, undefined, { 'x-request-id': 'trace-me-1', 'x-forwarded-for': '203.0.113.7' });
      await send('GET', `${base}/api/auth/me`, undefined, { authorization: 'Bearer a.b.c' });
      expect(service.seen[0]).toMatchObject({
        url: '/api/products?q=caf%C3%A9&limit=2',
        headers: expect.objectContaining({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-request-id': 'trace-me-1' }),
      });
      expect(service.seen[1]).toMatchObject({ url: '/api/auth/me', headers: expect.objectContaining({ 'x-forwarded-for': '127.0.0.1', authorization: 'Bearer a.b.c' }) });
    } finally {
      await app.close();
      await service.close();
    }
  });

  it('passes on the client address reported by a proxy it trusts, and only that one address', async () => {
    const service = await recordingUpstream((_req, res) => res.end('{}'));
    const app = await createWebServer({ distDir: dist, ordersUrl: service.url, inventoryUrl: service.url, paymentsUrl: service.url, identityUrl: service.url, log: silent, trustProxy: ['127.0.0.1'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      await raw(`${base}/api/products`, { headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' } });
      await raw(`${base}/api/products`, { from: '127.0.0.3', headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(service.seen.map((r) => r.headers['x-forwarded-for'])).toEqual(['203.0.113.7', '127.0.0.3']);
    } finally {
      await app.close();
      await service.close();
    }
  });

  it('connects to the services from the address it is given, by which they can trust it alone', async () => {
    const peers: (string | undefined)[] = [];
    const service = await recordingUpstream((req, res) => {
      peers.push((req as IncomingMessage).socket.remoteAddress);
      res.end('{}');
    });
    const app = await createWebServer({ distDir: dist, ordersUrl: service.url, inventoryUrl: service.url, paymentsUrl: service.url, identityUrl: service.url, log: silent, localAddress: '127.0.0.2' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await send('GET', `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/products`);
      expect(peers).toEqual(['127.0.0.2']);
    } finally {
      await app.close();
      await service.close();
    }
  });

  it('passes an event stream through byte by byte: the first event arrives before the second is written', async () => {
    let secondWritten = false;
    let writeSecond = () => {};
    const service = await recordingUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: order\ndata: {"n":1}\n\n');
      writeSecond = () => {
        secondWritten = true;
        res.write('event: order\ndata: {"n":2}\n\n');
      };
    });
    const { app, base } = await webServerBefore(service.url);
    try {
      const response = await fetch(`${base}/api/orders/stream`);
      const events = eventReader(response.body!);
      expect(await events.next()).toMatchObject({ event: 'order', data: '{"n":1}' });
      expect(secondWritten).toBe(false);
      writeSecond();
      expect(await events.next()).toMatchObject({ event: 'order', data: '{"n":2}' });
      // Stopping does not wait for the browser to leave: the open stream is cut.
      await app.close();
      await events.closed();
    } finally {
      if (app.server.listening) await app.close();
      await service.close();
    }
  });

  it('a service that does not answer is a 502 problem naming it, and /health/ready says which one is down', async () => {
    const service = await recordingUpstream((req, res) => {
      res.writeHead(req.url === '/health/ready' ? 200 : 204);
      res.end();
    });
    const closedPort = await freePort();
    const { app, base } = await webServerBefore(service.url, `http://127.0.0.1:${closedPort}`);
    try {
      const login = await send<{ status: number; detail: string }>('POST', `${base}/api/auth/login`, { email: 'a@b.c', password: 'x' });
      expect(login.status).toBe(502);
      expect(login.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(login.body.detail).toBe('The identity service did not answer; try again shortly.');

      const ready = await send<{ status: number; detail: string }>('GET', `${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.detail).toBe('Not ready: identity down: ECONNREFUSED.');
      expect((await send('GET', `${base}/health/live`)).status).toBe(200);
    } finally {
      await app.close();
      await service.close();
    }
  });
});

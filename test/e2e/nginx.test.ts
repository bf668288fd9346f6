// The web container's nginx configuration (deploy/nginx/default.conf.template), run by Debian's
// nginx in front of the real services of `npm start`: what `docker compose up` serves on port 3000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@pedidos/platform/testing';
import { rawRequest, send } from '../support/http';
import { startNginx, type Nginx } from '../support/nginx';
import { adminApi } from './support/api';
import { eventReader } from './support/event-stream';
import { expectEachApiPathAtItsService, expectLiveOrderStream, recordingUpstream, type RecordingUpstream } from './support/front-door';
import { FIXTURE_ASSET, FIXTURE_INDEX, useFixtureDist } from './support/fixture-dist';
import { useShop } from './support/shop';

const dist = useFixtureDist();


/** An RFC 9457 problem with `status`: the content type and the four members every error has. */
function expectProblem(reply: Awaited<ReturnType<typeof rawRequest>>, status: number, what: string) {
  expect(reply.status, what).toBe(status);
  expect(reply.type, what).toMatch(/^application\/problem\+json/);
  expect(reply.body, what).toMatchObject({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status, detail: expect.any(String) });
}

/** nginx for the file's tests, stopped after them whatever happened. */
function useNginx(env: () => Record<string, string>): () => Nginx {
  let nginx: Nginx | undefined;
  beforeAll(async () => {
    nginx = await startNginx({ env: env(), root: dist });
  });
  afterAll(async () => {
    await nginx?.stop();
  });
  return () => nginx!;
}

/** A stand-in payments service that keeps each request's raw body, to compare byte for byte. */
const rawBodyUpstream = () => recordingUpstream((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"received":true}');
});

describe('nginx in front of the services', () => {
  const shop = useShop({ env: { WEB_DIST_DIR: dist } });
  const nginx = useNginx(() => ({
    ORDERS_URL: shop().urls.orders, INVENTORY_URL: shop().urls.inventory, PAYMENTS_URL: shop().urls.payments, IDENTITY_URL: shop().urls.identity,
  }));

  it('serves index.html to be revalidated, with the content security policy, and hashed assets cached for a year', async () => {
    const index = await fetch(`${nginx().baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toBe(FIXTURE_INDEX);

    const asset = await fetch(`${nginx().baseUrl}${FIXTURE_ASSET}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await asset.body?.cancel();
  });

  it("answers the app's own routes with index.html, and a missing file or API path with a 404 problem", async () => {
    for (const path of ['/orders/0b7e0c5e-1d1f-4f43-9d43-1f2b6f2b8a11', '/admin/products/CAFE-1KG/movements', '/login?next=%2Fcart']) {
      const page = await fetch(`${nginx().baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(await page.text(), path).toBe(FIXTURE_INDEX);
    }
    for (const path of ['/assets/app-00000000.js', '/missing.png', '/api/paymentsx', '/api/ordersx', '/.well-known/nothing']) {
      const missing = await send<{ status: number; code: string }>('GET', `${nginx().baseUrl}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(missing.body, path).toMatchObject({ status: 404, code: expect.stringMatching(/NOT_FOUND$/) });
    }
  });

  it("answers what it refuses itself with a problem, never nginx's HTML page", async () => {
    const base = nginx().baseUrl;
    for (const path of ['/%', '/%zz', '/api/orders/%', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/index.html%00']) {
      expectProblem(await rawRequest(base, { path }), 400, path);
    }
    // Paths nginx would resolve, and route by what they resolve to while the service read them raw.
    for (const path of ['/api/orders/..%2f..', '/api/orders/../products', '/assets/..%5c..%5cpackage.json', '/api/products/%2e%2e/%2E%2E/x']) {
      const reply = await rawRequest(base, { path });
      expectProblem(reply, 400, path);
      expect(reply.body?.code, path).toBe('REQUEST.BAD_PATH');
    }
    expectProblem(await rawRequest(base, { headers: { 'x-padding': 'a'.repeat(20_000) } }), 431, '20 KB of headers');
    expectProblem(await rawRequest(base, { path: `/${'a'.repeat(20_000)}` }), 414, 'a 20 KB URL');
    expectProblem(await rawRequest(base, { method: 'POST', path: '/index.html' }), 405, 'POST to a file');
    expectProblem(await rawRequest(base, { method: 'POST', path: '/api/orders', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(2_000_000)}"` }), 413, 'a 2 MB body');
    // The same path without the `..` still reaches its service.
    expect((await rawRequest(base, { path: '/api/products?limit=1' })).status).toBe(200);
  });

  it('answers its own health routes', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      expect(await send('GET', `${nginx().baseUrl}${path}`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    }
  });

  it('sends each API path to its service: products to inventory, auth and .well-known to identity, orders to orders', async () => {
    await expectEachApiPathAtItsService(nginx().baseUrl, shop().urls);
  });

  it("sends /api/payments/* to payments: an order's payment answers as the service itself answers it", async () => {
    const admin = await adminApi(nginx().baseUrl);
    const orderId = '0b7e0c5e-1d1f-4f43-9d43-1f2b6f2b8a11';
    const asAdminAndAnonymous: Record<string, string>[] = [{ authorization: admin.bearer }, {}];
    for (const headers of asAdminAndAnonymous) {
      const proxied = await send<{ code?: string }>('GET', `${nginx().baseUrl}/api/payments/${orderId}`, undefined, headers);
      const direct = await send<{ code?: string }>('GET', `${shop().urls.payments}/api/payments/${orderId}`, undefined, headers);
      expect(proxied.status, JSON.stringify(proxied.body)).toBe(direct.status);
      expect(proxied.body).toEqual(direct.body);
      // The service's own answer, not one nginx made up (a missing route or an unavailable upstream).
      expect(proxied.body.code).not.toMatch(/^(ROUTE|UPSTREAM)\./);
    }
  });

  it('keeps GET /api/orders/stream open and passes each order change through as it happens', async () => {
    await expectLiveOrderStream(nginx().baseUrl);
  });
});

describe('nginx, seen from the service behind it', () => {
  const writeSecond: { now?: () => void } = {};
  let secondWritten = false;
  let service: RecordingUpstream;
  let payments: Awaited<ReturnType<typeof rawBodyUpstream>>;
  let closedPort = 0;
  beforeAll(async () => {
    service = await recordingUpstream((req, res) => {
      if (req.url === '/api/orders/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write('event: order\ndata: {"n":1}\n\n');
        writeSecond.now = () => {
          secondWritten = true;
          res.write('event: order\ndata: {"n":2}\n\n');
        };
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    payments = await rawBodyUpstream();
    closedPort = await freePort();
  });
  afterAll(async () => {
    await service.close();
    await payments?.close();
  });
  const nginx = useNginx(() => ({ ORDERS_URL: service.url, INVENTORY_URL: service.url, PAYMENTS_URL: payments.url, IDENTITY_URL: `http://127.0.0.1:${closedPort}` }));

  it("passes a provider's webhook to payments byte for byte, its signature header and content type untouched", async () => {
    // What a signature covers: the exact bytes, spacing, key order, escapes and non-ASCII included.
    const body = Buffer.from('{"id":"evt_1","type":"authorization.succeeded",  "data":{"orderId":"o-1","note":"caf\u00e9 \\u00e9 ü"}}\n', 'utf8');
    const signature = `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}`;
    const response = await fetch(`${nginx().baseUrl}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'sandbox-signature': signature, 'user-agent': 'SandboxProvider/1.0' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    const seen = payments.seen.at(-1)!;
    expect(seen).toMatchObject({ method: 'POST', url: '/api/payments/webhooks/sandbox' });
    expect(seen.body.equals(body), `body arrived as ${JSON.stringify(seen.body.toString('utf8'))}`).toBe(true);
    expect(seen.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      'sandbox-signature': signature,
      'user-agent': 'SandboxProvider/1.0',
    });
  });

  it("passes the path and query unchanged and adds the client's address to x-forwarded-for", async () => {
    await send('GET', `${nginx().baseUrl}/api/products?q=caf%C3%A9&limit=2`, undefined, { 'x-request-id': 'trace-me-1', 'x-forwarded-for': '203.0.113.7' });
    expect(service.seen.at(-1)).toMatchObject({
      url: '/api/products?q=caf%C3%A9&limit=2',
      headers: expect.objectContaining({ 'x-forwarded-for': '203.0.113.7, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-request-id': 'trace-me-1' }),
    });
  });

  it('passes an event stream through as it is written: the first event arrives before the second is written', async () => {
    const abort = new AbortController();
    const response = await fetch(`${nginx().baseUrl}/api/orders/stream`, { signal: abort.signal });
    const events = eventReader(response.body!);
    try {
      expect(await events.next()).toMatchObject({ event: 'order', data: '{"n":1}' });
      expect(secondWritten).toBe(false);
      writeSecond.now!();
      expect(await events.next()).toMatchObject({ event: 'order', data: '{"n":2}' });
    } finally {
      abort.abort();
      await events.cancel();
    }
  });

  it('a service that does not answer is a 502 problem naming it', async () => {
    const login = await send<{ status: number; code: string; detail: string }>('POST', `${nginx().baseUrl}/api/auth/login`, { email: 'a@b.c', password: 'x' });
    expect(login.status).toBe(502);
    expect(login.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(login.body).toMatchObject({ status: 502, code: 'UPSTREAM.UNAVAILABLE', detail: 'The identity service did not answer; try again shortly.' });
  });
});

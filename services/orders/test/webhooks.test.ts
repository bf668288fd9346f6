import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, type CloudEvent } from '@pedidos/platform/messaging';
import { SHAPES, capturedLog, createTestIssuer, eventually, expectNoSecretsLogged, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import type { CreatedWebhookEndpoint, WebhookDelivery } from '@pedidos/contracts/webhooks';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { copyToCatalog } from './support/catalog';
import { createWebhookSender } from '../src/webhooks-sender';

const ADMIN_ID = '7f3b3c2e-52d4-4a57-9c1e-0d1f5f7c9a11';
const ANA_ID = '2c7d8e0f-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const RETRY_FOR_MS = 1_000;

type Verify = (secret: string, headers: Record<string, string | string[] | undefined>, body: string) => boolean;

/** The receiver's check exactly as docs/operations.md publishes it. */
function publishedVerifier(): Verify {
  const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('function verifyWebhook'));
  if (block === undefined) throw new Error('docs/operations.md publishes no verifyWebhook snippet');
  const body = block.replace(/^import .*$/m, '');
  return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verifyWebhook;`)(createHmac, timingSafeEqual) as Verify;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What it was answered; 0 when the connection was cut instead. */
  status: number;
}

/** A receiver on 127.0.0.1: each path answers as its function says, told how many times this `webhook-id` came before. */
async function startReceiver(paths: Record<string, (seenBefore: number) => number | 'hang-up' | Promise<number>>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const seenBefore = received.filter((r) => r.path === path && r.headers['webhook-id'] === req.headers['webhook-id']).length;
      void Promise.resolve(paths[path]?.(seenBefore) ?? 404).then((answer) => {
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer === 'hang-up' ? 0 : answer });
        if (answer === 'hang-up') req.socket.destroy();
        else res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    /** The requests for an order's event of this type at this path. */
    about: (path: string, type: string, orderId: string) => received.filter((r) => {
      if (r.path !== path) return false;
      const event = JSON.parse(r.body) as CloudEvent<{ orderId?: string }>;
      return event.type === type && event.data.orderId === orderId;
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(SHAPES)('outbound webhooks (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildOrders>>;
  let issuer: TestIssuer;
  let admin: string;
  let ana: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const logged = capturedLog();
  const secrets: string[] = [];
  let receiverDown = true;
  let laterOpen = false;
  // '/held' answers only once released: its delivery is being sent meanwhile.
  let arrived!: () => void;
  const heldArrived = new Promise<void>((resolve) => (arrived = resolve));
  let release!: (status: number) => void;
  const held = new Promise<number>((resolve) => (release = resolve));

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin', sub: ADMIN_ID, extra: { name: 'Admin', email: 'admin@example.com' } });
    ana = await issuer.bearer({ role: 'customer', sub: ANA_ID, extra: { name: 'Ana Souza', email: 'ana@example.com' } });
    receiver = await startReceiver({
      '/ok': () => 204,
      '/flaky': (seenBefore) => (seenBefore < 3 ? 503 : 200),
      '/down': () => (receiverDown ? 'hang-up' : 200),
      '/refuses': () => 400,
      '/later': () => (laterOpen ? 200 : 503),
      '/removed': () => 204,
      '/held': () => {
        arrived();
        return held;
      },
    });
    const config = loadConfig({
      OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env,
      WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_FOR_MS: String(RETRY_FOR_MS), WEBHOOK_RETRY_MIN_MS: '20', WEBHOOK_POLL_MS: '50',
    }, ordersConfigSpec);
    app = await buildOrders({ ...adapters, log: logged.log, config });
    await app.start();
    await copyToCatalog(adapters.bus);
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await adapters?.close();
    await issuer?.close();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, authorization = admin) =>
    app.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: { authorization } });
  const register = async (path: string, events: string[]): Promise<CreatedWebhookEndpoint> => {
    const response = await inject('POST', '/api/webhooks', { url: receiver.url(path), events, description: `receiver ${path}` });
    expect(response.statusCode).toBe(201);
    const endpoint = response.json() as CreatedWebhookEndpoint;
    secrets.push(endpoint.secret);
    return endpoint;
  };
  const placeOrder = async () => {
    const response = await inject('POST', '/api/orders', { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' }, ana);
    expect(response.statusCode).toBe(201);
    return (response.json() as { id: string }).id;
  };
  const deliveries = async (endpointId: string): Promise<WebhookDelivery[]> => {
    const response = await inject('GET', `/api/webhooks/${endpointId}/deliveries?limit=100`);
    expect(response.statusCode).toBe(200);
    return response.json().items;
  };
  /** The delivery of the event `received` carried, once `done` says it is where the test wants it. */
  const deliveryOf = (endpointId: string, eventId: () => string | undefined, done: (d: WebhookDelivery) => boolean, timeoutMs = 10_000) =>
    eventually(async () => {
      const id = eventId();
      const found = id === undefined ? undefined : (await deliveries(endpointId)).find((d) => d.eventId === id);
      return found && done(found) ? found : undefined;
    }, timeoutMs, 'delivery');

  it('signs each delivery so that the published snippet verifies it, and shows the secret only once', async () => {
    const endpoint = await register('/ok', ['order.created']);
    expect(endpoint).toEqual({
      id: expect.any(String), url: receiver.url('/ok'), events: ['order.created'], description: 'receiver /ok', createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const orderId = await placeOrder();
    const [request] = await eventually(async () => {
      const found = receiver.about('/ok', 'order.created', orderId);
      return found.length > 0 ? found : undefined;
    }, 10_000, 'order.created at the receiver');
    const event = JSON.parse(request!.body) as CloudEvent;
    expect(event).toMatchObject({ specversion: '1.0', type: 'order.created', source: SOURCES.orders, data: { orderId } });
    expect(request!.headers['webhook-id']).toBe(event.id);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const verify = publishedVerifier();
    expect(verify(endpoint.secret, request!.headers, request!.body)).toBe(true);
    expect(verify(endpoint.secret, request!.headers, request!.body.replace(orderId, ANA_ID))).toBe(false);
    expect(verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request!.headers, request!.body)).toBe(false);

    const delivery = await deliveryOf(endpoint.id, () => event.id, (d) => d.status === 'delivered');
    expect(delivery).toMatchObject({ eventType: 'order.created', attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(delivery.attemptLog).toEqual([{ at: expect.any(String), statusCode: 204, durationMs: expect.any(Number), error: null }]);

    const list = await inject('GET', '/api/webhooks');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual({ id: endpoint.id, url: receiver.url('/ok'), events: ['order.created'], description: 'receiver /ok', createdAt: endpoint.createdAt });
    expect(list.body).not.toContain(endpoint.secret.slice('whsec_'.length));
    expect((await inject('GET', `/api/webhooks/${endpoint.id}/deliveries`)).body).not.toContain(endpoint.secret.slice('whsec_'.length));
  });

  it('a receiver failing 3 times then answering gets the event accepted once, every try with the same webhook-id', async () => {
    const endpoint = await register('/flaky', ['order.created']);
    const orderId = await placeOrder();
    const tries = () => receiver.about('/flaky', 'order.created', orderId);
    const delivery = await deliveryOf(endpoint.id, () => tries()[0]?.headers['webhook-id'] as string | undefined, (d) => d.status === 'delivered');
    expect(tries().map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(tries().map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(delivery.attempts).toBe(4);
    expect(delivery.attemptLog.map((a) => [a.statusCode, a.error])).toEqual([[503, 'HTTP 503'], [503, 'HTTP 503'], [503, 'HTTP 503'], [200, null]]);
  });

  it('refuses to send again a delivery still being tried, which is then sent once', async () => {
    const endpoint = await register('/held', ['order.created']);
    const orderId = await placeOrder();
    await heldArrived;
    const [pending] = await deliveries(endpoint.id);
    expect(pending).toMatchObject({ eventType: 'order.created', status: 'pending' });
    const replay = await inject('POST', `/api/webhooks/${endpoint.id}/deliveries/${pending!.id}/replay`);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'WEBHOOK.DELIVERY_IN_FLIGHT' });
    release(200);
    const delivered = await deliveryOf(endpoint.id, () => pending!.eventId, (d) => d.status === 'delivered');
    expect(delivered.attempts).toBe(1);
    expect(receiver.about('/held', 'order.created', orderId)).toHaveLength(1);
  });

  it('sends a delivery waiting for its next retry at once when asked, rather than an hour later', async () => {
    const endpoint = await register('/later', ['order.created']);
    const orderId = await placeOrder();
    const tries = () => receiver.about('/later', 'order.created', orderId);
    await eventually(async () => (tries().length > 0 ? true : undefined), 10_000, 'a first try');
    const [delivery] = await deliveries(endpoint.id);
    // Its next retry an hour away (set between attempts, never during one), as after many failures.
    await eventually(async () => {
      const { rows } = await adapters.database.db.execute<{ id: string }>(sql`
        UPDATE orders.webhook_deliveries SET next_attempt_at = now() + interval '1 hour'
         WHERE id = ${delivery!.id} AND status = 'pending' AND leased_until IS NULL RETURNING id`);
      return rows.length === 1 ? true : undefined;
    }, 10_000, 'the delivery between two attempts');
    const waited = tries().length;
    laterOpen = true;
    const replay = await inject('POST', `/api/webhooks/${endpoint.id}/deliveries/${delivery!.id}/replay`);
    expect(replay.statusCode).toBe(202);
    const delivered = await deliveryOf(endpoint.id, () => delivery!.eventId, (d) => d.status === 'delivered');
    expect(tries()).toHaveLength(waited + 1);
    expect(delivered.attemptLog.at(-1)).toMatchObject({ statusCode: 200 });
  });

  it('fails, and does not send, a delivery left pending for an endpoint removed meanwhile', async () => {
    const endpoint = await register('/removed', ['order.created']);
    const orderId = await placeOrder();
    const sent = () => receiver.about('/removed', 'order.created', orderId);
    const delivery = await deliveryOf(endpoint.id, () => sent()[0]?.headers['webhook-id'] as string | undefined, (d) => d.status === 'delivered');
    expect((await inject('DELETE', `/api/webhooks/${endpoint.id}`)).statusCode).toBe(204);
    // As a fan-out or a replay racing the removal would leave it.
    await adapters.database.db.execute(sql`
      UPDATE orders.webhook_deliveries SET status = 'pending', next_attempt_at = now(), leased_until = NULL WHERE id = ${delivery.id}`);
    const failed = await eventually(async () => {
      const { rows } = await adapters.database.db.execute<{ status: string; last_error: string | null }>(sql`
        SELECT status, last_error FROM orders.webhook_deliveries WHERE id = ${delivery.id}`);
      return rows[0]?.status === 'failed' ? rows[0] : undefined;
    }, 10_000, 'the delivery failed');
    expect(failed.last_error).toBe('endpoint removed');
    expect(sent()).toHaveLength(1);
  });

  it('a receiver down longer than the retry window ends failed, and a replay by hand delivers it', async () => {
    const endpoint = await register('/down', ['order.created']);
    const orderId = await placeOrder();
    const tries = () => receiver.about('/down', 'order.created', orderId);
    const eventId = () => tries()[0]?.headers['webhook-id'] as string | undefined;
    const failed = await deliveryOf(endpoint.id, eventId, (d) => d.status === 'failed', RETRY_FOR_MS + 10_000);
    expect(failed.attempts).toBeGreaterThan(1);
    expect(failed).toMatchObject({ lastStatusCode: null, nextAttemptAt: null, lastError: expect.any(String) });
    expect(failed.attemptLog.every((a) => a.statusCode === null && a.error !== null)).toBe(true);
    // The last try is made once the window has passed, and not long after.
    expect(Date.parse(failed.attemptLog.at(-1)!.at)).toBeGreaterThanOrEqual(Date.parse(failed.createdAt) + RETRY_FOR_MS);

    receiverDown = false;
    const replay = await inject('POST', `/api/webhooks/${endpoint.id}/deliveries/${failed.id}/replay`);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toEqual({ id: failed.id, status: 'pending' });
    const delivered = await deliveryOf(endpoint.id, eventId, (d) => d.status === 'delivered');
    expect(delivered.attempts).toBe(failed.attempts + 1);
    expect(tries().at(-1)).toMatchObject({ status: 200, headers: { 'webhook-id': eventId() } });
  });

  it('does not retry a receiver that refuses with a 4xx', async () => {
    const endpoint = await register('/refuses', ['order.created']);
    const orderId = await placeOrder();
    const tries = () => receiver.about('/refuses', 'order.created', orderId);
    const failed = await deliveryOf(endpoint.id, () => tries()[0]?.headers['webhook-id'] as string | undefined, (d) => d.status === 'failed');
    expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400', nextAttemptAt: null });
    expect(tries()).toHaveLength(1);
  });

  it('sends each endpoint only the types it chose, the payments\' facts included', async () => {
    const payments = await register('/ok', ['payment.authorized', 'order.status-changed']);
    const orderId = await placeOrder();
    const authorized = cloudEvent({
      source: SOURCES.payments, type: 'payment.authorized', subject: orderId,
      data: { orderId, payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '4242' }, version: 1 },
    });
    await adapters.bus.publish(EXCHANGES.payments, [authorized]);
    const types = await eventually(async () => {
      const items = await deliveries(payments.id);
      const sent = items.filter((d) => d.status === 'delivered').map((d) => d.eventType).sort();
      return sent.length === 3 ? sent : undefined;
    }, 10_000, 'three deliveries');
    // Two status changes: created (pending), then confirmed by the payment; order.created was not chosen.
    expect(types).toEqual(['order.status-changed', 'order.status-changed', 'payment.authorized']);
    expect(receiver.about('/ok', 'payment.authorized', orderId)).toHaveLength(1);
    expect(receiver.about('/ok', 'order.status-changed', orderId).map((r) => (JSON.parse(r.body) as CloudEvent<{ order: { status: string } }>).data.order.status).sort())
      .toEqual(['confirmed', 'pending']);
  });

  it('pages an endpoint\'s deliveries newest first', async () => {
    const endpoint = await register('/ok', ['order.created']);
    await placeOrder();
    await placeOrder();
    await eventually(async () => ((await deliveries(endpoint.id)).length === 2 ? true : undefined), 10_000, 'two deliveries');
    const first = await inject('GET', `/api/webhooks/${endpoint.id}/deliveries?limit=1`);
    const second = await inject('GET', `/api/webhooks/${endpoint.id}/deliveries?limit=1&cursor=${first.json().nextCursor}`);
    expect(second.json().nextCursor).toBeNull();
    const [newer, older] = [first.json().items[0] as WebhookDelivery, second.json().items[0] as WebhookDelivery];
    expect(Date.parse(newer.createdAt)).toBeGreaterThanOrEqual(Date.parse(older.createdAt));
    expect(newer.id).not.toBe(older.id);
  });

  it('removes an endpoint: gone from the list, its deliveries no longer answered', async () => {
    const endpoint = await register('/ok', ['order.cancelled']);
    const removed = await inject('DELETE', `/api/webhooks/${endpoint.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await inject('GET', '/api/webhooks')).json().items.map((e: { id: string }) => e.id)).not.toContain(endpoint.id);
    expect((await inject('GET', `/api/webhooks/${endpoint.id}/deliveries`)).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/webhooks/${endpoint.id}`)).statusCode).toBe(404);
  });

  it('refuses private and loopback addresses unless allowed, and URLs other than http(s), naming /url and writing nothing', async () => {
    const config = loadConfig({ INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env }, ordersConfigSpec);
    const guarded = await buildOrders({ ...adapters, config });
    try {
      const before = (await inject('GET', '/api/webhooks')).json().items.length;
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest', 'http://10.1.2.3/', 'http://[::ffff:127.0.0.1]/', 'ftp://203.0.113.9/', 'file:///etc/passwd']) {
        const response = await guarded.http.inject({ method: 'POST', url: '/api/webhooks', payload: { url, events: ['order.created'] }, headers: { authorization: admin } });
        expect(response.statusCode, url).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({ code: 'WEBHOOK.INVALID_URL', errors: [{ path: '/url' }] });
      }
      const badEvents = await guarded.http.inject({ method: 'POST', url: '/api/webhooks', payload: { url: 'https://203.0.113.9/', events: ['stock.reserved'] }, headers: { authorization: admin } });
      expect(badEvents.statusCode).toBe(400);
      expect(JSON.stringify(badEvents.json().errors)).toContain('/events');
      expect((await inject('GET', '/api/webhooks')).json().items).toHaveLength(before);
    } finally {
      await guarded.http.close();
    }
  });

  it('documents its routes in the OpenAPI document, the secret in the registration\'s answer alone', async () => {
    const doc = (await inject('GET', '/docs/json')).json();
    const created = doc.paths['/api/webhooks'].post.responses['201'].content['application/json'].schema;
    expect(created.required).toContain('secret');
    expect(doc.paths['/api/webhooks'].post.responses['400'].content['application/problem+json']).toBeDefined();
    expect(doc.paths['/api/webhooks'].get.responses['200'].content['application/json'].schema.properties.items.items.properties).not.toHaveProperty('secret');
    expect(Object.keys(doc.paths['/api/webhooks/{id}'])).toEqual(['delete']);
    expect(doc.paths['/api/webhooks/{id}/deliveries'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/webhooks/{id}/deliveries/{deliveryId}/replay'].post.responses['202']).toBeDefined();
  });

  it('is for admins only', async () => {
    expect((await inject('GET', '/api/webhooks', undefined, ana)).statusCode).toBe(403);
    expect((await inject('POST', '/api/webhooks', { url: receiver.url('/ok'), events: ['order.created'] }, ana)).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: '/api/webhooks' })).statusCode).toBe(401);
  });

  it('never writes a secret to the log', () => {
    expect(secrets.length).toBeGreaterThan(0);
    expect(logged.lines().length).toBeGreaterThan(0);
    expectNoSecretsLogged(logged.lines(), secrets.flatMap((s) => [s, s.slice('whsec_'.length)]));
  });
});

describe('sending to a private address', () => {
  it('is refused at send time too, by address and by a name resolving to one, without the request leaving', async () => {
    const receiver = await startReceiver({ '/ok': () => 200 });
    const sender = createWebhookSender({ timeoutMs: 2_000, allowPrivate: false });
    try {
      const port = new URL(receiver.url('/ok')).port;
      for (const url of [receiver.url('/ok'), `http://localhost:${port}/ok`]) {
        const outcome = await sender.send({ url, secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, id: 'evt-1', body: '{}' });
        expect(outcome, url).toMatchObject({ verdict: 'retry', statusCode: null, error: expect.stringMatching(/loopback/) });
      }
      expect(receiver.received).toEqual([]);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});

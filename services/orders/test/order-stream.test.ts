import { randomUUID } from 'node:crypto';
import { connect as amqpConnect } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { cloudEvent, createInProcessBus, createRabbitMqBus, type Bus, type CloudEvent, type InProcessBus } from '@pedidos/platform/messaging';
import { SHAPES, TEST_RETRY, ackCounter, createTestIssuer, eventProbe, eventually, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES, SOURCES } from '@pedidos/contracts/events';
import type { Order } from '@pedidos/contracts/orders';
import { buildOrders } from '../src/app';
import { ordersConfigSpec } from '../src/config';
import { LIVE_QUEUE_PREFIX } from '../src/messaging/live-feed';
import { openSse, type SseClient, type SseEvent } from './support/sse-client';

type Instance = Awaited<ReturnType<typeof buildOrders>> & { url: string };

const fromInventory = (type: string, data: Record<string, unknown>) =>
  cloudEvent({ source: SOURCES.inventory, type, data, ...(typeof data.orderId === 'string' ? { subject: data.orderId } : {}) });

/** `payment.authorized` as the payments service publishes it: the order's payment went through. */
const authorized = (orderId: string) => cloudEvent({
  source: SOURCES.payments, type: 'payment.authorized', subject: orderId,
  data: { orderId, payment: { status: 'authorized', amount: 4990, captured: 0, refunded: 0, brand: 'visa', last4: '4242' }, version: 1 },
});

const orderOf = (e: SseEvent) => JSON.parse(e.data) as Order;
const isChange = (orderId: string, status: string) => (e: SseEvent) => e.event === 'order' && orderOf(e).id === orderId && orderOf(e).status === status;
const about = (client: SseClient, orderId: string) => client.events.filter((e) => orderOf(e).id === orderId);

/** STREAMS_PER_USER_MAX when unset. */
const DEFAULT_STREAMS_PER_USER = 5;

describe.each(SHAPES)('GET /api/orders/stream (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  /** Two replicas on one database and one broker (the same vhost on the real shape, over two connections). */
  let a: Instance;
  let b: Instance;
  let busB: Bus;
  let probe: Awaited<ReturnType<typeof eventProbe>>;
  const clients: SseClient[] = [];
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ OUTBOX_POLL_MS: '100', INVENTORY_URL: 'http://127.0.0.1:9', ...issuer.env, ...env }, ordersConfigSpec);
  const customer = { id: randomUUID(), token: '' };
  const other = { id: randomUUID(), token: '' };
  let admin: string;

  async function instance(bus: Bus, env?: Record<string, string>): Promise<Instance> {
    const app = await buildOrders({ ...adapters, bus, config: config(env) });
    await app.start();
    return Object.assign(app, { url: await app.http.listen({ port: 0, host: '127.0.0.1' }) });
  }

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    customer.token = await issuer.bearer({ sub: customer.id, role: 'customer' });
    other.token = await issuer.bearer({ sub: other.id, role: 'customer' });
    admin = await issuer.bearer({ role: 'admin' });
    busB = shape === 'real' ? await createRabbitMqBus({ url: adapters.urls.rabbitmq!, retry: TEST_RETRY, log: adapters.log }) : adapters.bus;
    a = await instance(adapters.bus);
    b = await instance(busB);
    probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.orders, routingKey: 'order.status-changed' }]);
    await tell(fromInventory('product.upserted', { sku: 'CAFE-1KG', name: 'Café', price: 4990, currency: 'BRL', updatedAt: new Date().toISOString() }));
  });
  // Streams left open would count against their user's cap in the tests that follow.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await probe?.cancel();
    await a?.stop();
    await b?.stop();
    if (busB !== adapters?.bus) await busB?.close();
    await adapters?.close();
    await issuer?.close();
  });

  /** Opens a stream and waits until the server marks it live, so no change made afterwards can be missed. */
  async function connect(on: Instance, authorization: string, opts: { lastEventId?: string; query?: string } = {}) {
    const headers: Record<string, string> = { authorization };
    if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
    const client = await openSse(`${on.url}/api/orders/stream${opts.query ?? ''}`, headers);
    clients.push(client);
    expect(client.status).toBe(200);
    await client.positioned();
    return client;
  }

  const call = async (on: Instance, method: 'GET' | 'POST', path: string, authorization: string, body?: object) => {
    const response = await fetch(`${on.url}${path}`, {
      method,
      headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Order };
  };
  const place = async (as: string, on: Instance = a) => {
    const { status, body } = await call(on, 'POST', '/api/orders', as, { items: [{ sku: 'CAFE-1KG', quantity: 1 }], paymentMethod: 'pm_card_visa' });
    expect(status).toBe(201);
    return body;
  };
  const getOrder = async (id: string) => (await call(a, 'GET', `/api/orders/${id}`, admin)).body;
  /** Publishes as the event's source would; resolves once a replica (whichever took it) has handled it. */
  async function tell(event: CloudEvent) {
    const counters = [...new Set([adapters.bus, busB])].map((bus) => ackCounter(bus, event.id));
    await adapters.bus.publish(event.source === SOURCES.payments ? EXCHANGES.payments : EXCHANGES.inventory, [event]);
    await Promise.any(counters.map((c) => c.reached(1)));
    counters.forEach((c) => c.off());
  }
  /** The order's payment is authorized, so it turns confirmed. */
  const confirm = (orderId: string) => tell(authorized(orderId));

  it('sends a customer the changes of their own orders, as GET returns them, and an admin everyone\'s', async () => {
    const mine = await connect(a, customer.token);
    const all = await connect(a, admin);
    expect(mine.header('content-type')).toBe('text/event-stream');
    expect(mine.header('cache-control')).toBe('no-cache');
    expect(mine.header('x-accel-buffering')).toBe('no');
    expect(mine.header('x-request-id')).toBeTruthy();
    expect(mine.retry).toBe(3000);

    const own = await place(customer.token);
    const theirs = await place(other.token);
    const pending = await mine.next(isChange(own.id, 'pending'));
    expect(orderOf(pending)).toEqual(own);
    // The admin saw the other order's creation: it went past the customer's stream too, before what follows.
    await all.next(isChange(theirs.id, 'pending'));
    await confirm(own.id);
    const confirmed = await mine.next(isChange(own.id, 'confirmed'));
    expect(orderOf(confirmed)).toEqual(await getOrder(own.id));
    expect(Number(confirmed.id)).toBeGreaterThan(Number(pending.id));

    expect(mine.events.every((e) => orderOf(e).customerId === customer.id)).toBe(true);
    expect(about(mine, theirs.id)).toEqual([]);
    expect(about(mine, own.id).map((e) => orderOf(e).status)).toEqual(['pending', 'confirmed']);
    await all.next(isChange(own.id, 'confirmed'));
    expect(about(all, own.id).map((e) => [e.id, orderOf(e).status])).toEqual([[pending.id, 'pending'], [confirmed.id, 'confirmed']]);
    expect(about(all, theirs.id).map((e) => orderOf(e).status)).toEqual(['pending']);
  });

  it('sends the same change to every subscriber at once', async () => {
    const subscribers = await Promise.all([connect(a, customer.token), connect(a, customer.token), connect(a, admin), connect(b, admin), connect(b, customer.token)]);
    const order = await place(customer.token);
    const received = await Promise.all(subscribers.map((s) => s.next(isChange(order.id, 'pending'))));
    for (const event of received) expect(event).toEqual(received[0]);
    expect(orderOf(received[0]!)).toEqual(order);
  });

  it('delivers on reconnection, once each, what changed while the client was away, then carries on live', async () => {
    const first = await connect(a, customer.token);
    const kept = await place(customer.token);
    const seen = await first.next(isChange(kept.id, 'pending'));
    await first.close();

    // While away: one order confirmed, another placed and cancelled, someone else's placed.
    await confirm(kept.id);
    const missed = await place(customer.token);
    expect((await call(a, 'POST', `/api/orders/${missed.id}/cancel`, customer.token)).status).toBe(200);
    const notMine = await place(other.token);

    // Last-Event-ID as the header, on this replica; as the query parameter, on the other.
    const resumed = [await connect(a, customer.token, { lastEventId: seen.id }), await connect(b, customer.token, { query: `?lastEventId=${seen.id}` })];
    for (const client of resumed) {
      // Everything before the position mark is the replay: each order once, as it stands now, ids increasing.
      const replay = client.events.slice();
      expect(replay.map((e) => [orderOf(e).id, orderOf(e).status])).toEqual([[kept.id, 'confirmed'], [missed.id, 'cancelled']]);
      expect(orderOf(replay[0]!)).toEqual(await getOrder(kept.id));
      expect(orderOf(replay[1]!)).toEqual(await getOrder(missed.id));
      expect(Number(replay[0]!.id)).toBeGreaterThan(Number(seen.id));
      expect(Number(replay[1]!.id)).toBeGreaterThan(Number(replay[0]!.id));
      expect(client.positions).toEqual([replay[1]!.id]);
      expect(about(client, notMine.id)).toEqual([]);
    }
    // At least once: the broker may deliver a change again after the replay sent it; no client sees it twice.
    const published = (orderId: string, status: string) =>
      probe.next((e) => (e.data as { order: Order }).order.id === orderId && (e.data as { order: Order }).order.status === status);
    const again = await Promise.all([published(kept.id, 'pending'), published(kept.id, 'confirmed'), published(missed.id, 'cancelled')]);
    await adapters.bus.publish(EXCHANGES.orders, again);
    expect((await call(b, 'POST', `/api/orders/${kept.id}/ship`, admin)).status).toBe(200);
    for (const client of resumed) {
      await client.next(isChange(kept.id, 'shipped'));
      expect(about(client, kept.id).map((e) => orderOf(e).status)).toEqual(['confirmed', 'shipped']);
      expect(about(client, missed.id)).toHaveLength(1);
    }
  });

  it('neither loses nor repeats changes made while a client is reconnecting', async () => {
    const before = await connect(a, customer.token);
    const mark = await place(customer.token);
    const from = (await before.next(isChange(mark.id, 'pending'))).id;
    await before.close();
    const racing = Array.from({ length: 8 }, () => place(customer.token));
    const resumed = await connect(b, customer.token, { lastEventId: from });
    const placed = await Promise.all(racing);
    await Promise.all(placed.map((o) => resumed.next(isChange(o.id, 'pending'))));
    await confirm(placed[0]!.id);
    await resumed.next(isChange(placed[0]!.id, 'confirmed'));
    for (const order of placed) expect(about(resumed, order.id).filter((e) => orderOf(e).status === 'pending')).toHaveLength(1);
    expect(about(resumed, mark.id)).toEqual([]);
    const ids = resumed.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reaches the clients of every replica, whichever replica made the change', async () => {
    const onA = await connect(a, admin);
    const onB = await connect(b, customer.token);
    const viaA = await place(customer.token, a);
    await Promise.all([onA.next(isChange(viaA.id, 'pending')), onB.next(isChange(viaA.id, 'pending'))]);
    expect((await call(b, 'POST', `/api/orders/${viaA.id}/cancel`, customer.token)).status).toBe(200);
    await Promise.all([onA.next(isChange(viaA.id, 'cancelled')), onB.next(isChange(viaA.id, 'cancelled'))]);

    const viaB = await place(customer.token, b);
    await Promise.all([onA.next(isChange(viaB.id, 'pending')), onB.next(isChange(viaB.id, 'pending'))]);
    expect((await call(a, 'POST', `/api/orders/${viaB.id}/cancel`, admin)).status).toBe(200);
    const cancelled = await onB.next(isChange(viaB.id, 'cancelled'));
    await onA.next((e) => e.id === cancelled.id);
    for (const client of [onA, onB]) {
      expect(about(client, viaA.id).map((e) => orderOf(e).status)).toEqual(['pending', 'cancelled']);
      expect(about(client, viaB.id).map((e) => orderOf(e).status)).toEqual(['pending', 'cancelled']);
    }
  });

  it('refuses a missing or bad token and a malformed Last-Event-ID, and never replays another customer\'s orders', async () => {
    const url = `${a.url}/api/orders/stream`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(url, { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
    for (const bad of ['abc', '-1', '1.5', '12345678901234567890']) {
      const response = await fetch(url, { headers: { authorization: customer.token, 'last-event-id': bad } });
      expect(response.status).toBe(400);
      expect((await fetch(`${url}?lastEventId=${bad}`, { headers: { authorization: customer.token } })).status).toBe(400);
    }

    const theirs = await place(other.token);
    const fromStart = await connect(a, customer.token, { lastEventId: '0' });
    const mine = new Set(fromStart.events.map((e) => orderOf(e).customerId));
    expect(fromStart.events.length).toBeGreaterThan(0);
    expect(mine).toEqual(new Set([customer.id]));
    expect(about(fromStart, theirs.id)).toEqual([]);
    const everything = await connect(a, admin, { lastEventId: '0' });
    expect(about(everything, theirs.id).map((e) => orderOf(e).status)).toEqual(['pending']);
    const ids = everything.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(everything.events.map((e) => orderOf(e).id)).size).toBe(ids.length);
  });

  it('replays page by page exactly what one page would hold', async () => {
    const who = { id: randomUUID(), role: 'admin' as const };
    const whole = await a.service.changesSince(who, 0, 10_000);
    expect(whole.more).toBe(false);
    expect(whole.changes.length).toBeGreaterThan(5);
    const paged = [];
    for (let cursor = 0, more = true; more; ) {
      const page = await a.service.changesSince(who, cursor, 3);
      paged.push(...page.changes);
      ({ cursor, more } = page);
    }
    expect(paged).toEqual(whole.changes);
  });

  it('documents the stream in the OpenAPI document', async () => {
    const doc = (await a.http.inject({ method: 'GET', url: '/docs/json' })).json();
    const route = doc.paths['/api/orders/stream'].get;
    expect(route.summary).toMatch(/Server-Sent Events/);
    expect(route.description).toContain('Last-Event-ID');
    expect(route.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(route.responses['200'].content)).toEqual(['text/event-stream']);
    expect(route.responses['401'].content['application/problem+json']).toBeDefined();
    expect(route.responses['429'].content['application/problem+json']).toBeDefined();
    expect(route.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['header:last-event-id', 'query:lastEventId']);
  });

  /** A customer of their own, so no other test's streams count against them. */
  const newCustomer = () => issuer.bearer({ sub: randomUUID(), role: 'customer' });
  const openStreams = (on: Instance, authorization: string, n: number) => Promise.all(Array.from({ length: n }, () => connect(on, authorization)));
  /** A stream request expected to be refused: a problem is read whole; a stream, wrongly opened, is dropped. */
  const refused = async (on: Instance, authorization: string) => {
    const response = await fetch(`${on.url}/api/orders/stream`, { headers: { authorization } });
    const isProblem = response.headers.get('content-type')?.includes('application/problem+json');
    const body = isProblem ? ((await response.json()) as Record<string, unknown>) : await response.body?.cancel();
    return { status: response.status, headers: response.headers, body };
  };

  it('lets a user keep five streams open by default, and refuses a sixth with 429 problem+json and Retry-After', async () => {
    const user = await newCustomer();
    const open = await openStreams(a, user, DEFAULT_STREAMS_PER_USER);
    const sixth = await refused(a, user);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toContain('application/problem+json');
    expect(sixth.headers.get('retry-after')).toBe('3');
    expect(sixth.body).toMatchObject({
      status: 429,
      code: 'STREAM.TOO_MANY',
      type: 'https://pedidos.dev/problems/stream-too-many',
      title: 'Too many open streams',
      detail: expect.stringContaining(`${DEFAULT_STREAMS_PER_USER} live order streams`),
    });
    // The open ones carry on as before.
    const order = await place(user);
    await Promise.all(open.map((client) => client.next(isChange(order.id, 'pending'))));
  });

  it('does not count one user\'s streams against another', async () => {
    const [full, next] = [await newCustomer(), await newCustomer()];
    await openStreams(a, full, DEFAULT_STREAMS_PER_USER);
    expect((await refused(a, full)).status).toBe(429);
    await openStreams(a, next, DEFAULT_STREAMS_PER_USER);
    await connect(a, await issuer.bearer({ role: 'admin' }));
    expect((await refused(a, next)).status).toBe(429);
  });

  it('gives a user\'s place back as soon as one of their streams closes, and none to a refused request', async () => {
    const user = await newCustomer();
    const [leaving] = await openStreams(a, user, DEFAULT_STREAMS_PER_USER);
    expect((await refused(a, user)).status).toBe(429);
    expect((await refused(a, user)).status).toBe(429);
    await leaving!.hangUp();
    await connect(a, user);
    expect((await refused(a, user)).status).toBe(429);
  });

  it('lifts the cap with STREAMS_PER_USER_MAX=0', async () => {
    const uncapped = await instance(adapters.bus, { STREAMS_PER_USER_MAX: '0' });
    try {
      await openStreams(uncapped, await newCustomer(), DEFAULT_STREAMS_PER_USER + 1);
    } finally {
      await uncapped.stop();
    }
  });

  it('a replica takes the changes only while a stream is open on it (its queue then goes), and stop() ends its streams promptly', async () => {
    // On the real shape a replica of its own connection, so that its queues' acks are told apart from the others'.
    const busC = shape === 'real' ? await createRabbitMqBus({ url: adapters.urls.rabbitmq!, retry: TEST_RETRY, log: adapters.log }) : adapters.bus;
    const acked = new Map<string, string[]>();
    const off = busC.on((signal) => {
      if (signal.kind !== 'ack' || !signal.queue.startsWith(`${LIVE_QUEUE_PREFIX}.`)) return;
      const orderId = (signal.event.data as { orderId: string }).orderId;
      acked.set(orderId, [...(acked.get(orderId) ?? []), signal.queue]);
    });
    // The queue that took `orderId`'s change and not `before`'s: on the embedded shape the other replicas' queues took both.
    const queueTaking = async (orderId: string, before?: string) =>
      eventually(async () => acked.get(orderId)?.find((q) => !(before && acked.get(before)?.includes(q))), 10_000, `a live queue taking ${orderId}`);
    const gone = (queue: string) => (shape === 'real'
      ? eventually(() => queueGone(adapters.urls.rabbitmq!, queue), 10_000, `${queue} deleted`)
      : eventually(async () => {
        try {
          (adapters.bus as InProcessBus).depth(queue);
          return undefined;
        } catch {
          return true;
        }
      }, 10_000, `${queue} deleted`));
    const c = await instance(busC, { LIVE_FEED_IDLE_MS: '0' });
    let stopping: Promise<void> | undefined;
    try {
      const unseen = await place(customer.token);
      // Published, so routed: to no queue of c's, which has no stream open yet.
      await probe.next((e) => (e.data as { order: Order }).order.id === unseen.id);
      const first = await connect(c, admin);
      const seen = await place(customer.token);
      await first.next(isChange(seen.id, 'pending'));
      const queue = await queueTaking(seen.id, unseen.id);
      // On the real shape c's bus carries c's queues alone: had c one when the first change was
      // made, that change would have come through it before the second.
      if (shape === 'real') expect(acked.get(unseen.id)).toBeUndefined();
      // Its last stream closed, the queue goes; the next stream declares another.
      await first.close();
      await gone(queue);
      const client = await connect(c, admin);
      const followed = await place(customer.token);
      await client.next(isChange(followed.id, 'pending'));
      // Promptly: the race fails the test if stop() takes 5 s.
      stopping = c.stop();
      await Promise.race([stopping, new Promise((_, reject) => setTimeout(() => reject(new Error('stop() hung with a stream open')), 5000))]);
      await client.ended;
      const second = await queueTaking(followed.id, seen.id);
      expect(second).not.toBe(queue);
      await gone(second);
    } finally {
      off();
      await (stopping ?? c.stop());
      if (busC !== adapters.bus) await busC.close();
    }
  });

  it('ends a stream at once when the broker cannot be reached, so that the browser opens it again later with its last id', async () => {
    const away = shape === 'real' ? await createRabbitMqBus({ url: adapters.urls.rabbitmq!, retry: TEST_RETRY, log: adapters.log }) : createInProcessBus();
    const d = await instance(away);
    try {
      await away.close();
      const client = await openSse(`${d.url}/api/orders/stream`, { authorization: admin });
      clients.push(client);
      expect(client.status).toBe(200);
      await client.ended;
      expect(client.positions).toEqual([]);
    } finally {
      await d.stop();
    }
  });
});

/** True when the queue no longer exists (RabbitMQ answers 404); an exclusive queue still there answers 405. */
async function queueGone(url: string, queue: string): Promise<true | undefined> {
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    return await channel.checkQueue(queue).then(() => undefined, (error: { code?: number }) => (error.code === 404 ? true : undefined));
  } finally {
    await connection.close().catch(() => {});
  }
}

import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Socket } from 'node:net';
import { connect, type Channel } from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bus, BusLog, BusSignal, RetryPolicy } from '../src/messaging/bus';
import { cloudEvent, CLOUDEVENTS_CONTENT_TYPE, type CloudEvent } from '../src/messaging/cloud-event';
import { createInProcessBroker, createInProcessBus, type InProcessBroker } from '../src/messaging/in-process-bus';
import { createRabbitMqBus } from '../src/messaging/rabbitmq-bus';
import { createTestVhost, rabbitmqctl, type TestVhost } from '../src/testing/rabbitmq';

interface BusOptions {
  retry?: RetryPolicy;
  log?: BusLog;
}

interface DeadLetterView {
  body: string;
  error: string;
  attempts: number;
  originalQueue: string;
}

/** One transport as the contract tests see it: buses sharing a broker, and a view into that broker. */
interface Harness {
  bus(options?: BusOptions): Promise<Bus>;
  depth(queue: string): Promise<number>;
  queueExists(queue: string): Promise<boolean>;
  deadLetters(queue: string): Promise<DeadLetterView[]>;
  publishRaw(exchange: string, routingKey: string, body: string): Promise<void>;
}

interface Transport {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh harness per test; buses it made are closed after the test. */
  harness(): Harness;
}

const openBuses: Bus[] = [];
const track = <B extends Bus>(bus: B): B => {
  openBuses.push(bus);
  return bus;
};
afterEach(async () => {
  await Promise.all(openBuses.splice(0).map((bus) => bus.close()));
});

function inProcessTransport(): Transport {
  let broker: InProcessBroker;
  return {
    name: 'in-process',
    start: async () => {},
    stop: async () => {},
    harness() {
      broker = createInProcessBroker();
      const probe = createInProcessBus({ broker });
      return {
        bus: async (options) => track(createInProcessBus({ ...options, broker })),
        depth: async (queue) => probe.depth(queue),
        queueExists: async (queue) => broker.ready(queue) !== undefined,
        deadLetters: async (queue) => probe.deadLetters(queue),
        publishRaw: (exchange, routingKey, body) => probe.publishRaw(exchange, routingKey, body),
      };
    },
  };
}

async function withChannel<T>(url: string, use: (ch: Channel) => Promise<T>): Promise<T> {
  const connection = await connect(url);
  connection.on('error', () => {});
  try {
    const ch = await connection.createChannel();
    ch.on('error', () => {});
    return await use(ch);
  } finally {
    await connection.close().catch(() => {});
  }
}

function rabbitMqTransport(): Transport & { vhost(): TestVhost } {
  let vhost: TestVhost;
  return {
    name: 'rabbitmq',
    vhost: () => vhost,
    start: async () => {
      vhost = await createTestVhost();
    },
    stop: async () => {
      await vhost?.drop();
    },
    harness() {
      const { url } = vhost;
      return {
        bus: async (options) => track(await createRabbitMqBus({ url, ...options })),
        depth: (queue) => withChannel(url, async (ch) => (await ch.checkQueue(queue)).messageCount),
        queueExists: (queue) =>
          withChannel(url, (ch) =>
            ch.checkQueue(queue).then(
              () => true,
              () => false,
            ),
          ),
        // Read without acking: closing the connection puts the dead letters back.
        deadLetters: (queue) =>
          withChannel(url, async (ch) => {
            const letters: DeadLetterView[] = [];
            for (let msg = await ch.get(`${queue}.dlq`); msg; msg = await ch.get(`${queue}.dlq`)) {
              const headers = msg.properties.headers ?? {};
              letters.push({
                body: msg.content.toString('utf8'),
                error: String(headers['x-last-error']),
                attempts: Number(headers['x-attempts']),
                originalQueue: String(headers['x-original-queue']),
              });
            }
            return letters;
          }),
        publishRaw: async (exchange, routingKey, body) => {
          const connection = await connect(url);
          try {
            const ch = await connection.createConfirmChannel();
            await ch.assertExchange(exchange, 'topic', { durable: true });
            ch.publish(exchange, routingKey, Buffer.from(body), { persistent: true });
            await ch.waitForConfirms();
          } finally {
            await connection.close();
          }
        },
      };
    },
  };
}

const fresh = (prefix: string) => `${prefix}.${randomUUID().slice(0, 8)}`;
const event = (type: string, data: unknown = { n: randomUUID() }) => cloudEvent({ source: 'test', type, data });
const shortRetry: RetryPolicy = { delaysMs: [50, 100] };

// vi.waitFor retries until the check stops throwing; its own default (1 s) is too short for a broker.
const POLL = { timeout: 10_000, interval: 25 };

function record(bus: Bus): BusSignal[] {
  const signals: BusSignal[] = [];
  bus.on((signal) => signals.push(signal));
  return signals;
}

function captureLog() {
  const entries: Array<{ level: string; msg: string | undefined }> = [];
  const at = (level: string) => (_obj: object, msg?: string) => void entries.push({ level, msg });
  const log: BusLog = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { log, entries };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const ignore = async () => {};

describe.each([inProcessTransport(), rabbitMqTransport()])('the $name bus', (transport) => {
  let h: Harness;
  beforeAll(() => transport.start());
  afterAll(() => transport.stop());
  beforeEach(() => {
    h = transport.harness();
  });

  it('routes each event by topic pattern to the matching queues only', async () => {
    const bus = await h.bus();
    const exchange = fresh('orders.events');
    const patterns = { star: 'order.*', exact: 'order.created', hash: '#.cancelled', none: 'stock.#' };
    const queues = Object.fromEntries(Object.keys(patterns).map((k) => [k, fresh(k)])) as Record<keyof typeof patterns, string>;
    for (const [key, routingKey] of Object.entries(patterns) as Array<[keyof typeof patterns, string]>) {
      const sub = await bus.subscribe({ queue: queues[key], bindings: [{ exchange, routingKey }], handler: ignore });
      await sub.cancel();
    }
    const created = event('order.created');
    const cancelled = event('order.cancelled');
    const lineCancelled = event('order.line.cancelled');

    await bus.publish(exchange, [created, cancelled, lineCancelled]);

    const depths = async () => ({
      star: await h.depth(queues.star),
      exact: await h.depth(queues.exact),
      hash: await h.depth(queues.hash),
      none: await h.depth(queues.none),
    });
    await vi.waitFor(async () => expect(await depths()).toEqual({ star: 2, exact: 1, hash: 2, none: 0 }), POLL);
    const received: CloudEvent[] = [];
    await bus.subscribe({
      queue: queues.hash,
      bindings: [{ exchange, routingKey: patterns.hash }],
      handler: async (e) => void received.push(e),
    });
    await vi.waitFor(() => expect(received).toEqual([cancelled, lineCancelled]), POLL);
  });

  it('binds and unbinds a declared queue\'s routes: a route added takes what is published after it, a route removed takes nothing more', async () => {
    const bus = await h.bus();
    const exchange = fresh('orders.events');
    const queue = fresh('routed');
    await (await bus.subscribe({ queue, bindings: [], handler: ignore })).cancel();
    const route = (routingKey: string) => ({ exchange, routingKey });
    await bus.publish(exchange, [event('order.created')]);
    await bus.bind(queue, [route('order.created'), route('order.shipped')]);
    await bus.bind(queue, [route('order.created')]);
    await bus.publish(exchange, [event('order.created'), event('order.shipped')]);
    await vi.waitFor(async () => expect(await h.depth(queue)).toBe(2), POLL);
    // A route that is not there is no error.
    await bus.unbind(queue, [route('order.shipped'), route('order.cancelled')]);
    await bus.publish(exchange, [event('order.shipped'), event('order.created')]);
    await vi.waitFor(async () => expect(await h.depth(queue)).toBe(3), POLL);
    await delay(200);
    expect(await h.depth(queue)).toBe(3);
  });

  it('keeps messages published while nobody consumes and delivers them, in order, on the next subscribe', async () => {
    const publisher = await h.bus();
    const consumer = await h.bus();
    const exchange = fresh('orders.events');
    const queue = fresh('novos_pedidos');
    const bindings = [{ exchange, routingKey: 'order.created' }];
    await (await consumer.subscribe({ queue, bindings, handler: ignore })).cancel();
    const events = [event('order.created'), event('order.created'), event('order.created')];

    await publisher.publish(exchange, events);

    await vi.waitFor(async () => expect(await h.depth(queue)).toBe(3), POLL);
    const received: string[] = [];
    await consumer.subscribe({ queue, bindings, handler: async (e) => void received.push(e.id) });
    await vi.waitFor(() => expect(received).toEqual(events.map((e) => e.id)), POLL);
    await vi.waitFor(async () => expect(await h.depth(queue)).toBe(0), POLL);
  });

  it('retries a handler that fails twice with attempts 2 and 3, then acks it once', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    const calls: Array<[string, number]> = [];
    await bus.subscribe({
      queue,
      bindings: [{ exchange, routingKey: 'order.*' }],
      handler: async (e, ctx) => {
        calls.push([e.type, ctx.attempt]);
        if (e.type === 'order.created' && ctx.attempt < 3) throw new Error(`failed on attempt ${ctx.attempt}`);
      },
    });
    const signals = record(bus);
    const flaky = event('order.created');

    await bus.publish(exchange, [flaky]);

    await vi.waitFor(() => expect(signals.some((s) => s.kind === 'ack')).toBe(true), POLL);
    expect(signals.map((s) => [s.kind, s.attempt, s.kind === 'ack' ? null : s.error])).toEqual([
      ['retry', 1, 'failed on attempt 1'],
      ['retry', 2, 'failed on attempt 2'],
      ['ack', 3, null],
    ]);
    expect(signals.every((s) => s.queue === queue && s.event?.id === flaky.id)).toBe(true);
    // A later message gets through after it; the flaky one was not delivered again meanwhile.
    const marker = event('order.shipped');
    await bus.publish(exchange, [marker]);
    await vi.waitFor(() => expect(signals.filter((s) => s.kind === 'ack')).toHaveLength(2), POLL);
    expect(calls).toEqual([
      ['order.created', 1],
      ['order.created', 2],
      ['order.created', 3],
      ['order.shipped', 1],
    ]);
    expect(await h.deadLetters(queue)).toEqual([]);
  });

  it('dead-letters a message that always fails after delaysMs.length + 1 attempts, and keeps consuming', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    const poisonAttempts: number[] = [];
    const processed: string[] = [];
    await bus.subscribe({
      queue,
      bindings: [{ exchange, routingKey: 'order.*' }],
      handler: async (e, ctx) => {
        if (e.type === 'order.poisoned') {
          poisonAttempts.push(ctx.attempt);
          throw new Error(`boom on attempt ${ctx.attempt}`);
        }
        processed.push(e.id);
      },
    });
    const signals = record(bus);
    const poisoned = event('order.poisoned');
    const good = event('order.created');

    await bus.publish(exchange, [poisoned, good]);

    await vi.waitFor(() => expect(signals.some((s) => s.kind === 'dead')).toBe(true), POLL);
    const dead = signals.find((s) => s.kind === 'dead');
    expect(dead).toMatchObject({ queue, attempt: 3, error: 'boom on attempt 3', event: { id: poisoned.id } });
    expect(poisonAttempts).toEqual([1, 2, 3]);
    expect(processed).toEqual([good.id]);
    await vi.waitFor(async () => expect(await bus.queueDepth(`${queue}.dlq`)).toBe(1), POLL);
    expect(await bus.queueDepth(fresh('never-declared'))).toBe(0);
    const letters = await h.deadLetters(queue);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ error: 'boom on attempt 3', attempts: 3, originalQueue: queue });
    expect(JSON.parse(letters[0]!.body)).toEqual(poisoned);

    const later = event('order.created');
    await bus.publish(exchange, [later]);
    await vi.waitFor(() => expect(processed).toEqual([good.id, later.id]), POLL);
    expect(poisonAttempts).toEqual([1, 2, 3]);
  });

  it('spends no attempt while the handler\'s dependency is down: a long outage dead-letters nothing', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    let databaseUp = false;
    const attempts: number[] = [];
    await bus.subscribe({
      queue,
      bindings: [{ exchange, routingKey: 'order.*' }],
      handler: async (_e, ctx) => {
        attempts.push(ctx.attempt);
        if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      dependsOn: async () => {
        if (!databaseUp) throw new Error('database down');
      },
    });
    const signals = record(bus);
    const waiting = event('order.created');

    await bus.publish(exchange, [waiting]);

    // Far more failures than the two retries a failing message gets, and still no dead letter.
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(6), POLL);
    expect(signals.filter((s) => s.kind === 'dead')).toEqual([]);
    expect(new Set(attempts)).toEqual(new Set([1]));
    databaseUp = true;
    await vi.waitFor(() => expect(signals.some((s) => s.kind === 'ack')).toBe(true), POLL);
    expect(signals.find((s) => s.kind === 'ack')).toMatchObject({ attempt: 1, event: { id: waiting.id } });
    expect(await h.deadLetters(queue)).toEqual([]);
  });

  it('counts attempts as usual when the dependency is up: the message itself is at fault', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    await bus.subscribe({
      queue,
      bindings: [{ exchange, routingKey: 'order.*' }],
      handler: async (_e, ctx) => {
        throw new Error(`bad message, attempt ${ctx.attempt}`);
      },
      dependsOn: async () => {},
    });
    const signals = record(bus);

    await bus.publish(exchange, [event('order.created')]);

    await vi.waitFor(() => expect(signals.some((s) => s.kind === 'dead')).toBe(true), POLL);
    expect(signals.map((s) => [s.kind, s.attempt])).toEqual([['retry', 1], ['retry', 2], ['dead', 3]]);
  });

  it('sends a body that is not a CloudEvent straight to the DLQ without calling the handler', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    let calls = 0;
    await bus.subscribe({ queue, bindings: [{ exchange, routingKey: '#' }], handler: async () => void (calls += 1) });
    const signals = record(bus);

    await h.publishRaw(exchange, 'order.created', 'not json at all');
    await h.publishRaw(exchange, 'order.created', JSON.stringify({ hello: 'world' }));

    await vi.waitFor(() => expect(signals.filter((s) => s.kind === 'dead')).toHaveLength(2), POLL);
    expect(signals.every((s) => s.kind === 'dead' && s.event === null && s.attempt === 1)).toBe(true);
    expect(calls).toBe(0);
    const letters = await h.deadLetters(queue);
    expect(letters.map((l) => [l.body, l.attempts])).toEqual([
      ['not json at all', 1],
      [JSON.stringify({ hello: 'world' }), 1],
    ]);
    expect(letters[1]!.error).toMatch(/CloudEvents/);
  });

  it('never runs more handlers at once than the prefetch', async () => {
    const bus = await h.bus();
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    const gate = deferred();
    let running = 0;
    let most = 0;
    await bus.subscribe({
      queue,
      prefetch: 2,
      bindings: [{ exchange, routingKey: '#' }],
      handler: async () => {
        running += 1;
        most = Math.max(most, running);
        await gate.promise;
        running -= 1;
      },
    });
    const signals = record(bus);

    await bus.publish(exchange, Array.from({ length: 5 }, () => event('order.created')));

    try {
      await vi.waitFor(async () => {
        expect(running).toBe(2);
        expect(await h.depth(queue)).toBe(3);
      }, POLL);
    } finally {
      gate.resolve();
    }
    await vi.waitFor(() => expect(signals.filter((s) => s.kind === 'ack')).toHaveLength(5), POLL);
    expect(most).toBe(2);
  });

  it('close waits for a handler in flight to finish and acks it', async () => {
    const bus = await h.bus();
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    const started = deferred();
    let finished = false;
    await bus.subscribe({
      queue,
      bindings: [{ exchange, routingKey: '#' }],
      handler: async () => {
        started.resolve();
        await delay(200); // the handler's own work, still running when close is called
        finished = true;
      },
    });
    const signals = record(bus);
    await bus.publish(exchange, [event('order.created')]);
    await started.promise;

    await bus.close();

    expect(finished).toBe(true);
    expect(signals.map((s) => s.kind)).toEqual(['ack']);
    expect(await h.depth(queue)).toBe(0);
  });

  it('rejects publish, subscribe and ping once closed, and closes idempotently', async () => {
    const bus = await h.bus();
    await bus.close();
    await bus.close();
    await expect(bus.publish(fresh('x'), [event('order.created')])).rejects.toThrow(/closed/);
    await expect(bus.subscribe({ queue: fresh('q'), bindings: [], handler: ignore })).rejects.toThrow(/closed/);
    await expect(bus.ping()).rejects.toThrow(/closed/);
  });

  it('gives every bus its own exclusive queue that receives every message, removed when the bus closes', async () => {
    const [a, b] = [await h.bus(), await h.bus()];
    const exchange = fresh('orders.events');
    const prefix = fresh('orders.live');
    const got = new Map<Bus, { queue: string; ids: string[] }>();
    for (const bus of [a, b]) {
      const seen = { queue: '', ids: [] as string[] };
      got.set(bus, seen);
      await bus.subscribe({
        queue: prefix,
        exclusive: true,
        bindings: [{ exchange, routingKey: 'order.#' }],
        handler: async (e, ctx) => {
          seen.queue = ctx.queue;
          seen.ids.push(e.id);
        },
      });
    }
    const events = [event('order.created'), event('order.shipped'), event('order.cancelled')];

    await a.publish(exchange, events);

    for (const bus of [a, b]) {
      await vi.waitFor(() => expect(got.get(bus)!.ids).toEqual(events.map((e) => e.id)), POLL);
      expect(got.get(bus)!.queue.startsWith(prefix)).toBe(true);
    }
    const [qa, qb] = [got.get(a)!.queue, got.get(b)!.queue];
    expect(qa).not.toBe(qb);
    await a.close();
    await b.close();
    await vi.waitFor(async () => expect([await h.queueExists(qa), await h.queueExists(qb)]).toEqual([false, false]), POLL);
  });

  it('does not retry or dead-letter a failure on an exclusive queue', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    let calls = 0;
    let queue = '';
    await bus.subscribe({
      queue: fresh('orders.live'),
      exclusive: true,
      bindings: [{ exchange, routingKey: '#' }],
      handler: async (_e, ctx) => {
        calls += 1;
        queue = ctx.queue;
        if (calls === 1) throw new Error('push failed');
      },
    });
    const signals = record(bus);

    await bus.publish(exchange, [event('order.created')]);
    await vi.waitFor(() => expect(signals.map((s) => s.kind)).toEqual(['dead']), POLL);
    await bus.publish(exchange, [event('order.created')]);

    await vi.waitFor(() => expect(signals.map((s) => s.kind)).toEqual(['dead', 'ack']), POLL);
    expect(signals[0]).toMatchObject({ attempt: 1, error: 'push failed' });
    expect(calls).toBe(2);
    expect(await h.queueExists(`${queue}.dlq`)).toBe(false);
  });
});

describe('the rabbitmq bus, against the broker', () => {
  const transport = rabbitMqTransport();
  let h: Harness;
  let vhost: TestVhost;
  beforeAll(async () => {
    await transport.start();
    vhost = transport.vhost();
  });
  afterAll(() => transport.stop());
  beforeEach(() => {
    h = transport.harness();
  });

  it('publishes persistent CloudEvents with message id, type and content type, into quorum queues', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('novos_pedidos');
    await (await bus.subscribe({ queue, bindings: [{ exchange, routingKey: 'order.created' }], handler: ignore })).cancel();
    const created = event('order.created', { orderId: randomUUID() });

    await bus.publish(exchange, [created]);

    const msg = await withChannel(vhost.url, (ch) => ch.get(queue, { noAck: true }));
    if (!msg) throw new Error('no message in the queue');
    expect(msg.properties).toMatchObject({
      deliveryMode: 2,
      messageId: created.id,
      type: 'order.created',
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      timestamp: Math.floor(Date.parse(created.time) / 1000),
    });
    expect(msg.fields.routingKey).toBe('order.created');
    expect(JSON.parse(msg.content.toString('utf8'))).toEqual(created);
    const listed = JSON.parse(await rabbitmqctl('list_queues', '-p', vhost.vhost, 'name', 'type', 'durable', '--formatter', 'json')) as Array<{
      name: string;
      type: string;
      durable: boolean;
    }>;
    const typeOf = (name: string) => listed.find((q) => q.name === name);
    expect(typeOf(queue)).toMatchObject({ type: 'quorum', durable: true });
    expect(typeOf(`${queue}.dlq`)).toMatchObject({ type: 'quorum', durable: true });
    expect(typeOf(`${queue}.retry.50`)).toMatchObject({ type: 'classic', durable: true });
    expect(typeOf(`${queue}.retry.100`)).toMatchObject({ type: 'classic', durable: true });
  });

  it('sends the frames of one turn to the broker in one socket write, not one write per frame', async () => {
    const bus = await h.bus({ retry: shortRetry });
    const exchange = fresh('orders.events');
    const queue = fresh('q');
    await (await bus.subscribe({ queue, bindings: [{ exchange, routingKey: '#' }], handler: ignore })).cancel();
    // The publishing channel is opened and the exchange declared (round trips of their own) first.
    await bus.publish(exchange, [event('order.created')]);
    // Every write the process makes to the broker's socket: one call of these is one syscall.
    type Write = (this: Socket, ...args: unknown[]) => unknown;
    const proto = Socket.prototype as unknown as { _write: Write; _writev: Write };
    const original = { _write: proto._write, _writev: proto._writev };
    const brokerPort = Number(new URL(vhost.url).port || 5672);
    let writes = 0;
    for (const name of ['_write', '_writev'] as const) {
      proto[name] = function (this: Socket, ...args: unknown[]) {
        if (this.remotePort === brokerPort) writes++;
        return original[name].apply(this, args);
      };
    }
    try {
      // 20 events, each a method, a header and a body frame, handed to the socket in one turn.
      await bus.publish(exchange, Array.from({ length: 20 }, () => event('order.created')));
    } finally {
      Object.assign(proto, original);
    }
    expect(writes).toBe(1);
  });

  it('rejects publish and ping promptly while the broker refuses it, then recovers and consumes again', async () => {
    const { log, entries } = captureLog();
    const bus = await h.bus({ log });
    const exchange = fresh('orders.events');
    const received: string[] = [];
    await bus.subscribe({ queue: fresh('q'), bindings: [{ exchange, routingKey: '#' }], handler: async (e) => void received.push(e.id) });

    await rabbitmqctl('clear_permissions', '-p', vhost.vhost, 'guest');
    try {
      await rabbitmqctl('close_all_connections', '-p', vhost.vhost, 'test: access revoked');
      await vi.waitFor(() => expect(bus.ping()).rejects.toThrow(), POLL);
      const started = Date.now();
      await expect(bus.publish(exchange, [event('order.created')])).rejects.toThrow(/not connected/);
      expect(Date.now() - started).toBeLessThan(500);
      expect(entries.some((e) => e.msg === 'RabbitMQ connection lost; reconnecting')).toBe(true);
    } finally {
      await rabbitmqctl('set_permissions', '-p', vhost.vhost, 'guest', '.*', '.*', '.*');
    }

    const after = event('order.created');
    await vi.waitFor(() => bus.publish(exchange, [after]), { ...POLL, timeout: 20_000 });
    await vi.waitFor(() => expect(received).toContain(after.id), POLL);
    await bus.ping();
  });

  it('reconnects after the broker closes its connection and consumes a new message', async () => {
    const { log, entries } = captureLog();
    const bus = await h.bus({ log });
    const exchange = fresh('orders.events');
    const received: string[] = [];
    await bus.subscribe({ queue: fresh('q'), bindings: [{ exchange, routingKey: '#' }], handler: async (e) => void received.push(e.id) });
    const before = event('order.created');
    await bus.publish(exchange, [before]);
    await vi.waitFor(() => expect(received).toEqual([before.id]), POLL);

    await rabbitmqctl('close_all_connections', '-p', vhost.vhost, 'test: reconnect');

    await vi.waitFor(() => expect(entries.filter((e) => e.msg === 'RabbitMQ connection lost; reconnecting')).toHaveLength(1), POLL);
    const after = event('order.created');
    await vi.waitFor(() => bus.publish(exchange, [after]), { ...POLL, timeout: 20_000 });
    await vi.waitFor(() => expect(received).toEqual([before.id, after.id]), POLL);
  });
});
